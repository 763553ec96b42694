"""The report service on a small constructed world, against figures worked out by hand.

Period: the first half of 2025. Two municipalities, KA and KB:

- c1 (KA, VBE) reported 1 Feb, assessed, measures from 10 Feb: open in "measures" at the end.
- c2 (KA, VBE and crime) reported Oct 2024, follow-up from 1 Nov 2024, closed 15 May 2025.
- c3 (KB, ANDT) reported 1 Mar, closed 1 Apr straight from assessment, reopened 1 Jun.
- c4 (KB, crime) reported 15 Jul 2025: after the period, counted nowhere.
- c5 (KA, ANDT) reported 30 Jun 23:00 local time: new on the period's last evening.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import OrganisationKind
from cases.choices import CaseStatus, EscalationKind, MeasureKind, MeasureStatus
from cases.models import Contact, EarlyClosure, Escalation, FollowUpPlan, Measure, Transition
from reports import figures
from reports.models import Scope, StoredPeriod
from tests.accounts.factories import UserFactory
from tests.cases.factories import CaseFactory, MeasureFactory
from tests.councils.factories import MunicipalityFactory, OrganisationFactory, PoliceAreaFactory

TZ = ZoneInfo("Europe/Stockholm")
H1 = figures.half_year(2025, 1)
S = CaseStatus


def at(y: int, m: int, d: int, h: int = 12) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


def case(
    muni,
    areas: str,
    reported: datetime.datetime,
    steps: list[tuple[str, str, datetime.datetime]],
    by,
):
    c = CaseFactory(
        municipality=muni, areas=areas, reported_at=reported, reported_by=by, status=steps[-1][1]
    )
    Transition.objects.create(case=c, from_status="", to_status=S.REPORTED, by=by, at=reported)
    for frm, to, when in steps[1:]:
        Transition.objects.create(case=c, from_status=frm, to_status=to, by=by, at=when)
    return c


@pytest.fixture
def world(db):
    by = UserFactory()
    ka = MunicipalityFactory(name="Kommun A", code="KA")
    kb = MunicipalityFactory(name="Kommun B", code="KB")
    agera = OrganisationFactory(name="Agera", code="AG", kind=OrganisationKind.CIVIL_SOCIETY)
    police = PoliceAreaFactory(code="LPO")
    c1 = case(
        ka,
        ",vbe,",
        at(2025, 2, 1),
        [
            ("", S.REPORTED, None),
            (S.REPORTED, S.ASSESSING, at(2025, 2, 3)),
            (S.ASSESSING, S.MEASURES, at(2025, 2, 10)),
        ],
        by,
    )
    c2 = case(
        ka,
        ",vbe,crime,",
        at(2024, 10, 1),
        [
            ("", S.REPORTED, None),
            (S.REPORTED, S.ASSESSING, at(2024, 10, 2)),
            (S.ASSESSING, S.MEASURES, at(2024, 10, 5)),
            (S.MEASURES, S.FOLLOW_UP, at(2024, 11, 1)),
            (S.FOLLOW_UP, S.CLOSED, at(2025, 5, 15)),
        ],
        by,
    )
    c3 = case(
        kb,
        ",andt,",
        at(2025, 3, 1),
        [
            ("", S.REPORTED, None),
            (S.REPORTED, S.ASSESSING, at(2025, 3, 2)),
            (S.ASSESSING, S.CLOSED, at(2025, 4, 1)),
            (S.CLOSED, S.ASSESSING, at(2025, 6, 1)),
        ],
        by,
    )
    case(kb, ",crime,", at(2025, 7, 15), [("", S.REPORTED, None)], by)
    case(ka, ",andt,", at(2025, 6, 30, 23), [("", S.REPORTED, None)], by)

    def esc(c, receiver, kind, created, acknowledged=None):
        return Escalation.objects.create(
            case=c,
            receiver=receiver,
            kind=kind,
            reason="Råd",
            request="Stöd",
            created_by=by,
            created_at=created,
            acknowledged_at=acknowledged,
            status="acknowledged" if acknowledged else "new",
        )

    esc(c1, agera, EscalationKind.AGERA, at(2025, 2, 5), at(2025, 2, 7))  # 2 days
    esc(c1, police, EscalationKind.POLICE, at(2025, 2, 6), at(2025, 2, 7))  # 1 day
    esc(c3, ka, EscalationKind.NEIGHBOUR, at(2025, 3, 5))
    esc(c2, agera, EscalationKind.AGERA, at(2024, 12, 1), at(2024, 12, 2))  # before the period
    MeasureFactory(
        case=c1,
        kind=MeasureKind.STAFF_TRAINING,
        responsible=agera,
        status=MeasureStatus.ONGOING,
        actual_start=datetime.date(2025, 2, 20),
    )
    MeasureFactory(
        case=c1,
        kind=MeasureKind.CONCERN_CONVERSATION,
        responsible=ka,
        planned_start=datetime.date(2025, 3, 1),
        planned_end=datetime.date(2025, 3, 31),
    )
    MeasureFactory(
        case=c2,
        kind=MeasureKind.OTHER,
        responsible=kb,
        status=MeasureStatus.DONE,
        actual_start=datetime.date(2024, 1, 1),
        actual_end=datetime.date(2024, 12, 31),
    )
    MeasureFactory(
        case=c2,
        kind=MeasureKind.OTHER,
        responsible=ka,
        status=MeasureStatus.CANCELLED,
        actual_start=datetime.date(2025, 2, 1),
    )
    return {"ka": ka, "kb": kb, "by": by, "agera": agera, "police": police}


def grid(data: dict, key: str) -> dict[str, list]:
    table = next(t for t in data["tables"] if t["key"] == key)
    return {
        r: [c["v"] if c["v"] is not None else f"<{c['s']}" for c in line]
        for r, line in zip(table["rows"], table["cells"], strict=True)
    }


def test_figures_by_hand(world, settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 1  # nothing to hide: the raw figures
    settings.REPORT_STATISTIC_MINIMUM = 1
    data = figures.build(Scope.ALL, H1)
    assert [m["code"] for m in data["municipalities"]] == ["KA", "KB"]
    # Columns andt, crime, vbe, total.
    assert grid(data, "cases_new") == {
        "KA": [1, 0, 1, 2],
        "KB": [1, 0, 0, 1],
        "total": [2, 0, 1, 3],
    }
    # new, closed, reopened
    assert grid(data, "cases_flow") == {"KA": [2, 1, 0], "KB": [1, 1, 1], "total": [3, 2, 1]}
    # reported, assessing, measures, follow_up, total
    assert grid(data, "cases_open") == {
        "KA": [1, 0, 1, 0, 2],
        "KB": [0, 1, 0, 0, 1],
        "total": [1, 1, 1, 0, 3],
    }
    assert grid(data, "cases_open_area") == {
        "KA": [1, 0, 1, 2],
        "KB": [1, 0, 0, 1],
        "total": [2, 0, 1, 3],
    }
    # neighbour, agera, police, regional, total
    assert grid(data, "escalations_kind") == {
        "KA": [0, 1, 1, 0, 2],
        "KB": [1, 0, 0, 0, 1],
        "total": [1, 1, 1, 0, 3],
    }
    kinds = grid(data, "measures_kind")
    assert kinds["KA"][MeasureKind.values.index(MeasureKind.STAFF_TRAINING)] == 1
    assert kinds["KA"][MeasureKind.values.index(MeasureKind.CONCERN_CONVERSATION)] == 1
    assert kinds["KA"][-1] == 2 and kinds["KB"][-1] == 0 and kinds["total"][-1] == 2
    assert grid(data, "measures_responsible") == {
        "KA": [1, 1, 2],
        "KB": [0, 0, 0],
        "total": [1, 1, 2],
    }
    medians = data["acknowledge_median_days"]
    # Whole days: 2, 1, and 1.5 rounded to the even 2.
    assert medians["by_kind"]["agera"] == {"v": 2}
    assert medians["by_kind"]["police"] == {"v": 1}
    assert medians["by_kind"]["total"] == {"v": 2}
    current = data["measures"]["current"]
    assert current["period"] == H1.as_dict()
    # Snabb start: c1 19 days to its first measure, 6 days to its first acknowledgement.
    assert current["start_fast"]["to_measure"]["total"] == {
        "median": {"v": 19},
        "p90": {"v": 19},
    }
    assert current["start_fast"]["to_acknowledged"]["KA"]["median"] == {"v": 6}
    # Långsiktighet over c2 (6.4 months in follow-up, met) and c3 (none, not met), whole months.
    assert current["last_long"]["months_in_follow_up"]["total"] == {"v": 3}
    assert current["last_long"]["months_in_follow_up"]["KA"] == {"v": 6}
    # The share divides two counts the report publishes: met the minimum / closed.
    assert grid(data, "follow_up")["total"] == [1, 0, 0]
    assert current["last_long"]["met_minimum"]["total"] == {"v": 50.0}
    assert current["last_long"]["met_minimum"]["KB"] == {"v": 0.0}
    trend = [p["period"]["start"] for p in data["measures"]["trend"]]
    assert trend == ["2023-01-01", "2023-07-01", "2024-01-01", "2024-07-01", "2025-01-01"]


def test_default_threshold_hides_every_small_count(world):
    data = figures.build(Scope.ALL, H1)
    for table in data["tables"]:
        if table["protected"]:
            for line in table["cells"]:
                assert all(c["v"] is None or c["v"] == 0 or c["v"] >= 5 for c in line)
    assert grid(data, "cases_new")["total"][-1] == "<h"
    assert data["measures"]["current"]["start_fast"]["to_measure"]["total"]["median"] == {
        "v": None,
        "s": "n",
    }


def test_vbe_scope_counts_vbe_cases_only(world, settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    data = figures.build(Scope.VBE, H1)
    assert grid(data, "cases_new") == {"KA": [1, 1], "KB": [0, 0], "total": [1, 1]}
    assert grid(data, "cases_flow")["total"] == [1, 1, 0]
    assert not any(t["key"] in {"activities", "meetings"} for t in data["tables"])


def test_same_report_same_bytes(world):
    assert figures.canonical(figures.build(Scope.ALL, H1)) == figures.canonical(
        figures.build(Scope.ALL, H1)
    )


def test_periods():
    assert figures.half_year(2025, 2).previous() == figures.half_year(2025, 1)
    assert figures.half_year(2025, 1).previous() == figures.half_year(2024, 2)
    assert figures.year(2025).previous() == figures.year(2024)
    assert figures.half_year(2025, 2).on_grid and figures.year(2025).on_grid
    assert not figures.Period(
        "year", datetime.date(2025, 1, 2), datetime.date(2025, 12, 31)
    ).on_grid
    custom = figures.Period("custom", datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert not custom.on_grid
    assert figures.linked_periods(figures.half_year(2025, 2)) == [
        figures.year(2025),
        figures.half_year(2025, 1),
        figures.half_year(2025, 2),
    ]
    assert figures.last_half_years(datetime.date(2026, 11, 25), 2) == [
        figures.half_year(2026, 1),
        figures.half_year(2025, 2),
    ]
    assert figures.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.0
    assert figures.percentile([5, 1, 9], 90) == 9.0


def test_query_count_does_not_grow_with_the_cases(world):
    def count() -> int:
        StoredPeriod.objects.all().delete()  # a first build: no trend figures stored yet
        with CaptureQueriesContext(connection) as queries:
            figures.build(Scope.ALL, H1)
        return len(queries)

    before = count()
    for i in range(12):
        c = case(
            world["ka" if i % 2 else "kb"],
            ",vbe,",
            at(2025, 2, 1 + i),
            [("", S.REPORTED, None), (S.REPORTED, S.ASSESSING, at(2025, 3, 1))],
            world["by"],
        )
        Measure.objects.create(
            case=c,
            kind=MeasureKind.OTHER,
            responsible=world["agera"],
            actual_start=datetime.date(2025, 3, 2 + i),
        )
        Escalation.objects.create(
            case=c,
            receiver=world["agera"],
            kind=EscalationKind.AGERA,
            reason="Råd",
            request="Stöd",
            created_by=world["by"],
            created_at=at(2025, 3, 1),
            acknowledged_at=at(2025, 3, 3),
            status="acknowledged",
        )
    assert count() == before


def test_follow_up_figures_by_hand(world, settings):
    """Three followed-up cases (default cadence: every 2 weeks for 2 months, then monthly):

    - c6 (KB) plan from 10 Jan, closed 1 Apr with the working group's early-closure decision:
      planned 24 Jan, 7 Feb, 21 Feb, 7 Mar, 21 Mar (5); 3 contacts held.
    - c7 (KA) plan from 1 Feb, closed 1 Jun without a decision: planned 15 Feb, 1 Mar, 15 Mar,
      29 Mar, 12 Apr, 12 May (6); 6 held, so it kept its cadence.
    - c8 (KA) plan from 1 Mar, still followed up: planned 15 Mar, 29 Mar, 12 Apr, 26 Apr,
      10 May, 10 Jun (6); 2 held.
    """
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    settings.REPORT_STATISTIC_MINIMUM = 1
    by, ka, kb = world["by"], world["ka"], world["kb"]

    def followed_case(muni, reported, start, closed=None):
        steps = [
            ("", S.REPORTED, None),
            (S.REPORTED, S.ASSESSING, reported + datetime.timedelta(days=1)),
            (S.ASSESSING, S.MEASURES, reported + datetime.timedelta(days=2)),
            (S.MEASURES, S.FOLLOW_UP, at(start.year, start.month, start.day)),
        ]
        if closed:
            steps.append((S.FOLLOW_UP, S.CLOSED, at(closed.year, closed.month, closed.day)))
        c = case(muni, ",andt,", reported, steps, by)
        FollowUpPlan.objects.create(case=c, started_on=start, next_contact_on=start)
        return c

    d = datetime.date
    c6 = followed_case(kb, at(2024, 12, 1), d(2025, 1, 10), d(2025, 4, 1))
    c7 = followed_case(ka, at(2024, 12, 15), d(2025, 2, 1), d(2025, 6, 1))
    c8 = followed_case(ka, at(2024, 11, 1), d(2025, 3, 1))
    EarlyClosure.objects.create(
        case=c6,
        reason="Arbetsgruppen beslutade.",
        decided_on=d(2025, 3, 30),
        decision_reference="AG 2025:3",
        recorded_by=by,
    )
    held = {
        c6: [d(2025, 1, 24), d(2025, 2, 7), d(2025, 3, 1)],
        c7: [
            d(2025, 2, 15),
            d(2025, 3, 1),
            d(2025, 3, 15),
            d(2025, 3, 29),
            d(2025, 4, 12),
            d(2025, 5, 12),
        ],
        c8: [d(2025, 3, 15), d(2025, 4, 12)],
    }
    for c, days in held.items():
        for day in days:
            Contact.objects.create(case=c, on=day, kind="call", who="Samordnare", recorded_by=by)
    data = figures.build(Scope.ALL, H1)
    # with a decision, without, total (closures before the minimum period)
    assert grid(data, "closures") == {"KA": [0, 1, 1], "KB": [1, 0, 1], "total": [1, 1, 2]}
    # held, planned
    assert grid(data, "contacts") == {"KA": [8, 12], "KB": [3, 5], "total": [11, 17]}
    last_long = data["measures"]["current"]["last_long"]
    assert last_long["kept_cadence"] == {"KA": {"v": 50.0}, "KB": {"v": 0.0}, "total": {"v": 33.3}}
    # Closed in the period: c2 (6.4 months, met), c3 (no follow-up), c6 (2.7), c7 (3.9).
    assert last_long["met_minimum"]["total"] == {"v": 25.0}
    assert last_long["months_in_follow_up"]["total"] == {"v": 3}  # 3.3 in whole months
