"""Each test process's database, cloned from one migrated and seeded template.

Migrating the schema and seeding the demo cost each pytest-xdist worker most of a minute on a
busy machine, and they give every worker the same result. So the first process to need a test
database builds a template under a PostgreSQL advisory lock (the others wait on the lock):

- the schema migrated as `manage.py migrate` leaves it, with no rows but what `post_migrate`
  makes (content types, permissions): what a test that does not ask for the demo sees;
- the demo seeded once and copied into the `demo_snapshot` schema (tests/conftest.py puts it
  back when a test asks for the demo).

Each process then gets `CREATE DATABASE <its test database> TEMPLATE <template>`, a file copy
that takes a second or two. The template's name carries a hash of every installed app's
migrations and of the demo's seeding code, so a change to either builds a new one (and drops the
old); its comment holds when it was built, and one older than `MAX_AGE` or from an earlier day
in Stockholm is built again, because the demo's dates and times are relative to now.

The template is built through the default connection's own settings, so whoever runs the
migrations builds it; the test processes only clone it.

A database this process replaces (its own from the last run, a stale template) is renamed out of
the way, which is instant, and dropped by a thread of its own while the tests run: PostgreSQL
checkpoints on DROP DATABASE, which took a worker 5 to 20 s of waiting before its first test on a
busy machine. The process waits for those drops before it ends (`wait_for_drops`).

A run that will need the template starts building it in a process of its own (`start_builder`,
`python -m tests.testdb`) as soon as the run begins: under pytest-xdist the controller starts it
before the workers have collected, so the template is built beside the run command's test and
the tests without a database instead of after them (the worker that built it, and the other
waiting for it, were the run's longest idle stretch). Whoever takes the advisory lock first
builds; the others find it fresh. SUTOHAMU_EAGER_TEMPLATE=0 leaves the building to the first
test process that needs the database, as before.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import django
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from django.test.utils import setup_test_environment
from django.utils import timezone

SNAPSHOT_SCHEMA = "demo_snapshot"

# The password hasher the tests use (tests/conftest.py): the demo's accounts are hashed with it.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The demo's times are relative to the moment it was seeded ("the next meeting", "reminded an
# hour ago"); a template older than this is built again.
MAX_AGE = datetime.timedelta(minutes=30)

# The demo's seeding code besides each app's demo modules (*/demo*.py), and the squashed
# migrations' own operation (sutohamu/migration_operations.py), which the migration files import.
SEED_CODE = (
    "reports/management/commands/seed_demo.py",
    "sutohamu/migration_operations.py",
)


def fingerprint() -> str:
    """A hash of what the template is made from: migrations, seeding code, this module.

    Files are named by app label and file name, not by where the tree lies, so a copy of the
    tree (mutmut's mutants/) shares the template of the tree it was copied from.
    """
    digest = hashlib.sha256()
    files: list[tuple[str, Path]] = [("tests", Path(__file__))]
    for config in apps.get_app_configs():
        app_path = Path(config.path)
        for path in sorted((app_path / "migrations").glob("*.py")) + sorted(
            app_path.glob("demo*.py")
        ):
            files.append((config.label, path))
    base = Path(settings.BASE_DIR)
    files += [("", base / name) for name in SEED_CODE]
    for label, path in files:
        if path.is_file():
            digest.update(f"{label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _creation(connection: BaseDatabaseWrapper) -> Any:
    """The backend's creation helper: the test-database methods used here are Django's private
    ones (as its own test runner uses them), which the stubs do not list."""
    return connection.creation


def worker_database_name(connection: BaseDatabaseWrapper) -> str:
    return _creation(connection)._get_test_db_name()


def run_suffix(environ: Mapping[str, str], pid: int) -> str:
    """What tells this run's test databases apart from another run's over the same settings.

    SUTOHAMU_TEST_DB_SUFFIX if set; under mutmut (MUTANT_UNDER_TEST set) each mutant's tests run
    in a process of their own, which gets a fresh clone named by the process; else nothing.
    """
    if suffix := environ.get("SUTOHAMU_TEST_DB_SUFFIX", ""):
        return suffix
    return f"mutant{pid}" if environ.get("MUTANT_UNDER_TEST") else ""


def under_mutant(environ: Mapping[str, str]) -> bool:
    """Whether mutmut has a mutant active in this process (its names hold "__mutmut_")."""
    return "__mutmut_" in environ.get("MUTANT_UNDER_TEST", "")


def template_prefix(connection: BaseDatabaseWrapper) -> str:
    """Per settings database (not per worker): `test_<name>_tpl_`."""
    return f"test_{connection.settings_dict['NAME']}_tpl_"


def lock_id(prefix: str) -> int:
    """The advisory lock of one settings database's templates (others build theirs alongside)."""
    return int.from_bytes(hashlib.sha256(prefix.encode()).digest()[:8], "big") >> 1


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _built_at(cursor, name: str) -> float | None:
    cursor.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    try:
        return float(row[0])
    except (TypeError, ValueError):
        return 0.0  # a half-built template (its builder died before the comment)


def _fresh(built_at: float | None) -> bool:
    if not built_at:
        return False
    built = datetime.datetime.fromtimestamp(built_at, tz=datetime.UTC)
    now = timezone.now()
    same_day = timezone.localdate(built) == timezone.localdate(now)
    return same_day and now - built < MAX_AGE


def _drop(cursor, name: str) -> None:
    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


# The threads dropping the databases this process renamed out of the way (see the docstring).
_dropping: list[threading.Thread] = []
# What a database renamed out of the way has in its name (then the process id and a number).
DROP_MARK = "_drop_"


def _discard(cursor, names: list[str], server: dict[str, Any]) -> None:
    """Drop these databases without waiting for it: each renamed out of the way now and dropped
    in a thread. A name with DROP_MARK in it is one an earlier process left there (it ended
    before its thread had dropped it): dropped as it is. A database that cannot be renamed
    (someone is connected to it) is dropped here and now, as before."""
    aside = []
    for name in names:
        if DROP_MARK in name:
            aside.append(name)
            continue
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            continue
        renamed = f"{name}{DROP_MARK}{os.getpid()}_{len(_dropping)}_{len(aside)}"
        try:
            cursor.execute(f"ALTER DATABASE {_quote(name)} RENAME TO {_quote(renamed)}")
        except DatabaseError:
            _drop(cursor, name)
        else:
            aside.append(renamed)
    if aside:
        thread = threading.Thread(target=_drop_now, args=(server, aside), name="drop databases")
        thread.start()
        _dropping.append(thread)


def _left_to_drop(cursor, name: str) -> list[str]:
    """The databases renamed from `name` that an earlier process left undropped."""
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s",
        [(name + DROP_MARK).replace("_", "\\_") + "%"],
    )
    return [found for (found,) in cursor.fetchall()]


