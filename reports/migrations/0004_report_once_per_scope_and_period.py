"""A period's report of one scope is published once.

Before this, ordering a report already in the archive crashed its build and left it "being
built" for good; such leftovers are marked failed (error "withdrawn", as the archive's audit
marks a report it takes back) so that the constraint can hold. The first report of each scope
and period stays as it was.
"""

from django.db import migrations, models


def fail_later_duplicates(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    seen = set()
    later = []
    for pk, *key in (
        Report.objects.exclude(status="failed")
        .order_by("requested_at", "pk")
        .values_list("pk", "scope", "period_kind", "start", "end")
    ):
        if tuple(key) in seen:
            later.append(pk)
        seen.add(tuple(key))
    Report.objects.filter(pk__in=later).update(status="failed", error="withdrawn")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_squashed_0003_stored_period"),
    ]

    operations = [
        migrations.RunPython(fail_later_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "failed"), _negated=True),
                fields=("scope", "period_kind", "start", "end"),
                name="report_once_per_scope_and_period",
                violation_error_code="already_in_archive",
                violation_error_message=(
                    "The archive already holds a report of that scope and period: open it there."
                ),
            ),
        ),
    ]
