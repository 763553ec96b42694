"""Reminders through a real Celery worker on Redis, against the test database.

One worker (two processes, so two sweeps really run at once) is started for the module; the
last test kills it in the middle of a sweep and starts another, which gets the task redelivered.
The worker writes its e-mails to files (Django's file backend); every message is parsed.
"""

from __future__ import annotations

import datetime
import email
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from cases.models import FollowUpPlan
from reminders.models import Reminder
from reminders.tasks import sweep
from tests.reminders.conftest import SECRET_TEXT, SECRET_TITLE, followup_case, make_town

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"reminders-test-{os.getpid()}"
SEPARATOR = "-" * 79


class Worker:
    """`celery -A sutohamu worker` in its own process group, on a queue of its own."""

    def __init__(self, database: str, maildir: Path) -> None:
        self.database, self.maildir = database, maildir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        db = connection.settings_dict
        env = dict(
            os.environ,
            DATABASE_URL=(
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                f"{self.database}"
            ),
            EMAIL_URL=f"filemail:///{self.maildir}",
            CELERY_VISIBILITY_TIMEOUT="2",
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sutohamu",
                "worker",
                "-Q",
                QUEUE,
                "--pool=prefork",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """SIGKILL the whole worker, children included: nothing is acknowledged."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker) -> Iterator[Worker]:
    maildir = Path(tempfile.mkdtemp(prefix="sutohamu-mail-"))
    with django_db_blocker.unblock():
        running = Worker(connection.settings_dict["NAME"], maildir)
    running.start()
    yield running
    running.kill()
    shutil.rmtree(maildir, ignore_errors=True)


@pytest.fixture
def mails(worker: Worker) -> Iterator[Path]:
    for path in worker.maildir.iterdir():
        path.unlink()
    yield worker.maildir


def sent_mails(maildir: Path) -> list[email.message.Message]:
    messages = []
    for path in sorted(maildir.iterdir()):
        for chunk in path.read_text(encoding="utf-8").split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


def body_of(message: email.message.Message) -> str:
    encoding = message.get("Content-Transfer-Encoding", "").lower()
    if encoding in ("base64", "quoted-printable"):
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode(message.get_content_charset() or "utf-8")
    text = message.get_payload()  # 8bit: the file holds the text as written
    assert isinstance(text, str)
    return text


def run_sweep(timeout: float = 60) -> None:
    sweep.apply_async(args=[timezone.localdate().isoformat()], queue=QUEUE).get(timeout=timeout)


def due_case():
    town = make_town()
    case = followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    return town, case


def test_a_due_follow_up_gives_one_notification_and_one_mail_without_case_text(mails):
    town, case = due_case()
    run_sweep()
    notes = Notification.objects.filter(user=town.owner)
    assert [n.kind for n in notes] == ["reminders.followup_due"]
    messages = sent_mails(mails)
    assert len(messages) == 1
    assert messages[0]["To"] == "owner@example.se"
    for message in messages:
        text = message["Subject"] + body_of(message)
        assert case.reference in text and f"/arenden/{case.reference}/" in text
        assert SECRET_TITLE not in text and SECRET_TEXT not in text


def test_two_sweeps_at_once_and_a_third_after_still_send_once(mails):
    town, _case = due_case()
    day = timezone.localdate().isoformat()
    results = [sweep.apply_async(args=[day], queue=QUEUE) for _ in range(2)]
    for result in results:
        result.get(timeout=60)
    run_sweep()
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert Reminder.objects.count() == 1
    assert len(sent_mails(mails)) == 1


def test_a_worker_killed_mid_sweep_has_the_task_redelivered_and_still_sends_once(worker, mails):
    town, case = due_case()
    plan = FollowUpPlan.objects.get(case=case)
    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=False,
    )
    try:
        # An uncommitted row with the reminder's key: the worker's insert waits on it.
        blocker.execute(
            "INSERT INTO reminders_reminder (kind, target_type, target_id, due_on, recipient_id,"
            " reference, params, link, created_at, channel, notify_type)"
            " VALUES ('followup_due', 'cases.followupplan', %s, %s, %s, '', '{}', '', now(),"
            " '', '')",
            [plan.pk, plan.next_contact_on, town.owner.pk],
        )
        result = sweep.apply_async(args=[timezone.localdate().isoformat()], queue=QUEUE)
        waiting = 0
        for _ in range(300):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                    " AND wait_event_type = 'Lock'",
                    [db["NAME"]],
                )
                waiting = cursor.fetchone()[0]
            if waiting:
                break
            time.sleep(0.1)
        assert waiting, "the worker never reached the reminder insert"
        worker.kill()  # mid-task: the message is not acknowledged
    finally:
        blocker.rollback()
        blocker.close()
    assert not Reminder.objects.exists()
    worker.start()  # a new worker restores the unacknowledged message and runs it again
    result.get(timeout=90)
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert Reminder.objects.count() == 1
    assert len(sent_mails(mails)) == 1
