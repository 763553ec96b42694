"""Reminders through a real Celery worker on Redis, against the test database, mailing to an SMTP
sink of the test's own (aiosmtpd).

One worker (two processes, so two tasks really run at once) serves the module; the kill tests
kill it (SIGKILL, children included) and start another, which gets the unacknowledged tasks
redelivered. The worker retries a mail within a second or so (short back-off through settings).
"""

from __future__ import annotations

import asyncio
import datetime
import email
import email.message
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from cases.models import FollowUpPlan
from reminders.models import MailState, OutboxMail, Reminder
from reminders.services import message_id
from reminders.tasks import sweep
from tests.reminders.conftest import SECRET_TEXT, SECRET_TITLE, followup_case, make_town

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"reminders-test-{os.getpid()}"
CONCURRENCY = 2


class Sink:
    """An SMTP server that keeps every message it receives. With `hold_after` set, it keeps the
    messages after that many waiting for its answer (the window in which a worker that dies has
    handed a message over but not yet marked it sent)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.Message] = []
        self.held: list[str] = []
        self.hold_after: int | None = None
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        with self.lock:
            self.messages.append(message)
            hold = self.hold_after is not None and len(self.messages) > self.hold_after
            if hold:
                self.held.append(message["Message-ID"])
        while hold and self.hold_after is not None:
            await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.held.clear()
            self.hold_after = None

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(m["Message-ID"] for m in self.messages)


class Worker:
    """`celery -A sutohamu worker` in its own process group, on a queue of its own."""

    def __init__(self, database: str, mail_port: int) -> None:
        self.database, self.mail_port = database, mail_port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        db = connection.settings_dict
        env = dict(
            os.environ,
            DATABASE_URL=(
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
                f"{self.database}"
            ),
            EMAIL_URL=f"smtp://127.0.0.1:{self.mail_port}",
            EMAIL_TIMEOUT="20",
            CELERY_QUEUE=QUEUE,
            CELERY_VISIBILITY_TIMEOUT="2",
            CELERY_RESTORE_INTERVAL="1",
            CELERY_RESTORE_THROTTLE="1",
            REMINDER_MAIL_RETRY_BASE="0.2",
            REMINDER_MAIL_RETRY_MAX="1",
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
                f"--concurrency={CONCURRENCY}",
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def services(django_db_setup, django_db_blocker) -> Iterator[tuple[Worker, Sink]]:
    sink = Sink(free_port())
    sink.start()
    with django_db_blocker.unblock():
        running = Worker(connection.settings_dict["NAME"], sink.port)
    running.start()
    yield running, sink
    running.kill()
    sink.stop()


@pytest.fixture
def worker(services: tuple[Worker, Sink]) -> Worker:
    return services[0]


@pytest.fixture
def sink(services: tuple[Worker, Sink]) -> Iterator[Sink]:
    services[1].clear()
    if services[1].controller is None:
        services[1].start()
    yield services[1]
    services[1].hold_after = None


def body_of(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def run_sweep(timeout: float = 60) -> None:
    sweep.apply_async(args=[timezone.localdate().isoformat()], queue=QUEUE).get(timeout=timeout)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}: " + str(
            list(OutboxMail.objects.values_list("key", "state", "attempts", "last_error"))
        )
        time.sleep(0.1)


def all_sent() -> bool:
    return not OutboxMail.objects.filter(state=MailState.PENDING).exists()


def due_cases(n: int = 1):
    town = make_town()
    day = timezone.localdate() + datetime.timedelta(days=2)
    return town, [followup_case(town, day) for _ in range(n)]


def test_a_due_follow_up_gives_one_notification_and_one_mail_without_case_text(sink):
    town, [case] = due_cases()
    run_sweep()
    notes = Notification.objects.filter(user=town.owner)
    assert [n.kind for n in notes] == ["reminders.followup_due"]
    wait_for(lambda: len(sink.ids()) == 1 and all_sent(), "the mail")
    [message] = sink.messages
    assert message["To"] == "owner@example.se"
    assert message["Message-ID"] == message_id(OutboxMail.objects.get().key)
    text = message["Subject"] + body_of(message)
    assert case.reference in text and f"/arenden/{case.reference}/" in text
    assert SECRET_TITLE not in text and SECRET_TEXT not in text


def test_two_sweeps_at_once_and_a_third_after_still_send_once(sink):
    town, _cases = due_cases()
    day = timezone.localdate().isoformat()
    results = [sweep.apply_async(args=[day], queue=QUEUE) for _ in range(2)]
    for result in results:
        result.get(timeout=60)
    run_sweep()
    wait_for(all_sent, "the outbox to empty")
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert Reminder.objects.count() == 1
    assert list(sink.ids().values()) == [1]


def test_a_mail_server_down_leaves_the_notification_and_the_mail_comes_on_a_retry(sink):
    sink.stop()
    town, _cases = due_cases()
    run_sweep()
    # The notification is committed with the reminder, whatever the mail server does.
    assert Notification.objects.filter(user=town.owner).count() == 1
    wait_for(
        lambda: OutboxMail.objects.filter(attempts__gte=1, state=MailState.PENDING).exists(),
        "a failed first attempt",
    )
    assert "Connection" in OutboxMail.objects.get().last_error
    sink.start()
    wait_for(all_sent, "the retry")
    mail = OutboxMail.objects.get()
    assert mail.attempts >= 2 and mail.sent_at is not None
    assert list(sink.ids().values()) == [1]


def test_a_worker_killed_while_mailing_repeats_at_most_the_messages_in_flight(worker, sink):
    town, _cases = due_cases(6)
    sink.hold_after = 2  # two go through; the next ones wait for the server's answer
    run_sweep()
    assert Notification.objects.filter(user=town.owner).count() == 6
    wait_for(lambda: len(sink.held) >= 1, "a message in flight")
    time.sleep(0.3)  # let the second process hand its message over too, if it will
    worker.kill()
    in_flight = set(sink.held)
    sink.hold_after = None
    worker.start()  # a new worker restores the unacknowledged tasks and runs them again
    wait_for(all_sent, "the outbox to empty", timeout=90)
    received = sink.ids()
    keys = {message_id(key) for key in OutboxMail.objects.values_list("key", flat=True)}
    assert set(received) == keys and len(keys) == 6  # every mail at least once
    repeated = {message_id for message_id, n in received.items() if n > 1}
    assert repeated <= in_flight and len(in_flight) <= CONCURRENCY
    assert Notification.objects.filter(user=town.owner).count() == 6  # every notification once
    assert Reminder.objects.count() == 6


def test_a_worker_killed_mid_sweep_has_the_task_redelivered_and_still_sends_once(worker, sink):
    town, [case] = due_cases()
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
    wait_for(all_sent, "the outbox to empty")
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert Reminder.objects.count() == 1
    assert list(sink.ids().values()) == [1]
