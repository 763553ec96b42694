"""Shared fixtures, and the demo world seeded once per test database instead of once per test.

`seed_demo` takes seconds; ~150 tests use the demo. So the demo is committed to the test
database the first time a test asks for it (`demo`, or `login` which uses it) and stays there;
each test still runs in its own transaction, rolled back afterwards, so the committed demo is
what every demo test starts from. Tests that do not ask for the demo must see an empty database,
as before. `_demo_state` keeps the two apart:

- a test that asks for `demo` while the demo is not committed puts it back (and commits);
- a database test that does not ask for it while the demo is committed empties the database;
- after a transactional test (`transactional_db`, `live_server`, `django_db(transaction=True)`)
  the database is put back to the state the test began from (Django would flush it).

Putting back is `_reset`: a trigger on every table notes which tables a committed write touched,
and only those (plus, when switching between the two states, the tables either holds rows in)
are emptied and refilled from a copy, the demo's snapshot or the empty state's (the content types
and permissions `post_migrate` made), in one transaction. Django's flush (TRUNCATE of every table,
then `post_migrate` again) took about a second, and putting the demo back after it another.

Each process's test database is a clone of a template that is migrated and holds the demo's
snapshot already (tests/testdb.py): no process migrates or seeds unless the migrations or the
demo's code changed, or the template is from an earlier day or over half an hour old.

`pytest_collection_modifyitems` orders the tests so that this happens as rarely as possible:
the transactional tests over the demo (the browser tests), then the transactional tests over the
empty database (the worker processes), the other empty-database tests, and the demo tests last,
so a run switches between the two states about three times per worker (a switch costs about a
second). Each pytest-xdist worker has its own test database and its own state.
"""

from __future__ import annotations

import os
import uuid
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.test import override_settings

from tests import testdb

pytest_plugins = ["tests.db_roles"]

FAST_HASHERS = testdb.FAST_HASHERS

# Whether the demo is committed in this process's test database (one per xdist worker).
# The snapshot: a copy of every table right after the first seed, in a schema of the test
# database, put back instead of seeding again.
_committed = {"demo": False}
SNAPSHOT_SCHEMA = testdb.SNAPSHOT_SCHEMA
# The empty state's rows (what `post_migrate` made: content types, permissions), copied when the
# process's database is cloned.
EMPTY_SCHEMA = "empty_snapshot"
# Which tables a committed write touched since the last reset: a statement trigger on every table
# notes the table in RESET_SCHEMA.dirty, in the writer's own transaction (so a test's rolled-back
# writes leave no note, and a live server's or a worker process's committed ones do). No unique
# key: two writers of one table must not wait on each other's note (the concurrency tests).
RESET_SCHEMA = "test_reset"
_TRACKER = f"""
CREATE SCHEMA IF NOT EXISTS {RESET_SCHEMA};
CREATE TABLE IF NOT EXISTS {RESET_SCHEMA}.dirty (name text NOT NULL);
CREATE INDEX IF NOT EXISTS dirty_name ON {RESET_SCHEMA}.dirty (name);
CREATE OR REPLACE FUNCTION {RESET_SCHEMA}.note_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {RESET_SCHEMA}.dirty WHERE name = TG_TABLE_NAME) THEN
        INSERT INTO {RESET_SCHEMA}.dirty VALUES (TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$;
"""
# Per process: the tables (quoted), which of them hold rows in each state, which have triggers of
# their own (the append-only logs refuse DELETE), and the models by table (for the sequences).
_layout: dict[str, Any] = {}


_tables = testdb.tables


def _nonempty(cursor, schema: str, tables: list[str]) -> set[str]:
    """Which of `tables` hold rows in `schema` (one query)."""
    cursor.execute(
        " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT 1 FROM {schema}.{table})"
            for i, table in enumerate(tables)
        )
    )
    return {tables[i] for (i,) in cursor.fetchall()}


def _prepare_resets() -> None:
    """In a fresh clone (as the owner): the write tracker on every table, a copy of the empty
    state's rows, and what `_reset` needs to know about the tables."""
    from django.apps import apps
    from django.db import connection, transaction

    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_TRACKER)
        cursor.execute(f"DROP SCHEMA IF EXISTS {EMPTY_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {EMPTY_SCHEMA}")
        empty = _nonempty(cursor, "public", tables)
        for table in tables:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER zz_test_reset_note AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {RESET_SCHEMA}.note_write()"
            )
            if table in empty:
                cursor.execute(f"CREATE TABLE {EMPTY_SCHEMA}.{table} AS TABLE {table}")
        demo = _nonempty(cursor, SNAPSHOT_SCHEMA, tables)
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgname <> 'zz_test_reset_note'"
        )
        triggered = {connection.ops.quote_name(name.strip('"')) for (name,) in cursor.fetchall()}
        cursor.execute(f"DELETE FROM {RESET_SCHEMA}.dirty")
    models: dict[str, list] = {}
    for model in apps.get_models(include_auto_created=True):
        models.setdefault(connection.ops.quote_name(model._meta.db_table), []).append(model)
    _layout.update(
        tables=tables,
        rows={False: empty, True: demo},
        triggered=triggered,
        models=models,
    )


