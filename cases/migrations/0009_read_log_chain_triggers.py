"""The read log's seals are append-only like the reads; a status change's reason may be erased.

The seals get the same triggers as the read log (cases/0006). The transition log stays
append-only with one narrow exception that retention needs: an UPDATE that only empties the free
text `reason` (every other column unchanged) is allowed; any other change, and any DELETE, is
still refused by the database.
"""

from django.db import migrations

SEALS = "cases_casereadseal"

POSTGRES_TRANSITION_GUARD = """
CREATE OR REPLACE FUNCTION sutohamu_transition_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.reason = ''
        AND (NEW.id, NEW.case_id, NEW.from_status, NEW.to_status, NEW.by_id, NEW.at)
            IS NOT DISTINCT FROM (OLD.id, OLD.case_id, OLD.from_status, OLD.to_status,
                                  OLD.by_id, OLD.at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_ERASE_ONLY = (
    "NEW.reason = '' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id "
    "AND NEW.from_status = OLD.from_status AND NEW.to_status = OLD.to_status "
    "AND NEW.by_id = OLD.by_id AND NEW.at = OLD.at"
)


def _sqlite_trigger(table, operation, when=""):
    return (
        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
        f"{when}BEGIN SELECT RAISE(ABORT, 'append-only: {operation} on {table} is refused'); END"
    )


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TRIGGER {SEALS}_append_only BEFORE UPDATE OR DELETE ON {SEALS} "
                f"FOR EACH ROW EXECUTE FUNCTION sutohamu_append_only()"
            )
            cursor.execute(POSTGRES_TRANSITION_GUARD)
            cursor.execute(
                "DROP TRIGGER IF EXISTS cases_transition_append_only ON cases_transition"
            )
            cursor.execute(
                "CREATE TRIGGER cases_transition_append_only BEFORE UPDATE OR DELETE "
                "ON cases_transition FOR EACH ROW EXECUTE FUNCTION sutohamu_transition_guard()"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(_sqlite_trigger(SEALS, "UPDATE"))
            cursor.execute(_sqlite_trigger(SEALS, "DELETE"))
            cursor.execute("DROP TRIGGER IF EXISTS cases_transition_no_update")
            cursor.execute(
                _sqlite_trigger(
                    "cases_transition", "UPDATE", f"FOR EACH ROW WHEN NOT ({SQLITE_ERASE_ONLY}) "
                )
            )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {SEALS}_append_only ON {SEALS}")
            cursor.execute(
                "DROP TRIGGER IF EXISTS cases_transition_append_only ON cases_transition"
            )
            cursor.execute(
                "CREATE TRIGGER cases_transition_append_only BEFORE UPDATE OR DELETE "
                "ON cases_transition FOR EACH ROW EXECUTE FUNCTION sutohamu_append_only()"
            )
            cursor.execute("DROP FUNCTION IF EXISTS sutohamu_transition_guard()")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {SEALS}_no_update")
            cursor.execute(f"DROP TRIGGER IF EXISTS {SEALS}_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS cases_transition_no_update")
            cursor.execute(_sqlite_trigger("cases_transition", "UPDATE"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_read_log_chain_and_retention"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
