"""Backup and restore round trip on PostgreSQL: every table, a case's history and the uploaded
documents (kept in the database) come back."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from councils.models import Agreement
from tests.demo_objects import nmr_case

# A backup and a restore are the owner's work (pg_dump reads every schema, createdb): as the owner.
# Transactional: the document saved by the test must be committed for pg_dump to see it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.db_owner]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{name}"
    )


def _counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


HISTORY = (
    "SELECT history_id, history_date, history_type, status, title, history_user_id "
    "FROM cases_historicalcase WHERE id = %s ORDER BY history_id"
)


def _run(script: str, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _empty(name: str) -> None:
    """Drop every schema and start a bare public one: far quicker than DROP DATABASE, which
    waits for a checkpoint of the whole cluster."""
    with psycopg.connect(_url(name), autocommit=True) as db:
        schemas = db.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema'"
        ).fetchall()
        for (schema,) in schemas:
            db.execute(f'DROP SCHEMA "{schema}" CASCADE')
        db.execute("CREATE SCHEMA public")


@pytest.fixture
def empty_database():
    """An empty database beside this worker's test database, kept (empty) for the next run."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    _empty(name)
    try:
        yield name
    finally:
        _empty(name)


def test_backup_and_restore_round_trip(demo, empty_database, tmp_path):
    case = nmr_case()
    agreement = Agreement.objects.get()
    agreement.document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"))
    with connection.cursor() as cursor:
        source_counts = _counts(cursor)
        cursor.execute(HISTORY, [case.pk])
        source_history = cursor.fetchall()
    assert source_counts["cases_case"] > 40 and len(source_history) > 1

    made = _run(
        "backup.sh",
        str(tmp_path / "backups"),
        url=_url(connection.settings_dict["NAME"]),
    )
    assert made.returncode == 0, made.stderr
    backup = made.stdout.strip().splitlines()[-1]
    assert {p.name for p in Path(backup).iterdir()} == {"database.dump", "SHA256SUMS"}

    done = _run("restore.sh", backup, url=_url(empty_database))
    assert done.returncode == 0, done.stderr
    with psycopg.connect(_url(empty_database)) as restored, restored.cursor() as cursor:
        assert _counts(cursor) == source_counts
        cursor.execute(HISTORY, [case.pk])
        assert cursor.fetchall() == source_history
        cursor.execute(
            "SELECT d.content FROM councils_storeddocument d"
            " JOIN councils_agreement a ON a.document = d.name WHERE a.id = %s",
            [agreement.pk],
        )
        row = cursor.fetchone()
        assert row is not None and bytes(row[0]) == b"%PDF-1.4 signed"

    # A second restore into the now filled database is refused, and changes nothing.
    again = _run("restore.sh", backup, url=_url(empty_database))
    assert again.returncode == 3 and "not empty" in again.stderr
