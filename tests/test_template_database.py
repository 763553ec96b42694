"""The test databases: the template (tests/testdb.py) is built again when what it is made of
changes, and the reset between tests (tests/conftest.py) leaves exactly the state it promises."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import conftest, testdb


def test_the_templates_fingerprint_reads_the_seed_command_that_exists():
    """A path that does not exist would leave the seed command's changes out of the hash."""
    for name in testdb.SEED_CODE:
        assert (Path(settings.BASE_DIR) / name).is_file(), name


def differences(demo: bool) -> dict[str, tuple[str, str]]:
    """Every table against its copy (the demo's snapshot or the empty state's): the tables whose
    rows differ, with (count:hash now, count:hash in the copy)."""
    source = conftest.SNAPSHOT_SCHEMA if demo else conftest.EMPTY_SCHEMA
    tables = conftest._layout["tables"]
    held = conftest._layout["rows"][demo]

    def summary(table: str) -> str:
        rows = "count(*) || ':' || coalesce(sum(hashtext(t::text)::numeric), 0)"
        return f"(SELECT {rows} FROM {table} t)"

    parts = [summary(table) for table in tables]
    parts += [summary(f"{source}.{table}") if table in held else "'0:0'" for table in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    now, copy = row[: len(tables)], row[len(tables) :]
    return {t: (a, b) for t, a, b in zip(tables, now, copy, strict=True) if a != b}


def committed_writes() -> None:
    """Writes as the app makes them, committed: rows added (with their history), changed and
    removed."""
    from accounts.models import User

    User.objects.create(username="reset.one")
    User.objects.create(username="reset.two")
    User.objects.filter(username="reset.one").update(first_name="Ändrad")
    User.objects.filter(username="reset.two").delete()


@pytest.mark.django_db(transaction=True)
def test_a_reset_after_committed_writes_leaves_exactly_the_empty_database(as_owner):
    assert not conftest._committed["demo"]
    committed_writes()
    with as_owner():
        assert differences(demo=False)  # the writes show
        conftest._reset(demo=False)
        assert differences(demo=False) == {}


@pytest.mark.django_db(transaction=True)
def test_a_reset_after_committed_writes_leaves_exactly_the_demo_and_switches_both_ways(
    demo, as_owner
):
    from accounts.models import User

    assert conftest._committed["demo"]
    committed_writes()
    User.objects.filter(username="samordnare.sunne").update(first_name="Ändrad")
    with as_owner():
        assert differences(demo=True)
        conftest._reset(demo=True)
        assert differences(demo=True) == {}
        conftest._reset(demo=False)
        assert differences(demo=False) == {}
        conftest._reset(demo=True)
        assert differences(demo=True) == {}
