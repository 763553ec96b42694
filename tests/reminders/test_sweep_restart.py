"""Beat stays single in effect: a sweep killed half-way (kill -9 of the process running it, after
some batches are committed), redelivered and sent again while a second beat's sweep runs at the
same time, leaves every reminder, notification and outbox mail once, and sends each mail once.

A real Celery worker (prefork, two processes) on Redis, against the test database, sweeping in
batches of two; mail goes to the SMTP sink of tests/reminders/test_worker.py. The sweep is held
half-way by an uncommitted row with the key of the second batch's first reminder (its insert
waits on that row), so the kill falls between two batches: the first committed, the second not.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from cases.models import FollowUpPlan
from reminders.models import MailState, OutboxMail, Reminder
from reminders.services import message_id
from reminders.tasks import sweep
from tests.reminders.conftest import followup_case, make_town
from tests.reminders.test_worker import Sink, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"reminders-restart-test-{os.getpid()}"
BATCH = 2
CASES = 6  # three batches of two


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(sink: Sink) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A sutohamu worker`, two processes, sweeping in batches of two."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
        CELERY_QUEUE=QUEUE,
        REMINDER_BATCH_SIZE=str(BATCH),
    )
    process = subprocess.Popen(
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
    yield process
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.1)


def waiting_on_a_lock() -> list[int]:
    """The client ports of this database's sessions waiting on a lock (the held insert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_port FROM pg_stat_activity WHERE datname = %s"
            " AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
        return [port for (port,) in cursor.fetchall()]


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:  # the process ended meanwhile
            continue
        if f"PPid:\t{pid}" in lines:
            found.append(int(status.parent.name))
    return found


def process_with_port(candidates: list[int], port: int) -> int | None:
    """Which of the processes holds the TCP socket whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


def test_a_sweep_killed_half_way_then_run_again_twice_at_once_records_and_sends_once(worker, sink):
    town = make_town()
    day = timezone.localdate() + datetime.timedelta(days=2)
    cases = [followup_case(town, day) for _ in range(CASES)]
    plans = list(FollowUpPlan.objects.filter(case__in=cases).order_by("pk"))
    held = plans[BATCH]  # the first of the second batch
    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=False,
    )
    today = timezone.localdate().isoformat()
    try:
        # An uncommitted row with that reminder's key: the second batch's insert waits on it.
        blocker.execute(
            "INSERT INTO reminders_reminder (kind, target_type, target_id, due_on, recipient_id,"
            " reference, params, link, created_at, channel, notify_type)"
            " VALUES ('followup_due', 'cases.followupplan', %s, %s, %s, '', '{}', '', now(),"
            " '', '')",
            [held.pk, held.next_contact_on, town.owner.pk],
        )
        first = sweep.apply_async(args=[today], queue=QUEUE)
        wait_for(lambda: bool(waiting_on_a_lock()), "the sweep to reach the second batch")
        assert Reminder.objects.count() == BATCH  # the first batch is committed
        [port] = waiting_on_a_lock()
        running = process_with_port(children(worker.pid), port)
        assert running is not None, "no worker process holds the waiting connection"
        os.kill(running, signal.SIGKILL)  # the process running the sweep, mid-way
        # The worker requeues the lost task (acks_late, reject_on_worker_lost) to a new process;
        # the restarted beat's sweep and a second beat's come on top, at the same time.
        again = [sweep.apply_async(args=[today], queue=QUEUE) for _ in range(2)]
        # The killed process's session still waits; both of the worker's processes join it.
        wait_for(lambda: len(waiting_on_a_lock()) >= 3, "two sweeps at the held batch at once")
        assert Reminder.objects.count() == BATCH
    finally:
        blocker.rollback()
        blocker.close()
    for result in [first, *again]:
        result.get(timeout=90)
    wait_for(lambda: not OutboxMail.objects.filter(state=MailState.PENDING).exists(), "mail")

    reminders = list(Reminder.objects.order_by("target_id"))
    assert [r.target_id for r in reminders] == [p.pk for p in plans]
    assert {r.recipient_id for r in reminders} == {town.owner.pk}
    notes = Notification.objects.filter(user=town.owner)
    assert notes.count() == CASES
    assert {r.notification_id for r in reminders} == {n.pk for n in notes}  # one each
    mails = OutboxMail.objects.all()
    assert sorted(m.key for m in mails) == sorted(f"reminder-{r.pk}" for r in reminders)
    assert {r.mail_id for r in reminders} == {m.pk for m in mails}
    received = sink.ids()
    assert set(received) == {message_id(m.key) for m in mails}
    assert set(received.values()) == {1}  # each mail sent once
