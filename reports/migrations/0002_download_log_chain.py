"""The report download log is append-only (a trigger) and a hash chain of its own.

Existing rows are chained in id order, then the columns become required and the trigger is put
on (the same function as the read log's, cases/0006; created here too so this stands alone).
"""

import datetime
import hashlib

from django.db import migrations, models

TABLE = "reports_reportdownload"

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION sutohamu_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def chain_existing(apps, schema_editor):
    download = apps.get_model("reports", "ReportDownload")
    previous = bytes(32)
    for seq, row in enumerate(download.objects.order_by("pk"), start=1):
        utc = row.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields = f"{seq}|{row.report_id}|{row.user_id}|{utc}|{row.kind}".encode()
        previous = hashlib.sha256(previous + fields).digest()
        download.objects.filter(pk=row.pk).update(seq=seq, digest=previous)


def install(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION sutohamu_append_only()"
            )
        elif connection.vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} "
                    f"ON {TABLE} BEGIN SELECT RAISE(ABORT, 'append-only: "
                    f"{operation} on {TABLE} is refused'); END"
                )


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        elif connection.vendor == "sqlite":
            for operation in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report_archive")]

    operations = [
        migrations.AddField(
            model_name="reportdownload",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, verbose_name="entry"),
        ),
        migrations.AddField(
            model_name="reportdownload",
            name="digest",
            field=models.BinaryField(editable=False, max_length=32, null=True, verbose_name="seal"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportdownload",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name="entry"),
        ),
        migrations.AlterField(
            model_name="reportdownload",
            name="digest",
            field=models.BinaryField(editable=False, max_length=32, verbose_name="seal"),
        ),
        migrations.RunPython(install, uninstall),
    ]
