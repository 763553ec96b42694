"""The desk's read model (cases/models/desk.py), backfilled from the source tables.

The backfill is `manage.py desk_rebuild`, the same code the write services call (cases/desk_rows.py),
so the rows it writes are the rows the services would have written.
"""

import django.db.models.deletion
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def backfill(apps, schema_editor):
    call_command("desk_rebuild", verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_enrolment_links"),
        ("cases", "0014_read_log_anchor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeskItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("case", "Case"),
                            ("measure_due", "Measure with a planned end"),
                            ("measure_unscheduled", "Measure not scheduled"),
                            ("escalation", "Escalation waiting for an answer"),
                            ("follow_up", "Case in follow-up"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "case_status",
                    models.CharField(
                        choices=[
                            ("reported", "Reported"),
                            ("assessing", "Being assessed"),
                            ("measures", "Measures active"),
                            ("follow_up", "Follow-up"),
                            ("closed", "Closed"),
                        ],
                        max_length=16,
                    ),
                ),
                ("reference", models.CharField(max_length=24)),
                ("on", models.DateField(null=True)),
                ("at", models.DateTimeField()),
                (
                    "measure_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("supervision", "Supervision"),
                            ("staff_training", "Staff training"),
                            ("case_supervision", "Case supervision"),
                            ("concern_conversation", "Concern conversation"),
                            ("relatives_support", "Relatives' support"),
                            ("individual_support", "Individual support"),
                            ("other", "Other"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "escalation_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("new", "New"),
                            ("acknowledged", "Acknowledged"),
                            ("answered", "Answered"),
                            ("closed", "Closed"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        max_length=16,
                    ),
                ),
                ("since", models.DateField(null=True)),
                ("months", models.PositiveSmallIntegerField(null=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.case",
                    ),
                ),
                (
                    "escalation",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.escalation",
                    ),
                ),
                (
                    "measure",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.measure",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "party",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("kind", "case")),
                        fields=["owner", "case_status"],
                        name="desk_case_owner_status",
                    ),
                    models.Index(
                        condition=models.Q(("case_status", "reported"), ("kind", "case")),
                        fields=["owner", "at"],
                        name="desk_case_waiting",
                    ),
                    models.Index(
                        condition=models.Q(("kind", "measure_due")),
                        fields=["owner", "on"],
                        name="desk_measure_due",
                    ),
                    models.Index(
                        condition=models.Q(("kind", "measure_unscheduled")),
                        fields=["owner", "at", "measure"],
                        name="desk_measure_unscheduled",
                    ),
                    models.Index(
                        condition=models.Q(("kind", "escalation")),
                        fields=["owner", "at"],
                        name="desk_escalation_waiting",
                    ),
                    models.Index(
                        condition=models.Q(("kind", "follow_up")),
                        fields=["municipality", "on", "reference"],
                        name="desk_follow_up",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "case", "measure", "escalation"),
                        name="desk_item_once",
                        nulls_distinct=False,
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
