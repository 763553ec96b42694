"""The app's database role cannot rewrite the logs: no UPDATE, DELETE, TRUNCATE or trigger control.

The tests run as the app's role (tests/db_roles.py), as web, worker and beat do; a test marked
`db_owner` runs as the schema's owner, whom the append-only triggers still refuse.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from cases.audit import check_read_log
from cases.choices import ReadKind
from cases.models import CaseRead
from reports.models import DownloadKind, Report, ReportDownload, ReportStatus
from sutohamu.db_roles import append_only_tables
from tests.db_roles import app_role_name
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db

LOGS = [
    "cases_caseread",
    "cases_casereadseal",
    "cases_readlogcheck",
    "cases_transition",
    "reports_reportdownload",
]

REFUSED = [
    "TRUNCATE {table}",
    "TRUNCATE {table} CASCADE",
    "ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TRIGGER {table}_append_only ON {table}",
    "ALTER TABLE {table} ADD COLUMN sneaked integer",
    "DROP TABLE {table} CASCADE",
    "UPDATE {table} SET {column} = {column}",
    "DELETE FROM {table}",
]
# A column of each log (the seals are keyed by their read).
COLUMN = {"cases_casereadseal": "seq"}


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(error.value)


def test_the_tests_run_as_a_role_that_owns_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (role,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
            [role],
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = %s", [role]
        )
        assert cursor.fetchone() == (False, False, False)


def test_every_log_is_found_by_its_trigger():
    assert append_only_tables(connection) == LOGS


@pytest.mark.parametrize("table", LOGS)
@pytest.mark.parametrize("statement", REFUSED)
def test_the_app_role_cannot_cut_or_rewrite_a_log(table, statement):
    message = _refused(statement.format(table=table, column=COLUMN.get(table, "id")))
    assert "permission denied" in message or "must be owner" in message


@pytest.mark.parametrize("table", LOGS)
def test_the_app_role_may_append_to_and_read_a_log(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.table_privileges "
            "WHERE table_name = %s AND grantee = current_user ORDER BY privilege_type",
            [table],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]


def test_the_app_role_may_only_empty_a_status_changes_reason():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.column_privileges WHERE table_name = "
            "'cases_transition' AND grantee = current_user AND privilege_type = 'UPDATE'"
        )
        assert cursor.fetchall() == [("reason",)]
    assert "permission denied" in _refused("UPDATE cases_transition SET to_status = 'closed'")


def test_the_app_role_cannot_record_migrations_or_change_the_schema():
    assert "permission denied" in _refused("DELETE FROM django_migrations")
    assert "permission denied" in _refused("CREATE TABLE sneaked (id integer)")
    assert "must be owner" in _refused("ALTER TABLE cases_case ADD COLUMN sneaked integer")


@pytest.fixture
def every_log_has_a_row(demo):
    """A read and its seal, a check and a report download beside the demo's status changes."""
    user = User.objects.get(username="samordnare.sunne")
    case = nmr_case()
    CaseRead.objects.create(user=user, case=case, kind=ReadKind.PAGE)
    check_read_log()
    report = Report.objects.filter(status=ReportStatus.DONE).first()
    ReportDownload.objects.create(user=user, report=report, kind=DownloadKind.PDF)


@pytest.mark.db_owner
@pytest.mark.parametrize("table", LOGS)
def test_even_the_owner_meets_the_append_only_trigger(every_log_has_a_row, table):
    column = COLUMN.get(table, "id")
    change = "at = at + interval '1 second'" if table == "cases_transition" else f"{column} = 0"
    assert "append-only" in _refused(f"UPDATE {table} SET {change}")
    assert "append-only" in _refused(f"DELETE FROM {table}")


@pytest.mark.db_owner
def test_the_grant_command_is_idempotent_and_names_the_logs(capsys):
    call_command("grant_app_role", role=app_role_name())
    call_command("grant_app_role", role=app_role_name())
    assert "insert and read only on: " + ", ".join(LOGS) in capsys.readouterr().out
