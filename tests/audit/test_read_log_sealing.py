"""The read log sealed in batches off the request path (cases/models/reads.py).

A case view only inserts its read; the seal task (enqueued when the read commits, and by beat)
appends the seals in order under the chain's lock. A real Celery worker on Redis seals what the
views left; a read altered before its seal is reported and never sealed; views do not wait for
the chain's lock.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.choices import ReadKind
from cases.models import CaseRead, CaseReadSeal, ReadLogCheck
from cases.models.reads import (
    CHAIN_LOCK_KEY,
    READS,
    SEAL_DELAY,
    ChainProblem,
    pending_reads,
    verify_chain,
)
from cases.tasks import enqueue_seal, seal_reads
from sutohamu.celery import app as celery_app
from tests.audit.test_read_chain import _tamper
from tests.demo_objects import nmr_case

QUEUE = f"read-seal-test-{os.getpid()}"
READERS = ("samordnare.sunne", "samordnare2.sunne")


def _database_url() -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}/{db['NAME']}"


def _libpq() -> str:
    db = connection.settings_dict
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} "
        f"user={db['USER']} password={db['PASSWORD']}"
    )


@pytest.fixture
def own_queue() -> Iterator[str]:
    """The seal task goes to a queue of this test's own (the worker below serves only it)."""
    before = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE
    yield QUEUE
    celery_app.conf.task_default_queue = before


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_worker_seals_every_read_the_views_left_and_the_check_passes(demo, own_queue):
    case = nmr_case()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sutohamu",
            "worker",
            "-Q",
            own_queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": _database_url(), "CELERY_QUEUE": own_queue},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for username in READERS * 3:
            client = Client()
            client.force_login(User.objects.get(username=username))
            assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200
            assert client.get(reverse("cases:timeline", args=[case.reference])).status_code == 200
        assert CaseRead.objects.count() == 12
        deadline = time.monotonic() + 120
        while pending_reads().exists():
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker left reads unsealed"
            time.sleep(0.2)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    seals = list(CaseReadSeal.objects.order_by("seq").values_list("seq", "read_id"))
    # In order: the sequence has no gap and follows the reads' ids.
    assert [seq for seq, _ in seals] == list(range(1, 13))
    assert [read for _, read in seals] == sorted(CaseRead.objects.values_list("pk", flat=True))
    call_command("verify_read_log")
    check = ReadLogCheck.objects.get(chain=READS)
    assert check.intact and check.full and check.last_seq == 12


@pytest.fixture
def unsealed(demo) -> list[CaseRead]:
    """Three reads as the views leave them: committed (here: inside the test), not yet sealed."""
    case = nmr_case()
    user = User.objects.get(username=READERS[0])
    return [CaseRead.objects.create(user=user, case=case, kind=ReadKind.PAGE) for _ in range(3)]


@pytest.mark.django_db
def test_a_view_inserts_only_its_read_and_the_task_seals_it_later(unsealed):
    assert pending_reads().count() == 3 and not CaseReadSeal.objects.exists()
    assert seal_reads() == 3
    assert not pending_reads().exists()
    assert seal_reads() == 0  # nothing twice
    result = verify_chain()
    assert result.intact and result.last_seq == 3


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_the_seal_task_is_sent_to_start_a_second_after_the_read(own_queue):
    """The reads of that second find it waiting, and one run seals them all."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(own_queue)
    sent = timezone.now()
    enqueue_seal()
    messages = broker.lrange(own_queue, 0, -1)
    broker.delete(own_queue)
    assert len(messages) == 1
    headers = json.loads(messages[0])["headers"]
    assert headers["task"] == "cases.tasks.seal_reads"
    eta = datetime.datetime.fromisoformat(headers["eta"])
    assert eta - sent >= datetime.timedelta(seconds=SEAL_DELAY)


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_a_read_altered_before_its_seal_is_reported_and_never_sealed(unsealed):
    victim = unsealed[1]
    _tamper("UPDATE cases_caseread SET kind = 'pdf' WHERE id = %s", [victim.pk])
    assert seal_reads() == 2  # the others are sealed, in order
    assert list(pending_reads().values_list("pk", flat=True)) == [victim.pk]
    with pytest.raises(CommandError) as error:
        call_command("verify_read_log")
    message = str(error.value)
    assert f"read id {victim.pk}" in message and "not yet sealed" in message
    check = ReadLogCheck.objects.get(chain=READS)
    assert not check.intact and check.problem == ChainProblem.ALTERED
    assert check.broken_read == victim.pk and check.broken_seq is None and check.last_seq == 2


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
@pytest.mark.parametrize(
    "change",
    [
        "user_id = (SELECT id FROM accounts_user WHERE username = 'samordnare2.sunne')",
        "at = at - interval '1 microsecond'",
        "mac = ''::bytea",
    ],
)
def test_any_changed_field_of_an_unsealed_read_is_found(unsealed, change):
    victim = unsealed[0]
    _tamper(f"UPDATE cases_caseread SET {change} WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=f"read id {victim.pk}"):
        call_command("verify_read_log")


@pytest.mark.django_db
def test_the_officers_page_reports_an_intact_log_with_reads_waiting_for_their_seal(unsealed, login):
    page = login("dso").get(reverse("cases:read_log")).content.decode()
    assert 'class="chain-intact"' in page


@pytest.mark.django_db(transaction=True)
def test_case_views_do_not_wait_while_the_seal_lock_is_held(demo):
    case = nmr_case()
    url = reverse("cases:detail", args=[case.reference])
    users = {name: User.objects.get(username=name) for name in READERS}
    statuses: dict[str, int] = {}
    errors: list[BaseException] = []

    def view(username: str) -> None:
        try:
            client = Client()
            client.force_login(users[username])
            statuses[username] = client.get(url).status_code
        except BaseException as problem:
            errors.append(problem)
        finally:
            connection.close()

    # A third connection holds the chain's lock, as a long seal batch would.
    with psycopg.connect(_libpq(), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [CHAIN_LOCK_KEY])
        threads = [threading.Thread(target=view, args=[name]) for name in READERS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        finished = [not thread.is_alive() for thread in threads]
        lock_still_held = holder.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid()"
        ).fetchone()
        holder.execute("SELECT pg_advisory_unlock(%s)", [CHAIN_LOCK_KEY])
    assert finished == [True, True] and errors == []
    assert lock_still_held == (1,)
    assert statuses == {name: 200 for name in READERS}
    assert pending_reads().count() == 2  # inserted, waiting for the task
    assert seal_reads() == 2
    assert verify_chain().intact


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_the_officers_page_shows_a_read_altered_before_its_seal(unsealed, login):
    _tamper("UPDATE cases_caseread SET kind = 'export' WHERE id = %s", [unsealed[2].pk])
    page = login("dso").get(reverse("cases:read_log")).content.decode()
    assert 'class="chain-broken"' in page and 'role="alert"' in page
    assert "ännu inte är förseglad stämmer inte längre med sitt kontrollvärde" in page
    assert nmr_case().reference in page  # the altered read's case, named as for any break