def _drop_now(server: dict[str, Any], names: list[str]) -> None:
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
        for name in names:
            # ObjectInUse: another process of the run is dropping this leftover right now.
            with contextlib.suppress(psycopg.errors.ObjectInUse):
                conn.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


def _server(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    """The server and the owner's credentials, for a connection of the dropping thread's own
    (Django's are per thread, and the app role's switch (tests/db_roles.py) would reach it)."""
    db = connection.settings_dict
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }


def wait_for_drops() -> None:
    """Wait for this process's background drops (at the end of the session)."""
    while _dropping:
        _dropping.pop().join()


def _build(connection: BaseDatabaseWrapper, name: str, seed: Callable[[], None]) -> None:
    """Migrate a new database called `name`, seed the demo, keep a copy, empty it again."""
    original = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict["TEST"]
    test_name = test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
        seed()
    finally:
        connection.close()
        test_settings["NAME"] = test_name
        connection.settings_dict["NAME"] = original
        settings.DATABASES[connection.alias]["NAME"] = original


def _ensure_template(
    cursor,
    connection: BaseDatabaseWrapper,
    template: str,
    seed: Callable[[], None],
    verbosity: int = 0,
) -> None:
    """Under the advisory lock: build the template unless a fresh one is there."""
    prefix = template_prefix(connection)
    built_at = _built_at(cursor, template)
    if under_mutant(os.environ):
        # Seeding runs the project's code, so a template built under a mutant would carry
        # the mutant into every later mutant's database. mutmut's stats run (no mutant
        # active) built it; a mutant only clones it, however old.
        if not built_at:
            raise RuntimeError(f"no template {template} to clone under a mutant")
        return
    if _fresh(built_at):
        return
    started = time.monotonic()
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s",
        [prefix.replace("_", "\\_") + "%"],
    )
    _discard(cursor, [stale for (stale,) in cursor.fetchall()], _server(connection))
    _build(connection, template, seed)
    cursor.execute(f"COMMENT ON DATABASE {_quote(template)} IS '{time.time():.0f}'")
    if verbosity:
        print(f"Built {template} in {time.monotonic() - started:.1f} s")