def _reset(demo: bool) -> None:
    """The empty state or the demo, exactly as the clone or the snapshot has it, rewriting only
    the tables that differ: those written since the last reset, and, when switching between the
    two, those holding rows in either. One transaction; foreign keys are checked once all is in.
    Each rewritten table's id sequence continues from its highest id."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    source = SNAPSHOT_SCHEMA if demo else EMPTY_SCHEMA
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT name FROM {RESET_SCHEMA}.dirty")
        names = {connection.ops.quote_name(name) for (name,) in cursor.fetchall()}
        if demo != _committed["demo"]:
            names |= _layout["rows"][False] | _layout["rows"][True]
        tables = [table for table in _layout["tables"] if table in names]
        if tables:
            # One round trip: the statements (a couple of hundred on a switch) as one batch.
            guarded = [table for table in tables if table in _layout["triggered"]]
            models = [model for table in tables for model in _layout["models"].get(table, [])]
            statements = [
                "SET CONSTRAINTS ALL DEFERRED",
                *(f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in guarded),
                *(f"DELETE FROM {table}" for table in tables),
                *(
                    f"INSERT INTO {table} SELECT * FROM {source}.{table}"
                    for table in tables
                    if table in _layout["rows"][demo]
                ),
                # The foreign keys checked now: a table with checks pending may not be altered.
                "SET CONSTRAINTS ALL IMMEDIATE",
                *(f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in guarded),
                *connection.ops.sequence_reset_sql(no_style(), models),
                f"DELETE FROM {RESET_SCHEMA}.dirty",
            ]
            cursor.execute(";\n".join(statement.rstrip(";") for statement in statements))
    _committed["demo"] = demo
    ContentType.objects.clear_cache()  # the two states number their content types apart


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    after_transactional_test,
):
    """pytest-django's test database set-up, by a clone of the template (tests/testdb.py).

    SUTOHAMU_TEST_DB_SUFFIX names a run's databases apart from another run's over the same
    settings. Under mutmut (MUTANT_UNDER_TEST set) each mutant's test run is a process of its
    own, so it gets a fresh clone of its own, named by the process.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    if suffix := testdb.run_suffix(os.environ, os.getpid()):
        test = connection.settings_dict["TEST"]
        test["NAME"] = f"{testdb.worker_database_name(connection)}_{suffix}"
    with django_db_blocker.unblock():
        original, _ = testdb.clone_test_database(testdb.seed_template)
        _committed.update(demo=False)
        _prepare_resets()
    # mutmut runs its stats and clean runs in one process and forks each mutant from it: a
    # content type cached from an earlier session's database (whose flushes renumbered them)
    # would not match this fresh clone's.
    ContentType.objects.clear_cache()
    after_transactional_test(_reset_after_transactional_test)
    yield
    # A worker's database is named by the settings and the worker, so the next run's clone
    # replaces it (tests/testdb.py drops it first); dropping it here too cost each worker 4-8 s
    # at the end of the run (PostgreSQL checkpoints on DROP DATABASE). A per-run name (a suffix,
    # a mutant's process) would never be replaced: that one goes now.
    if suffix and not request.config.getoption("reuse_db", False):
        with django_db_blocker.unblock():
            testdb.destroy_test_database(original)
    testdb.wait_for_drops()  # what the clone replaced, dropped in the background (tests/testdb.py)


def _uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


