"""Generated data for the benchmark: municipalities, people and cases at a chosen scale.

Deterministic from a seed and an anchor day (the last day of the generated years), and written
with bulk inserts: this is a measuring tool, not a user, so it writes rows directly instead of
through the services, which validate one object at a time. It starts from the demo (so the demo
accounts are the busy users) and adds to it. Other apps add their rows through `EXTRAS`: each
is a function(context) run after the cases exist.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import Level, OrganisationKind, Role
from accounts.models import Organisation, RoleAssignment, User
from cases.choices import CaseStatus, EscalationKind, EscalationStatus, MeasureKind, Setting
from cases.escalation import receiving_people
from cases.models import Case, CaseCounter, Escalation, Measure, Subject, Transition
from cases.models.escalations import kind_for
from cases.models.permissions import CaseUserObjectPermission
from cases.rights import RECEIVER_RIGHTS
from councils.choices import ActivityStatus

from .scales import Scale

BATCH = 5_000
PATH = [
    CaseStatus.REPORTED,
    CaseStatus.ASSESSING,
    CaseStatus.MEASURES,
    CaseStatus.FOLLOW_UP,
    CaseStatus.CLOSED,
]
AREAS = [",vbe,", ",crime,", ",andt,", ",andt,crime,", ",crime,vbe,"]
BUSY_MUNICIPALITY = "SUN"  # the demo coordinator samordnare.sunne is the busy user
BENCH_PASSWORD = "bench"


@dataclass
class Context:
    """What the generator made, for the extras and the load run."""

    scale: Scale
    rng: random.Random
    anchor: datetime.date
    municipalities: list[Organisation] = field(default_factory=list)
    coordinators: dict[int, list[int]] = field(default_factory=dict)  # municipality -> users
    case_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def case_range(self) -> tuple[int, int]:
        """The generated cases' first and last primary key. They are bulk-created in one run
        with nothing between, so the range is exactly them; a filter by the range, not by the
        list, because PostgreSQL takes at most 65,535 parameters (the national 500,000 failed)."""
        return min(self.case_ids), max(self.case_ids)


EXTRAS: list[Callable[[Context], None]] = []


def register(extra: Callable[[Context], None]) -> Callable[[Context], None]:
    EXTRAS.append(extra)
    return extra


def generate(scale: Scale, seed: int, anchor: datetime.date) -> Context:
    context = Context(scale=scale, rng=random.Random(seed), anchor=anchor)
    with transaction.atomic():
        _municipalities(context)
        _people(context)
        _cases(context)
        _escalations(context)
        for extra in EXTRAS:
            extra(context)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    return context


def _municipalities(context: Context) -> None:
    existing = list(Organisation.objects.municipalities().order_by("pk"))
    missing = context.scale.municipalities - len(existing)
    county = Organisation.objects.filter(level=Level.COUNTY).order_by("pk").first()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Mätkommun {n:03d}",
            code=f"M{n:03d}",
            level=Level.MUNICIPALITY,
            kind=OrganisationKind.MUNICIPALITY,
            municipality_code=f"{9000 + n:04d}",
            parent=county,
        )
        for n in range(1, missing + 1)
    )
    context.municipalities = list(Organisation.objects.municipalities().order_by("pk"))


def _people(context: Context) -> None:
    """Two coordinators and council members per generated municipality, up to the scale's
    number of people; the demo's accounts stay as they are."""
    password = make_password(BENCH_PASSWORD, salt="benchsalt")
    existing = User.objects.count()
    generated = [m for m in context.municipalities if m.code.startswith("M")]
    per_municipality = max(2, (context.scale.people - existing) // max(1, len(generated)))
    users: list[User] = []
    roles: list[tuple[int, str, str]] = []  # (index in users, role, org code)
    for municipality in generated:
        for i in range(per_municipality):
            users.append(
                User(
                    username=f"{municipality.code.lower()}.{i:02d}",
                    first_name="Mät",
                    last_name=f"Person {i:02d}",
                    password=password,
                )
            )
            role = Role.COORDINATOR if i < 2 else Role.COUNCIL_MEMBER
            roles.append((len(users) - 1, role, municipality.code))
    User.objects.bulk_create(users, batch_size=BATCH)
    by_code = {m.code: m for m in context.municipalities}
    start = context.anchor.replace(year=context.anchor.year - context.scale.years)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[i], role=role, organisation=by_code[code], start_date=start)
            for i, role, code in roles
        ],
        batch_size=BATCH,
    )
    coordinators: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in (
        RoleAssignment.objects.active(context.anchor)
        .filter(role=Role.COORDINATOR, organisation__in=context.municipalities)
        .order_by("user__username")
        .values_list("organisation_id", "user_id")
    ):
        coordinators[org_id].append(user_id)
    context.coordinators = dict(coordinators)
    context.counts["people"] = User.objects.count()


