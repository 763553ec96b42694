"""The chain's head is anchored outside the log: a cut tail, an emptied or a replaced log is found.

The chain alone is consistent after each of these; the last full check's recorded head (a
checkpoint the app cannot change, and the mail to the data protection officer) is not. Tampering
takes the schema's owner (the app's role cannot; tests/audit/test_db_roles.py), so these tests
run as the owner.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from cases.choices import ReadKind
from cases.models import CaseRead, ReadLogCheck
from cases.models.reads import READS, ChainProblem, seal_pending
from reports.chain import CHAIN as DOWNLOADS
from reports.models import DownloadKind, Report, ReportDownload, ReportStatus
from tests.demo_objects import nmr_case

pytestmark = [pytest.mark.django_db, pytest.mark.db_owner]


def _reader() -> User:
    return User.objects.get(username="samordnare.sunne")


def _read(count: int) -> list[CaseRead]:
    case = nmr_case()
    made = [
        CaseRead.objects.create(user=_reader(), case=case, kind=ReadKind.PAGE) for _ in range(count)
    ]
    seal_pending()
    return made


def _as_table_owner(*statements: str) -> None:
    """What only the owner can: switch the triggers off, change the logs, switch them on."""
    tables = ("cases_caseread", "cases_casereadseal", "reports_reportdownload")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        for statement in statements:
            cursor.execute(statement)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def checked(demo):
    """Six sealed reads and a full check that recorded the head (entry 6)."""
    reads = _read(6)
    call_command("verify_read_log")
    anchor = ReadLogCheck.objects.get(chain=READS)
    assert anchor.intact and anchor.last_seq == 6
    return reads, anchor


def _broken(anchor: ReadLogCheck) -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_read_log")
    assert error.value.returncode == 1
    message = str(error.value)
    assert f"Checkpoint {anchor.pk} of " in message and "head at entry 6" in message
    return message


def test_a_cut_tail_is_reported_naming_the_checkpoint(checked):
    reads, anchor = checked
    tail = ", ".join(str(read.pk) for read in reads[-2:])
    _as_table_owner(
        f"DELETE FROM cases_casereadseal WHERE read_id IN ({tail})",
        f"DELETE FROM cases_caseread WHERE id IN ({tail})",
    )
    message = _broken(anchor)
    assert "broken at entry 5" in message and str(ChainProblem.SHORTER.label) in message
    latest = ReadLogCheck.objects.filter(chain=READS).latest()
    assert not latest.intact and latest.problem == ChainProblem.SHORTER
    # It stays broken: the next check still holds the log to the last intact head.
    _broken(anchor)


def test_an_emptied_log_is_reported(checked):
    _reads, anchor = checked
    _as_table_owner("TRUNCATE cases_casereadseal, cases_caseread")
    message = _broken(anchor)
    assert "broken at entry 1" in message and str(ChainProblem.SHORTER.label) in message


def test_a_replaced_log_is_reported_though_its_chain_is_whole(checked):
    _reads, anchor = checked
    _as_table_owner("TRUNCATE cases_casereadseal, cases_caseread")
    _read(8)  # a fresh, self-consistent chain, longer than the old one
    message = _broken(anchor)
    assert "broken at entry 6" in message and str(ChainProblem.CHECKPOINT.label) in message


def test_reads_after_the_checkpoint_keep_the_log_intact(checked):
    _read(3)
    call_command("verify_read_log")
    assert ReadLogCheck.objects.filter(chain=READS).latest().last_seq == 9


def test_the_report_download_log_is_chained_and_anchored(demo):
    report = Report.objects.filter(status=ReportStatus.DONE).first()
    downloads = [
        ReportDownload.objects.create(user=_reader(), report=report, kind=DownloadKind.CSV)
        for _ in range(3)
    ]
    assert [d.seq for d in downloads] == [1, 2, 3]
    call_command("verify_read_log")
    assert ReadLogCheck.objects.get(chain=DOWNLOADS).last_seq == 3

    _as_table_owner(f"UPDATE reports_reportdownload SET kind = 'pdf' WHERE id = {downloads[1].pk}")
    with pytest.raises(CommandError, match="Report download log chain broken at entry 2"):
        call_command("verify_read_log")
    _as_table_owner(
        f"UPDATE reports_reportdownload SET kind = 'csv' WHERE id = {downloads[1].pk}",
        f"DELETE FROM reports_reportdownload WHERE id = {downloads[2].pk}",
    )
    with pytest.raises(CommandError, match="Report download log chain broken at entry 3"):
        call_command("verify_read_log")


def test_each_full_check_is_mailed_to_the_data_protection_officer(checked):
    User.objects.filter(username="dso").update(email="dso@example.invalid")
    _reads, anchor = checked
    mail.outbox.clear()
    call_command("verify_read_log")
    (message,) = mail.outbox
    assert message.to == ["dso@example.invalid"]
    assert bytes(anchor.last_digest).hex() in message.body and "reads head 6" in message.body