def _is_transactional(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def _uses_database(item: pytest.Item) -> bool:
    return "django_db_setup" in getattr(item, "fixturenames", ()) or bool(
        item.get_closest_marker("django_db")
    )


# Files whose tests take seconds each (the URL matrix, the seed re-runs, the random worlds, the
# fuzzed forms, the language crawl; per-test times of a run: scripts/test_durations.py): started
# early in their group, like the tests marked slow.
HEAVY_FILES = (
    "tests/security/test_url_matrix.py",
    "tests/test_seed_demo.py",
    "tests/reports/test_figures_once.py",
    "tests/security/test_fuzz_forms.py",
    "tests/test_languages.py",
)
# The database groups in the order they run (see the docstring): transactional over the demo,
# transactional over the empty database, the empty database, the demo.
_GROUPS = {(True, True): 2, (True, False): 3, (False, False): 4, (False, True): 5}


def _run_order(item: pytest.Item) -> tuple[int, int]:
    """(group, long tests first): the groups keep demo and empty-database tests apart (see
    above); within a group the tests that start extra processes (marked slow) go first, then
    those of HEAVY_FILES, so that the run ends on short tests and the xdist workers finish
    together. pytest-xdist hands each worker runs of consecutive tests, while the run lasts, and
    a worker keeps the tests it was handed: long tests near the end leave the other worker idle.

    The tests without a database come before all of them: they run while the template is built
    (tests/testdb.py's builder, started with the run), where the workers would otherwise wait."""
    if "test_run_command" in item.nodeid:
        return (0, 0)  # `make run` in a subprocess: start it first, beside the rest
    database = _uses_database(item)
    group = _GROUPS[(_is_transactional(item), _uses_demo(item))] if database else 1
    if item.get_closest_marker("slow"):
        return (group, 0)
    return (group, 1 if item.nodeid.startswith(HEAVY_FILES) else 2)


def _xdist_role(config: pytest.Config) -> str:
    """Whether this process is a pytest-xdist "worker", the "controller", or "single"; "none"
    when no test runs (--collect-only)."""
    if getattr(config.option, "collectonly", False):
        return "none"
    if hasattr(config, "workerinput"):
        return "worker"
    return "controller" if getattr(config.option, "dist", "no") != "no" else "single"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The controller of an xdist run starts building the template now (tests/testdb.py): its
    workers have not collected yet, and a whole run needs it."""
    if _xdist_role(session.config) == "controller":
        testdb.start_builder(os.environ)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # SUTOHAMU_TEST_ORDER=file keeps the file order: slower (more seeds and flushes), and a check
    # that _demo_state keeps demo and empty-database tests apart whatever the order.
    if os.environ.get("SUTOHAMU_TEST_ORDER") != "file":
        items.sort(key=_run_order)  # stable: the order within each group stays the file order
    # One process: the template built beside the tests without a database, if any test needs it.
    if _xdist_role(config) == "single" and any(map(_uses_database, items)):
        testdb.start_builder(os.environ)


def pytest_sessionfinish(session: pytest.Session) -> None:
    testdb.stop_builder()


@pytest.fixture
def _demo_state(request, django_db_setup, django_db_blocker, as_owner):
    """Put the demo back, or empty the database, before the test's transaction begins (see the
    docstring)."""
    wants_demo = _uses_demo(request.node)
    with django_db_blocker.unblock():
        if wants_demo != _committed["demo"]:
            with as_owner():  # DELETE, ALTER TABLE: the owner's (tests/db_roles.py)
                _reset(demo=wants_demo)
    yield


def _reset_after_transactional_test() -> None:
    """After a transactional test (tests/db_roles.py calls it as the owner, instead of Django's
    flush): the state the test began from, the demo or the empty database."""
    _reset(demo=_committed["demo"])


@pytest.fixture
def _django_db_helper(_db_role, _demo_state, _django_db_helper):
    """pytest-django's per-test database set-up, with `_demo_state` before it.

    Overridden (and delegated to) only for the ordering: `_db_role` (tests/db_roles.py) and
    `_demo_state` must reconnect, commit or flush outside the test's transaction, and
    pytest-django's marker fixture opens that transaction
    before any fixture of ours would otherwise run.
    """
    return _django_db_helper


@pytest.fixture
def demo(db):
    """The demo world: every role has an account (see accounts/demo.py). Seeded once, shared."""


@pytest.fixture
def login(client, demo):
    from django.conf import settings

    from accounts.models import User

    def as_user(username: str | None):
        # Nobody to sign out without a session cookie (a test's first call): Django's logout()
        # would make a session only to delete it (five queries, ~8 ms a test); the cookies are
        # cleared as it would.
        if settings.SESSION_COOKIE_NAME in client.cookies:
            client.logout()
        else:
            client.cookies = SimpleCookie()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return as_user


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings every test runs with, set once for the session (each override of a setting costs
    a `setting_changed` round; set per test, these three cost the short tests a few ms each):

    - plain http, sign-in with force_login: no https redirect, no second factor; session-wide
      also so that the live server's middleware is built with it (the tests of
      tests/security_settings switch each back on where they test it);
    - a fast password hasher: hashing strength is Django's concern, not ours;
    - static files without collectstatic: templates render before any `collectstatic` ran.
    """
    from django.conf import settings

    # WhiteNoise scans STATIC_ROOT when a handler loads its middleware, that is for every test
    # Client: 0.18 s each where a collectstatic has filled it. Autorefresh looks files up on
    # request instead (the live server serves static files through its own handler anyway).
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        TWO_FACTOR_REQUIRED=False,
        WHITENOISE_AUTOREFRESH=True,
        PASSWORD_HASHERS=FAST_HASHERS,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_fragments():
    """Each test starts without cached page parts (sutohamu.fragments): its rows roll back, the
    shared Redis does not. A new namespace, set straight on the settings: nothing listens for
    this setting, so pytest-django's `settings` (an override and a `setting_changed` round on
    the way in and out) bought nothing, at a quarter of a millisecond per test."""
    from django.conf import settings

    settings.FRAGMENTS_NAMESPACE = uuid.uuid4().hex