def _status_for(age_days: int, rng: random.Random) -> str:
    roll = rng.random()
    if age_days > 400:
        table = [(0.85, CaseStatus.CLOSED), (0.95, CaseStatus.FOLLOW_UP), (1, CaseStatus.MEASURES)]
    elif age_days > 90:
        table = [
            (0.30, CaseStatus.CLOSED),
            (0.70, CaseStatus.FOLLOW_UP),
            (0.90, CaseStatus.MEASURES),
            (1, CaseStatus.ASSESSING),
        ]
    else:
        table = [
            (0.25, CaseStatus.REPORTED),
            (0.55, CaseStatus.ASSESSING),
            (0.90, CaseStatus.MEASURES),
            (1, CaseStatus.FOLLOW_UP),
        ]
    return next(status for limit, status in table if roll <= limit)


def _cases(context: Context) -> None:
    rng, scale, anchor = context.rng, context.scale, context.anchor
    weights = [3 if m.code == BUSY_MUNICIPALITY else 1 for m in context.municipalities]
    fallback = User.objects.order_by("pk").values_list("pk", flat=True)[0]
    numbers: dict[tuple[int, int], int] = defaultdict(int)
    for municipality_id, year, last in CaseCounter.objects.values_list(
        "municipality_id", "year", "last_number"
    ):
        numbers[(municipality_id, year)] = last
    end = timezone.make_aware(datetime.datetime.combine(anchor, datetime.time(16)))
    span_days = 365 * scale.years
    plans: list[tuple[Case, list[tuple[str, datetime.datetime]]]] = []
    municipalities = rng.choices(context.municipalities, weights=weights, k=scale.cases)
    for municipality in municipalities:
        age = rng.randrange(span_days)
        reported = end - datetime.timedelta(days=age, minutes=rng.randrange(600))
        status = _status_for(age, rng)
        key = (municipality.pk, reported.year)
        numbers[key] += 1
        owners = context.coordinators.get(municipality.pk) or [fallback]
        owner = owners[0] if rng.random() < 0.7 else rng.choice(owners)
        steps = PATH[: PATH.index(CaseStatus(status)) + 1]
        moments = [reported]
        for _ in steps[1:]:
            room = max(1, int((end - moments[-1]).total_seconds() // 3600) // 3)
            moments.append(moments[-1] + datetime.timedelta(hours=rng.randrange(1, room + 1)))
        case = Case(
            municipality_id=municipality.pk,
            year=reported.year,
            number=numbers[key],
            reference=f"{municipality.code}-{reported.year}-{numbers[key]:04d}",
            areas=rng.choice(AREAS),
            setting=rng.choice(Setting.values),
            title=f"Oro i {rng.choice(['skolan', 'centrum', 'föreningen', 'nätet'])} {len(plans)}",
            description="Genererad problembild för mätning; inga personuppgifter.",
            status=status,
            owner_id=None if status == CaseStatus.REPORTED else owner,
            reported_by_id=owner,
            reported_at=reported,
            status_changed_at=moments[-1],
        )
        plans.append((case, list(zip(steps, moments, strict=True))))
    Case.objects.bulk_create([case for case, _ in plans], batch_size=BATCH)
    for (municipality_id, year), last in numbers.items():
        CaseCounter.objects.update_or_create(
            municipality_id=municipality_id, year=year, defaults={"last_number": last}
        )
    transitions, measures, subjects = [], [], []
    kinds = MeasureKind.values
    for case, path in plans:
        previous = ""
        for status, at in path:
            transitions.append(
                Transition(
                    case_id=case.pk,
                    from_status=previous,
                    to_status=status,
                    by_id=case.reported_by_id,
                    at=at,
                )
            )
            previous = status
        if rng.random() < 0.6:
            subjects.append(Subject(case_id=case.pk, pseudonym="Elev A"))
        if len(path) >= 3:
            started = path[2][1].date()
            for _ in range(rng.randrange(1, 4)):
                planned_end = started + datetime.timedelta(days=rng.randrange(14, 180))
                done = case.status == CaseStatus.CLOSED or planned_end < anchor
                measures.append(
                    Measure(
                        case_id=case.pk,
                        kind=rng.choice(kinds),
                        responsible_id=case.municipality_id,
                        status=ActivityStatus.DONE if done else ActivityStatus.ONGOING,
                        planned_start=started,
                        planned_end=planned_end,
                        actual_start=started,
                        actual_end=planned_end if done else None,
                    )
                )
    Transition.objects.bulk_create(transitions, batch_size=BATCH)
    Measure.objects.bulk_create(measures, batch_size=BATCH)
    Subject.objects.bulk_create(subjects, batch_size=BATCH)
    context.case_ids = [case.pk for case, _ in plans]
    context.counts.update(
        cases=Case.objects.count(),
        transitions=len(transitions),
        measures=len(measures),
        subjects=len(subjects),
    )


def _escalations(context: Context) -> None:
    """About one case in eight is escalated; open ones carry the receivers' grants."""
    rng = context.rng
    regional = list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.CIVIL_SOCIETY, OrganisationKind.POLICE_AREA]
        )
    )
    cases = Case.objects.filter(pk__range=context.case_range()).values_list(
        "pk", "municipality_id", "status", "owner_id", "reported_at"
    )
    municipalities = context.municipalities
    escalations: list[Escalation] = []
    for pk, municipality_id, status, owner_id, reported_at in cases.iterator(chunk_size=BATCH):
        if owner_id is None or rng.random() > 0.125:
            continue
        receiver = rng.choice(
            regional + [m for m in rng.sample(municipalities, 2) if m.pk != municipality_id]
        )
        created = reported_at + datetime.timedelta(days=rng.randrange(1, 20))
        if status == CaseStatus.CLOSED:
            state = EscalationStatus.CLOSED
        else:
            state = rng.choice(
                [
                    EscalationStatus.NEW,
                    EscalationStatus.ACKNOWLEDGED,
                    EscalationStatus.ANSWERED,
                    EscalationStatus.CLOSED,
                ]
            )
        acknowledged = created + datetime.timedelta(days=rng.randrange(0, 8))
        escalations.append(
            Escalation(
                case_id=pk,
                receiver=receiver,
                kind=kind_for(receiver),
                reason="Genererad för mätning.",
                request="Råd och stöd.",
                status=state,
                created_by_id=owner_id,
                created_at=created,
                acknowledged_at=None if state == EscalationStatus.NEW else acknowledged,
                answered_at=acknowledged
                if state in (EscalationStatus.ANSWERED, EscalationStatus.CLOSED)
                else None,
                answer="Vi stöttar." if state != EscalationStatus.NEW else "",
                closed_at=acknowledged if state == EscalationStatus.CLOSED else None,
            )
        )
    Escalation.objects.bulk_create(escalations, batch_size=BATCH)
    open_ones = [e for e in escalations if e.status != EscalationStatus.CLOSED]
    people = receiving_people({e.receiver_id for e in open_ones}, include_future=True)
    content_type = ContentType.objects.get_for_model(Case)
    permissions = {p.codename: p.pk for p in Permission.objects.filter(content_type=content_type)}
    grants = {
        (e.case_id, user_id, permissions[str(right)])
        for e in open_ones
        for user_id in people[e.receiver_id]
        for right in RECEIVER_RIGHTS[EscalationKind(e.kind)]
    }
    CaseUserObjectPermission.objects.bulk_create(
        [
            CaseUserObjectPermission(content_object_id=case_id, user_id=user_id, permission_id=perm)
            for case_id, user_id, perm in sorted(grants)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    context.counts.update(escalations=len(escalations), grants=len(grants))


def summary(context: Context) -> dict[str, Any]:
    return {"scale": context.scale.name, "anchor": context.anchor.isoformat(), **context.counts}
