"""The app's database role: what the app may do, granted by the owner after every migration.

Two PostgreSQL roles: the owner owns the schema and runs the migrations; the app role (web,
worker, beat and the tests) may read and write the ordinary tables but not change the schema, not
TRUNCATE, not switch a trigger off, and on a log only INSERT and SELECT. A log is a table with an
append-only trigger (`<table>_append_only`): the triggers refuse UPDATE and DELETE to everyone,
the grants take away what a trigger cannot stop (TRUNCATE, ALTER TABLE … DISABLE TRIGGER, DROP
TRIGGER need ownership, which the app role never has). A log that lets one column be erased
(retention empties a status change's reason) registers that column, and the app role gets UPDATE
on it alone.

SQLite (the embedded demo) has no roles; there the triggers alone guard the logs.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Log table → the columns the app may update (the trigger still decides which updates pass).
_erasable: dict[str, tuple[str, ...]] = {}
# Tables the app reads only (the migration record is the owner's).
READ_ONLY = ("django_migrations",)


def register_erasable(table: str, columns: tuple[str, ...]) -> None:
    """An app's log whose trigger allows emptying these columns (called from `ready()`)."""
    _erasable[table] = columns


def append_only_tables(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema() "
            "AND t.tgname = c.relname || '_append_only' ORDER BY c.relname"
        )
        return [row[0] for row in cursor.fetchall()]


def grant_app_role(
    connection: BaseDatabaseWrapper, role: str, password: str | None = None
) -> list[str]:
    """Create the role if missing (with a password), then set its grants; the logs, by name.

    Run as the owner. Idempotent: the grants are taken away first and given again, so a table
    that became a log loses what it had.
    """
    if connection.vendor != "postgresql":
        return []
    q = connection.ops.quote_name
    name = q(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            if password is None:
                raise ValueError(f"the role {role} does not exist and no password was given")
            cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
        cursor.execute("SELECT current_schema(), current_database()")
        schema, database = (q(part) for part in cursor.fetchone())
        cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO {name}")
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {name}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {name}")
        for table in READ_ONLY:
            cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON {q(table)} FROM {name}")
        logs = append_only_tables(connection)
        for table in logs:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {q(table)} FROM {name}")
            columns = _erasable.get(table)
            if columns:
                listed = ", ".join(q(column) for column in columns)
                cursor.execute(f"GRANT UPDATE ({listed}) ON {q(table)} TO {name}")
    return logs