def clone_test_database(
    seed: Callable[[], None], alias: str = "default", verbosity: int = 0
) -> tuple[str, str]:
    """Build the template if needed, then clone it as this process's test database.

    `seed` runs inside the new template: it seeds the demo, keeps its copy and empties the
    schema again. Returns (the settings' database name, the test database's name) for
    `destroy_test_database`.
    """
    connection = connections[alias]
    original = connection.settings_dict["NAME"]
    test_name = worker_database_name(connection)
    prefix = template_prefix(connection)
    template = prefix + fingerprint()
    server = _server(connection)
    with _creation(connection)._nodb_cursor() as cursor:
        # This process's database from an earlier run (left there, tests/conftest.py): out of the
        # way before taking the lock, as it is this process's alone (dropped in a thread).
        _discard(cursor, [test_name, *_left_to_drop(cursor, test_name)], server)
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id(prefix)])
        try:
            _ensure_template(cursor, connection, template, seed, verbosity)
            cursor.execute(f"CREATE DATABASE {_quote(test_name)} TEMPLATE {_quote(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id(prefix)])
    connection.close()
    settings.DATABASES[alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    return original, test_name


def destroy_test_database(original: str, alias: str = "default") -> None:
    connections[alias].creation.destroy_test_db(original, verbosity=0, keepdb=False)


def tables() -> list[str]:
    """Every table of the project's models in the current database, quoted, sorted."""
    connection = connections["default"]
    names = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return sorted(connection.ops.quote_name(name) for name in names)


def _take_snapshot() -> None:
    connection = connections["default"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in tables():
            cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{table} AS TABLE {table}")


def seed_template() -> None:
    """In the new template: the demo seeded and copied, then the schema emptied again."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", verbosity=0)
    _take_snapshot()
    call_command("flush", interactive=False, verbosity=0)


# The background builder (see the docstring): whether this run has started one already.
_builder: list[subprocess.Popen[bytes]] = []


def start_builder(environ: Mapping[str, str]) -> None:
    """Start building the template in a process of its own, once per run (not under mutmut,
    whose mutants only clone, nor with SUTOHAMU_EAGER_TEMPLATE=0). Its output goes to a log in
    the temporary folder; if it fails, the first test process that needs the database builds
    the template as before."""
    if _builder or environ.get("SUTOHAMU_EAGER_TEMPLATE") == "0":
        return
    if environ.get("MUTANT_UNDER_TEST") or _template_is_fresh():
        return
    log_path = Path(tempfile.gettempdir()) / f"sutohamu-template-{os.getpid()}.log"
    with log_path.open("wb") as log:
        _builder.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.testdb"],
                cwd=settings.BASE_DIR,
                env=dict(environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )


def _template_is_fresh(alias: str = "default") -> bool:
    """Whether a fresh template is there already (then no builder is started: it would only
    find it so, after a second of starting Django). Asked on a connection of its own, as the
    test processes' connections are not open yet (pytest-django blocks them here)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return True
    template = template_prefix(connection) + fingerprint()
    try:
        with psycopg.connect(**_server(connection), dbname="postgres") as conn:
            return _fresh(_built_at(conn.cursor(), template))
    except psycopg.Error:
        return True  # no server: the test processes will say so


def stop_builder() -> None:
    """At the end of the run: a builder still at work is stopped (a run with no database tests
    need not wait for it; the half-built template has no time stamp and is built again)."""
    while _builder:
        process = _builder.pop()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def build_template(alias: str = "default") -> None:
    """Build the template unless a fresh one is there; no test database is cloned."""
    connection = connections[alias]
    prefix = template_prefix(connection)
    template = prefix + fingerprint()
    with _creation(connection)._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id(prefix)])
        try:
            _ensure_template(cursor, connection, template, seed_template, verbosity=1)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id(prefix)])


def main() -> None:
    """`python -m tests.testdb`: the template built with the settings the tests run with."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")
    django.setup()
    if connections["default"].vendor != "postgresql":
        return
    setup_test_environment(debug=False)
    build_template()


if __name__ == "__main__":
    main()
