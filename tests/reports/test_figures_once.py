"""The build reads its facts once and stores closed periods' trend figures; the published
figures stay exactly those of the per-period computation (tests/reports/figures_reference.py),
on the demo and on random small worlds."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import CaseStatus, EscalationKind, MeasureKind, MeasureStatus
from cases.models import Case, Contact, EarlyClosure, Escalation, FollowUpPlan, Transition
from reports import figures
from reports.models import Scope, StoredPeriod
from tests.accounts.factories import UserFactory
from tests.cases.factories import CaseFactory, MeasureFactory
from tests.councils.factories import MunicipalityFactory, OrganisationFactory
from tests.reports import figures_reference as reference

TZ = ZoneInfo("Europe/Stockholm")
S = CaseStatus
CADENCES = [
    [
        {"every": 2, "unit": "weeks", "months": 2},
        {"every": 1, "unit": "months", "months": 4},
        {"every": 3, "unit": "months", "months": None},
    ],
    [{"every": 1, "unit": "weeks", "months": 1}, {"every": 1, "unit": "months", "months": None}],
]
# Paths through the life cycle (each step a number of days after the one before).
PATHS = [
    [S.REPORTED],
    [S.REPORTED, S.ASSESSING],
    [S.REPORTED, S.ASSESSING, S.CLOSED],
    [S.REPORTED, S.ASSESSING, S.CLOSED, S.ASSESSING],
    [S.REPORTED, S.ASSESSING, S.MEASURES],
    [S.REPORTED, S.ASSESSING, S.MEASURES, S.FOLLOW_UP],
    [S.REPORTED, S.ASSESSING, S.MEASURES, S.FOLLOW_UP, S.CLOSED],
    [S.REPORTED, S.ASSESSING, S.MEASURES, S.FOLLOW_UP, S.CLOSED, S.FOLLOW_UP],
    [S.REPORTED, S.ASSESSING, S.MEASURES, S.FOLLOW_UP, S.MEASURES],
]


def same(scope: str, period: figures.Period, times: int = 1) -> dict:
    """Build both ways; assert the same bytes; return the figures. With `times`, build ours
    again (with the closed periods' trend figures stored by the first) against the same
    reference figures: the reference stores nothing and reads nothing the builds write."""
    ours = figures.build(scope, period)
    theirs = figures.canonical(reference.build(scope, as_reference(period)))
    assert figures.canonical(ours) == theirs
    for _again in range(times - 1):
        ours = figures.build(scope, period)
        assert figures.canonical(ours) == theirs
    return ours


def as_reference(period: figures.Period) -> reference.Period:
    return reference.Period(period.kind, period.start, period.end)


def counted(scope: str, period: figures.Period) -> dict[str, int]:
    """The build's linked system (its zeros kept as keys) against the reference's (every zero a
    cell): the same cells counting someone with the same counts, the same floors, and the same
    guarded counts of someone (linked reports not out, and those outside violent extremism)."""
    _data, ours = figures.build_joint(scope, period, protected=False)
    _data, theirs = reference.build_joint(scope, as_reference(period), protected=False)
    for joint in (ours, theirs):
        assert all(c.value for c in joint.system.cells)
    assert {c.key: c.value for c in ours.system.cells} == {
        c.key: c.value for c in theirs.system.cells
    }
    assert ours.system.floors == theirs.system.floors
    guarded = [
        {k: j.system.value(k) for k in j.unmarked if j.system.value(k)} for j in (ours, theirs)
    ]
    assert guarded[0] == guarded[1]
    return guarded[0]


cases_ = st.lists(
    st.fixed_dictionaries(
        {
            "muni": st.integers(0, 1),
            "areas": st.sampled_from([",andt,", ",vbe,", ",crime,vbe,", ",crime,"]),
            "reported": st.integers(0, 900),  # days after 1 Jan 2023
            "path": st.integers(0, len(PATHS) - 1),
            "gaps": st.lists(st.integers(0, 200), min_size=6, max_size=6),
            "cadence": st.integers(0, len(CADENCES) - 1),
            "decision": st.booleans(),
            "contacts": st.lists(st.integers(0, 400), max_size=6),
            "measure": st.one_of(st.none(), st.integers(0, 300)),
            "ack": st.one_of(st.none(), st.integers(0, 100)),
        }
    ),
    min_size=1,
    max_size=10,
)


def make_world(spec: list[dict], munis: list, agera, by) -> None:
    origin = datetime.datetime(2023, 1, 1, 9, tzinfo=TZ)
    # Status changes and contacts are written in one statement each at the end, in the order
    # they are made (a case's moves get ascending ids, as when written one by one).
    moves: list[Transition] = []
    contacts: list[Contact] = []
    for item in spec:
        reported = origin + datetime.timedelta(days=item["reported"])
        path = PATHS[item["path"]]
        when = [reported]
        for gap in item["gaps"][: len(path) - 1]:
            when.append(when[-1] + datetime.timedelta(days=gap, hours=1))
        c = CaseFactory(
            municipality=munis[item["muni"]],
            areas=item["areas"],
            reported_at=reported,
            reported_by=by,
            status=path[-1],
        )
        previous = ""
        for status, at in zip(path, when, strict=False):
            moves.append(Transition(case=c, from_status=previous, to_status=status, by=by, at=at))
            previous = status
        if S.FOLLOW_UP in path:
            start = when[path.index(S.FOLLOW_UP)].date()
            FollowUpPlan.objects.create(
                case=c,
                started_on=start,
                next_contact_on=start,
                cadence=CADENCES[item["cadence"]],
            )
            contacts += [
                Contact(
                    case=c,
                    on=start + datetime.timedelta(days=day),
                    kind="call",
                    who="x",
                    recorded_by=by,
                )
                for day in item["contacts"]
            ]
            if S.CLOSED in path and item["decision"]:
                EarlyClosure.objects.create(
                    case=c,
                    reason="Beslut",
                    decided_on=when[-1].date(),
                    decision_reference="AG 1",
                    recorded_by=by,
                )
        if item["measure"] is not None:
            MeasureFactory(
                case=c,
                kind=MeasureKind.OTHER,
                responsible=agera,
                status=MeasureStatus.ONGOING,
                actual_start=reported.date() + datetime.timedelta(days=item["measure"]),
            )
        if item["ack"] is not None:
            Escalation.objects.create(
                case=c,
                receiver=agera,
                kind=EscalationKind.AGERA,
                reason="Råd",
                request="Stöd",
                created_by=by,
                created_at=reported,
                acknowledged_at=reported + datetime.timedelta(days=item["ack"], hours=3),
                status="acknowledged",
            )
    Transition.objects.bulk_create(moves)
    Contact.objects.bulk_create(contacts)


@pytest.fixture
def places(db):
    return {
        "munis": [
            MunicipalityFactory(name="Kommun A", code="KA"),
            MunicipalityFactory(name="Kommun B", code="KB"),
        ],
        "agera": OrganisationFactory(name="Agera", code="AG", kind="civil_society"),
        "by": UserFactory(),
    }


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=cases_, yearly=st.booleans(), small=st.booleans())
def test_random_worlds_give_the_figures_of_the_per_period_computation(places, spec, yearly, small):
    # Small: every count published, every statistic shown, so nothing hides a difference.
    limits = {"REPORT_SUPPRESSION_THRESHOLD": 1, "REPORT_STATISTIC_MINIMUM": 1} if small else {}
    with override_settings(**limits), transaction.atomic(), reference.reusing_counts():
        make_world(spec, places["munis"], places["agera"], places["by"])
        period = figures.year(2024) if yearly else figures.half_year(2024, 2)
        for scope in Scope.values:
            same(scope, period, times=2)  # again, with the closed periods' trend figures stored
            counted(scope, period)
        transaction.set_rollback(True)


def test_the_demo_gives_the_figures_of_the_per_period_computation(demo):
    today = timezone.localdate()
    with reference.reusing_counts():  # the builds store trend figures only
        for period in figures.last_half_years(today, 2):
            for scope in Scope.values:
                same(scope, period)
        same(Scope.ALL, figures.year(today.year - 1))


def test_the_demo_counts_in_the_linked_system_what_the_per_period_computation_counts(demo):
    today = timezone.localdate()
    with reference.reusing_counts():
        for scope in Scope.values:
            guarded = counted(scope, figures.year(today.year - 1))
            assert any(k.startswith(figures.OUTSIDE_VBE) for k in guarded)


SPEC = [
    {
        "muni": i % 2,
        "areas": [",andt,", ",vbe,", ",crime,vbe,"][i % 3],
        "reported": 200 + 40 * i,
        "path": [6, 5, 2, 4, 7, 1][i % 6],
        "gaps": [3, 5, 20, 60, 90, 30],
        "cadence": i % 2,
        "decision": i % 4 == 0,
        "contacts": [10, 40, 70][: i % 4],
        "measure": None if i % 5 == 0 else 7 * i,
        "ack": None if i % 3 == 0 else i,
    }
    for i in range(14)
]


@pytest.fixture
def stored_world(places, settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    settings.REPORT_STATISTIC_MINIMUM = 1
    make_world(SPEC, places["munis"], places["agera"], places["by"])
    return places


def test_closed_periods_trend_figures_are_stored_once_and_reused(stored_world):
    period = figures.half_year(2024, 2)

    def build() -> tuple[dict, int]:
        with CaptureQueriesContext(connection) as queries:
            data = figures.build(Scope.ALL, period)
        return data, len(queries)

    first, first_count = build()
    # The five periods of the trend have ended: each stored once.
    stored = StoredPeriod.objects.filter(scope=Scope.ALL)
    assert sorted(s.start for s in stored) == sorted(p.start for p in figures.trend_periods(period))
    second, second_count = build()
    assert figures.canonical(second) == figures.canonical(first)
    assert figures.canonical(second) == figures.canonical(
        reference.build(Scope.ALL, as_reference(period))
    )
    # The first build read the first measures of the report's year (1 query), the closings and
    # first measures of the three earlier periods (2) and stored the five (1); the second reads
    # the changes since the stored figures' watermark instead (1).
    assert second_count == first_count - 3
    assert stored.count() == 5


def test_a_later_first_measure_makes_its_periods_stored_figures_stale(stored_world):
    period = figures.half_year(2024, 2)
    figures.build(Scope.ALL, period)
    older = figures.half_year(2023, 2)
    before = StoredPeriod.objects.get(scope=Scope.ALL, start=older.start)
    first, after = older.bounds()
    case_ = Case.objects.filter(reported_at__gte=first, reported_at__lt=after).first()
    MeasureFactory(
        case=case_,
        kind=MeasureKind.OTHER,
        responsible=stored_world["agera"],
        status=MeasureStatus.ONGOING,
        actual_start=datetime.date(2023, 11, 30),
    )
    same(Scope.ALL, period)  # equals the computation from scratch
    again = StoredPeriod.objects.get(scope=Scope.ALL, start=older.start)
    assert again.pk != before.pk and again.watermark != before.watermark
    untouched = figures.half_year(2024, 1)
    assert StoredPeriod.objects.filter(scope=Scope.ALL, start=untouched.start).exists()


def test_a_municipality_set_of_its_own_stores_figures_of_its_own(stored_world):
    period = figures.half_year(2024, 2)
    figures.build(Scope.ALL, period)
    MunicipalityFactory(name="Kommun C", code="KC")
    same(Scope.ALL, period)
    assert StoredPeriod.objects.filter(scope=Scope.ALL).values("basis").distinct().count() == 2


def test_a_plan_whose_case_was_reported_after_the_period_plans_contacts_by_its_state(
    stored_world,
):
    """A correction can leave a follow-up plan started before its case's reported date: the
    case is not among the period's cases, and its state at the period's end is still read (its
    status, with no status change before the end), so its plan's contacts are planned in the
    period, as the per-period computation plans them."""
    period = figures.half_year(2024, 2)

    def planned_in_ka() -> int:
        data = same(Scope.ALL, period)
        table = {t["key"]: t for t in data["tables"]}["contacts"]
        return table["cells"][0][table["columns"].index("planned")]["v"]

    before = planned_in_ka()
    late = CaseFactory(
        municipality=stored_world["munis"][0],
        areas=",vbe,",
        reported_at=datetime.datetime(2025, 2, 1, 9, tzinfo=TZ),
        reported_by=stored_world["by"],
        status=S.FOLLOW_UP,
    )
    FollowUpPlan.objects.create(
        case=late,
        started_on=datetime.date(2024, 9, 2),
        next_contact_on=datetime.date(2024, 9, 2),
        cadence=CADENCES[1],
    )
    assert planned_in_ka() > before  # the late case's plan: weekly from 2 September
    same(Scope.VBE, period)


def test_groups_keep_their_weights_when_the_facts_take_in_another_period(stored_world):
    """Cells cut before the facts read a further period name the same groups after: a group's
    id keeps its weight, and the further period's groups get ids of their own."""
    munis = figures.municipalities()
    first, then = figures.half_year(2024, 1), figures.half_year(2024, 2)
    facts = figures.Facts(munis, [first])
    before = [
        *facts.case_groups(first),
        *facts.held_groups(first),
        *facts.planned_groups(first),
        *facts.measure_groups(first),
    ]
    facts.covers(then)
    after = [
        *facts.case_groups(then),
        *facts.held_groups(then),
        *facts.planned_groups(then),
        *facts.measure_groups(then),
    ]
    assert before and after
    assert all(facts.weights[u["uid"]] == u["weight"] for u in before + after)
    # The same numbers as building each period on its own.
    alone = figures.Facts(munis, [then])
    assert sum(u["weight"] for u in alone.case_groups(then)) == sum(
        u["weight"] for u in facts.case_groups(then)
    )
