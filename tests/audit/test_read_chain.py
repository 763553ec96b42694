"""The read log's hash chain: sealed by the task after the reads, verified, broken by tampering."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.audit import chain_status
from cases.choices import ReadKind
from cases.models import CaseRead, CaseReadSeal, ReadLogCheck
from cases.models.reads import (
    READS,
    ChainProblem,
    ReadLogIsAppendOnly,
    seal,
    seal_pending,
    verify_chain,
    verify_from_checkpoint,
)
from cases.services import case_report
from cases.tasks import seal_reads
from cases.tasks import verify_read_log as verify_read_log_task
from councils.choices import Area
from tests.accounts.factories import RoleAssignmentFactory
from tests.demo_objects import nmr_case


def _tamper(sql: str, params: list, table: str = "cases_caseread") -> None:
    """Change a row behind the application's back, as the table owner can (trigger off).

    Only in a test marked `db_owner`: the app's role may not switch a trigger off.
    """
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks queued; ALTER TABLE needs none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def reads(demo):
    """Five reads of the NMR case, sealed as after their commit."""
    case = nmr_case()
    users = list(demo_users())
    made = [
        CaseRead.objects.create(user=users[i % 2], case=case, kind=ReadKind.PAGE) for i in range(5)
    ]
    seal_pending()
    return made


def demo_users():
    from accounts.models import User

    return User.objects.filter(username__in=["samordnare.sunne", "samordnare2.sunne"])


@pytest.mark.django_db
def test_a_case_page_read_is_sealed_by_the_task_after_the_request_commits(
    login, django_capture_on_commit_callbacks
):
    case = nmr_case()
    client = login("samordnare.sunne")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cases:detail", args=[case.reference]))
        client.get(reverse("cases:pdf", args=[case.reference]))
    assert not CaseReadSeal.objects.exists()  # the request only inserted its read
    assert seal_reads() == 2
    sealed = CaseReadSeal.objects.select_related("read").order_by("seq")
    assert [s.read.kind for s in sealed] == [ReadKind.PAGE, ReadKind.PDF]
    assert not CaseRead.objects.filter(seal__isnull=True).exists()
    result = verify_chain()
    assert result.intact and result.entries == 2


@pytest.mark.django_db
def test_the_command_passes_an_intact_chain_and_records_a_checkpoint(reads, capsys):
    call_command("verify_read_log")
    assert "intact: 5 entries" in capsys.readouterr().out
    check = ReadLogCheck.objects.get(chain=READS)
    assert check.intact and check.full and check.last_seq == 5


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_an_altered_row_is_named_by_the_command(reads):
    victim = reads[2]
    _tamper("UPDATE cases_caseread SET kind = 'pdf' WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as error:
        call_command("verify_read_log")
    message = str(error.value)
    assert f"entry 3 (read id {victim.pk})" in message
    assert "samordnare" in message and nmr_case().reference in message
    check = ReadLogCheck.objects.get(chain=READS)
    assert not check.intact and check.broken_read == victim.pk
    assert check.problem == ChainProblem.ALTERED and check.last_seq == 2


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_a_changed_time_or_person_breaks_the_chain_too(reads):
    _tamper("UPDATE cases_caseread SET at = at - interval '1 second' WHERE id = %s", [reads[4].pk])
    result = verify_chain()
    assert not result.intact and result.broken_read == reads[4].pk


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_a_removed_entry_is_found(reads):
    victim = reads[1]
    _tamper("DELETE FROM cases_casereadseal WHERE read_id = %s", [victim.pk], "cases_casereadseal")
    _tamper("DELETE FROM cases_caseread WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.intact
    assert result.problem == ChainProblem.GAP and result.broken_read == reads[2].pk


@pytest.mark.django_db
def test_seals_are_append_only(reads):
    item = CaseReadSeal.objects.first()
    with pytest.raises(ReadLogIsAppendOnly):
        item.save()
    # The app's role lacks the privilege; the owner would meet the trigger (tests/audit/
    # test_db_roles.py has both).
    with pytest.raises(Exception, match=r"append-only|permission denied"):
        CaseReadSeal.objects.filter(pk=item.pk).update(seq=99)


@pytest.mark.django_db
@pytest.mark.db_owner  # tampering takes the owner: the app's role may not
def test_the_page_checks_from_the_checkpoint_and_shows_a_break(reads, login):
    call_command("verify_read_log")
    CaseRead.objects.create(user=demo_users().first(), case=nmr_case(), kind=ReadKind.TIMELINE)
    seal_pending()
    result, checkpoint = verify_from_checkpoint()
    assert result.intact and result.entries == 1 and checkpoint.last_seq == 5
    client = login("dso")
    page = client.get(reverse("cases:read_log")).content.decode()
    assert 'class="chain-intact"' in page

    _tamper("UPDATE cases_caseread SET kind = 'pdf' WHERE id = %s", [reads[4].pk])
    status = chain_status(client_user("dso"))
    # Changed before the checkpoint: the bounded check does not see it, it checks the anchor.
    assert status.intact
    _tamper(
        "UPDATE cases_caseread SET kind = 'export' WHERE id = %s",
        [CaseRead.objects.order_by("-pk").first().pk],
    )
    status = chain_status(client_user("dso"))
    assert not status.intact and status.result.broken_seq == 6
    page = client.get(reverse("cases:read_log")).content.decode()
    assert 'class="chain-broken"' in page and "(6)" not in page
    assert 'role="alert"' in page and nmr_case().reference in page


def client_user(username: str):
    from accounts.models import User

    return User.objects.get(username=username)


def _seal_in_thread() -> None:
    try:
        seal_reads()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_chain_in_one_line():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    case = case_report(
        by=role.user,
        municipality=role.organisation,
        areas=[Area.CRIME],
        setting="school",
        title="Samtidiga läsningar",
        description="Många läser samtidigt.",
    )
    threads, per_thread = 6, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                CaseRead.objects.create(user=role.user, case=case, kind=ReadKind.PAGE)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=read) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert errors == []
    # Two seal runs at once (the task and a check): one line, none lost to a race for the head.
    runs = [threading.Thread(target=_seal_in_thread) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=30)
    assert CaseReadSeal.objects.count() == threads * per_thread
    assert seal([r.pk for r in CaseRead.objects.all()]) == 0
    result = verify_chain()
    assert result.intact and result.last_seq == threads * per_thread


@pytest.mark.django_db
def test_the_nightly_task_seals_leftovers_and_the_page_counts_unsealed_reads(reads):
    late = CaseRead.objects.create(
        user=demo_users().first(),
        case=nmr_case(),
        kind=ReadKind.PAGE,
        at=timezone.now() - datetime.timedelta(hours=1),
    )  # its request died between the commit and the seal: no seal
    assert chain_status(client_user("dso")).unsealed == 1
    assert verify_read_log_task() is True
    assert CaseReadSeal.objects.get(read=late).seq == 6
    check = ReadLogCheck.objects.get(chain=READS)
    assert check.full and check.last_seq == 6
    assert chain_status(client_user("dso")).unsealed == 0
