"""The read log and the transition log refuse UPDATE and DELETE in the database itself.

Python refuses too (CaseRead.save/delete), but a queryset `update()`, `delete()` or raw SQL goes
around Python; these triggers do not. TRUNCATE (a test database flush) is not a row change and
is not stopped.
"""

from django.db import migrations

TABLES = ("cases_caseread", "cases_transition")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION sutohamu_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION sutohamu_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                        f"ON {table} BEGIN SELECT RAISE(ABORT, 'append-only: "
                        f"{operation} on {table} is refused'); END"
                    )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS sutohamu_append_only()")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_read_kind_edit")]

    operations = [migrations.RunPython(install, uninstall)]
