"""Time the daily reminder sweep at national scale (issue 27: "the national sweep under 30 s").

A throwaway database gets, by bulk inserts (seconds, not the full generator's 40 minutes):
290 municipalities with one coordinator each (role in force, an e-mail address, so every
reminder also gets an outbox row), 99 cases per municipality in follow-up whose next contact is
due or overdue (a few overdue more than a week), 3 overdue measures per municipality and one
unacknowledged escalation per municipality (to the next municipality): about 29,900 reminders.
Then it runs `reminders.services.sweep()` (REMINDER_BATCH_SIZE as configured, default 500) a
number of times, deleting what each run recorded before the next so that every run starts from
the same fresh state, and prints wall clock, process CPU, the database backend's CPU (when its
/proc entry is readable), queries, and the rows created. No mail is sent (the outbox is only
filled; sending is the workers' job).

Run it on a database of its own, never on one with real data:

    export SECRET_KEY=x DATABASE_URL=postgres://sutohamu:sutohamu@127.0.0.1:5432/sutohamu_sweep
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python bench/sweep_national.py --runs 2
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.choices import Level, OrganisationKind, Role  # noqa: E402
from accounts.models import Notification, Organisation, RoleAssignment, User  # noqa: E402
from cases.choices import CaseStatus, EscalationStatus, MeasureKind, Setting  # noqa: E402
from cases.models import Case, Escalation, Measure  # noqa: E402
from cases.models.escalations import kind_for  # noqa: E402
from cases.models.followup import FollowUpPlan, default_cadence  # noqa: E402
from councils.choices import ActivityStatus  # noqa: E402
from reminders import services  # noqa: E402
from reminders.models import OutboxMail, Reminder  # noqa: E402

MUNICIPALITIES = 290
PLANS = 99  # follow-up cases per municipality with a contact due or overdue
MEASURES = 3  # overdue measures per municipality
PREFIX = "SW"  # the codes of this script's municipalities


def populate(today: datetime.date) -> None:
    if Organisation.objects.filter(code__startswith=PREFIX).exists():
        return
    started = time.monotonic()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Svepkommun {n:03d}",
                code=f"{PREFIX}{n:03d}",
                level=Level.MUNICIPALITY,
                kind=OrganisationKind.MUNICIPALITY,
                municipality_code=f"{7000 + n:04d}",
            )
            for n in range(MUNICIPALITIES)
        )
        password = make_password("sweep", salt="sweepsalt")
        users = User.objects.bulk_create(
            User(
                username=f"{o.code.lower()}.samordnare",
                first_name="Svep",
                last_name=o.code,
                email=f"{o.code.lower()}@example.invalid",
                password=password,
            )
            for o in orgs
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(
                user=u, role=Role.COORDINATOR, organisation=o, start_date=datetime.date(2020, 1, 1)
            )
            for o, u in zip(orgs, users, strict=True)
        )
        reported = timezone.now() - datetime.timedelta(days=200)
        cases = []
        for o, u in zip(orgs, users, strict=True):
            for n in range(1, PLANS + MEASURES + 2):
                cases.append(
                    Case(
                        municipality_id=o.pk,
                        year=reported.year,
                        number=n,
                        reference=f"{o.code}-{reported.year}-{n:04d}",
                        areas=",crime,",
                        setting=Setting.values[0],
                        title=f"Svepfall {n}",
                        description="Genererat för mätning; inga personuppgifter.",
                        status=CaseStatus.FOLLOW_UP,
                        owner_id=u.pk,
                        reported_by_id=u.pk,
                        reported_at=reported,
                        status_changed_at=reported,
                    )
                )
        Case.objects.bulk_create(cases, batch_size=5_000)
        cadence = default_cadence()
        plans, measures, escalations = [], [], []
        for i, (o, u) in enumerate(zip(orgs, users, strict=True)):
            own = cases[i * (PLANS + MEASURES + 1) : (i + 1) * (PLANS + MEASURES + 1)]
            for n, case in enumerate(own[:PLANS]):
                # Due within three days, overdue under a week, and every tenth over a week.
                offset = -10 if n % 10 == 0 else (n % 10) - 7
                due = today + datetime.timedelta(days=offset)
                plans.append(
                    FollowUpPlan(
                        case_id=case.pk,
                        started_on=today - datetime.timedelta(days=100),
                        cadence=cadence,
                        last_contact_on=None,
                        next_contact_on=due,
                    )
                )
            for case in own[PLANS : PLANS + MEASURES]:
                measures.append(
                    Measure(
                        case_id=case.pk,
                        kind=MeasureKind.values[0],
                        responsible_id=o.pk,
                        status=ActivityStatus.ONGOING,
                        planned_start=today - datetime.timedelta(days=60),
                        planned_end=today - datetime.timedelta(days=5),
                    )
                )
            receiver = orgs[(i + 1) % len(orgs)]
            escalations.append(
                Escalation(
                    case_id=own[-1].pk,
                    receiver=receiver,
                    kind=kind_for(receiver),
                    reason="Genererad för mätning.",
                    request="Råd och stöd.",
                    status=EscalationStatus.NEW,
                    created_by_id=u.pk,
                    created_at=timezone.now() - datetime.timedelta(days=9),
                )
            )
        FollowUpPlan.objects.bulk_create(plans, batch_size=5_000)
        Measure.objects.bulk_create(measures, batch_size=5_000)
        Escalation.objects.bulk_create(escalations, batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"populated: {len(orgs)} municipalities, {len(cases)} cases, {len(plans)} plans, "
        f"{len(measures)} measures, {len(escalations)} escalations "
        f"in {time.monotonic() - started:.1f} s"
    )


def _backend_cpu() -> float | None:
    """The database backend's CPU seconds (utime + stime), if its /proc entry is readable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(today: datetime.date) -> None:
    tables = (Reminder, Notification, OutboxMail)
    before = {
        m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in tables
    }
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    db_cpu = _backend_cpu()
    cpu, wall = time.process_time(), time.monotonic()
    with connection.execute_wrapper(count):
        result = services.sweep(today)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    db_cpu_after = _backend_cpu()
    rows = {m.__name__: m.objects.filter(pk__gt=before[m]).count() for m in tables}
    print(
        f"sweep: wall {wall:.2f} s, process CPU {cpu:.2f} s, "
        + (
            f"backend CPU {db_cpu_after - db_cpu:.2f} s, "
            if db_cpu is not None and db_cpu_after is not None
            else ""
        )
        + f"{queries} queries, {result.batches} batches, recorded {result.recorded}, "
        f"e-mailed {result.emailed}; rows created {rows}; "
        f"batch size {settings.REMINDER_BATCH_SIZE}; load average before {' '.join(load)}; "
        f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    with transaction.atomic():  # back to the fresh state for the next run
        Reminder.objects.filter(pk__gt=before[Reminder]).delete()
        Notification.objects.filter(pk__gt=before[Notification]).delete()
        OutboxMail.objects.filter(pk__gt=before[OutboxMail]).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    today = timezone.localdate()
    populate(today)
    for _ in range(args.runs):
        run_once(today)


if __name__ == "__main__":
    main()
