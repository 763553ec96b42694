"""The attacks on the status reports, replayed on what a reader downloads (the CSV).

The attacker here is written from the tables' meaning alone, independent of reports/: the
escalations table is receivers by municipalities with row and column totals, a year is the sum of
its halves, a hidden figure is a whole number of at least 1 (zeros are published) and any old
mark "<5" means 1-4. It asks HiGHS (scipy.optimize.milp) for each hidden figure's least and
greatest value.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from unittest.mock import patch
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from scipy.optimize import Bounds, LinearConstraint, milp

from accounts.choices import OrganisationKind, Role
from accounts.models import Organisation
from cases.choices import CaseStatus, EscalationKind
from cases.models import Escalation, Transition
from reports import figures
from reports.models import Report, ReportStatus, Scope
from reports.output import _checked_once, figures_csv, report_csv
from reports.release import release
from reports.services import report_build, report_request
from reports.suppression import DisclosureError
from sutohamu.spreadsheet import safe_cell
from tests.accounts.factories import user_with_role
from tests.cases.factories import CaseFactory
from tests.councils.factories import MunicipalityFactory, OrganisationFactory

TZ = ZoneInfo("Europe/Stockholm")
KINDS = list(EscalationKind.values)
# Escalations per municipality and receiver kind, per half of 2026. Sunne's second half is the
# issue's pattern: one of each kind, four in all.
COUNTS = {
    1: {"SU": [2, 6, 5, 7], "TO": [5, 5, 6, 6], "HA": [8, 9, 2, 7], "MU": [6, 0, 7, 5]},
    2: {"SU": [1, 1, 1, 1], "TO": [6, 7, 5, 8], "HA": [9, 3, 6, 5], "MU": [7, 6, 8, 9]},
}
MUNIS = ["SU", "TO", "HA", "MU"]


@pytest.fixture
def world(db):
    by = user_with_role(Role.STEERING_GROUP)
    receiver = OrganisationFactory(code="REC", kind=OrganisationKind.CIVIL_SOCIETY)
    rows = []
    for code in MUNIS:
        muni = MunicipalityFactory(code=code, name=f"Kommun {code}")
        case = CaseFactory(
            municipality=muni,
            areas=",crime,",
            reported_at=datetime.datetime(2025, 3, 1, 12, tzinfo=TZ),
            reported_by=by,
            status=CaseStatus.MEASURES,
        )
        Transition.objects.create(
            case=case, from_status="", to_status=CaseStatus.REPORTED, by=by, at=case.reported_at
        )
        for half, month in ((1, 3), (2, 9)):
            for kind, n in zip(KINDS, COUNTS[half][code], strict=True):
                rows += [
                    Escalation(
                        case=case,
                        receiver=receiver,
                        kind=kind,
                        reason="Råd",
                        request="Stöd",
                        created_by=by,
                        created_at=datetime.datetime(2026, month, 1 + i, 12, tzinfo=TZ),
                        status="closed",
                    )
                    for i in range(n)
                ]
    Escalation.objects.bulk_create(rows)
    # Municipalities created for the roles are no part of the tables.
    return by


def _key(cell: str) -> tuple[str, str, str]:
    table, row, column = cell.split("|")
    return table, row, column


def published(report: Report) -> dict[tuple[str, str], str]:
    """(municipality or "total", kind or "total") -> the escalation figure as the CSV shows it."""
    rows = list(csv.reader(io.StringIO(report_csv(report)), delimiter=";"))[1:]
    return {(r[2], r[4]): r[6] for r in rows if r[0] == "escalations_kind"}


def attack(tables: dict[int | str, dict[tuple[str, str], str]]) -> dict[tuple, tuple[int, int]]:
    """The least and greatest value of every escalation count (per half) that the figures allow.

    `tables`: per published period (1, 2 for the halves, "year"), its figures. Unknowns: the
    count of each municipality, kind and half."""
    cells = list(itertools.product(MUNIS, KINDS, (1, 2)))
    index = {c: i for i, c in enumerate(cells)}
    rows, lower, upper = [], [], []
    for period, figures_ in tables.items():
        halves = (1, 2) if period == "year" else (period,)
        for (muni, kind), text in figures_.items():
            if muni not in [*MUNIS, "total"]:
                continue
            row = np.zeros(len(cells))
            for m, k, h in cells:
                if h in halves and muni in (m, "total") and kind in (k, "total"):
                    row[index[m, k, h]] = 1
            if text.isdigit():
                lo = hi = int(text)
            elif text == "<5":
                lo, hi = 1, 4
            else:  # ".." or the old secondary mark: hidden, so not zero
                lo, hi = 1, np.inf
            rows.append(row)
            lower.append(lo)
            upper.append(hi)
    constraint = LinearConstraint(np.vstack(rows), lower, upper)
    out = {}
    for c in cells:
        objective = np.zeros(len(cells))
        objective[index[c]] = 1
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                constraints=[constraint],
                integrality=np.ones(len(cells)),
                bounds=Bounds(0, 10_000),
            )
            assert result.status == 0
            ends.append(round(sign * result.fun))
        out[c] = (ends[0], ends[1])
    return out


def built(by, period: figures.Period) -> Report:
    report = report_build(report_request(by=by, scope=Scope.ALL, period=period), with_pdf=False)
    assert report.status == ReportStatus.DONE, report.error
    return report


def assert_nothing_small_or_pinned(bounds, shown_periods) -> None:
    for (muni, kind, half), (lo, hi) in bounds.items():
        true = COUNTS[half][muni][KINDS.index(kind)]
        assert lo <= true <= hi
        if 0 < true < 5:
            assert hi >= 5, f"{muni} {kind} half {half}: proved at most {hi}"


def test_four_small_kinds_and_a_small_total_are_not_given_back(world):
    report = built(world, figures.half_year(2026, 2))
    shown = published(report)
    assert [shown["SU", k] for k in KINDS] == ["..", "..", "..", ".."]
    bounds = attack({2: shown})
    assert_nothing_small_or_pinned(bounds, [2])
    for (muni, kind, half), (lo, hi) in bounds.items():
        if half == 2 and shown.get((muni, kind)) == "..":
            assert lo < hi, f"{muni} {kind} pinned at {lo}"


def test_bounds_from_the_marks_prove_no_count_small(world):
    """Every hidden count's greatest value reaches 5, from the marks' meaning alone."""
    report = built(world, figures.half_year(2026, 1))
    bounds = attack({1: published(report)})
    assert_nothing_small_or_pinned({k: v for k, v in bounds.items() if k[2] == 1}, [1])


def test_a_year_and_its_half_give_nothing_back_by_difference(world):
    first = built(world, figures.half_year(2026, 1))
    year = built(world, figures.year(2026))
    bounds = attack({1: published(first), "year": published(year)})
    # The second half was never published: year minus first half must not prove Sunne's small.
    assert_nothing_small_or_pinned(bounds, [1, "year"])
    second = built(world, figures.half_year(2026, 2))
    tables = {1: published(first), "year": published(year), 2: published(second)}
    bounds = attack(tables)
    assert_nothing_small_or_pinned(bounds, [1, 2, "year"])
    for period, shown in tables.items():
        halves = (1, 2) if period == "year" else (period,)
        for (muni, kind), text in shown.items():
            if text == ".." and muni in MUNIS and kind in KINDS:
                lo = sum(bounds[muni, kind, h][0] for h in halves)
                hi = sum(bounds[muni, kind, h][1] for h in halves)
                assert lo < hi


def test_a_share_is_published_only_with_its_counts(world):
    """A share divides two counts the same report publishes, so it fixes no hidden cell."""
    report = built(world, figures.half_year(2026, 2))
    rows = list(csv.reader(io.StringIO(report_csv(report)), delimiter=";"))[1:]
    counts = {(r[0], r[2], r[4]): r[6] for r in rows}
    shares = [r for r in rows if r[0] == "last_long" and r[4] in figures.SHARES]
    assert shares
    for _t, _title, row, _name, column, _cname, value in shares:
        num, den = figures.share_cells(column, row)
        n, d = (counts[_key(k)] for k in (num, den))
        if value != "..":
            assert n.isdigit() and d.isdigit() and int(d) > 0
            assert value == f"{100 * int(n) / int(d):.1f}".replace(".", ",")


def test_the_audit_refuses_a_report_built_without_suppression(world):
    with pytest.raises(DisclosureError):
        release(Scope.ALL, figures.half_year(2026, 2), protected=False)


def test_a_period_off_the_grid_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        report_request(
            by=world,
            scope=Scope.ALL,
            period=figures.Period("custom", datetime.date(2025, 7, 1), datetime.date(2026, 12, 31)),
        )
    assert refused.value.code == "period_not_on_grid"
    with pytest.raises(ValidationError):
        report_request(
            by=world,
            scope=Scope.ALL,
            period=figures.Period("year", datetime.date(2026, 1, 2), datetime.date(2026, 12, 31)),
        )
    assert not Report.objects.exists()


def test_the_archive_audit_rebuilds_an_unprotected_report_and_withdraws_a_free_period(world):
    report = built(world, figures.half_year(2026, 2))
    raw = figures.build(Scope.ALL, figures.half_year(2026, 2), protected=False)
    Report.objects.filter(pk=report.pk).update(figures=figures.canonical(raw))
    free = Report.objects.create(
        scope=Scope.ALL,
        period_kind="custom",
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 31),
        requested_by=world,
        status=ReportStatus.DONE,
        figures=figures.canonical(raw),
    )
    out = io.StringIO()
    call_command("audit_reports", stdout=out)
    assert out.getvalue().strip() == "passed 0, rebuilt 1, withdrawn 1"
    report.refresh_from_db()
    free.refresh_from_db()
    assert report.status == ReportStatus.DONE and free.status == ReportStatus.FAILED
    assert free.error == "withdrawn" and not free.figures
    assert published(report)["SU", KINDS[0]] == ".."
    call_command("audit_reports", stdout=out)
    assert out.getvalue().strip().endswith("passed 1, rebuilt 0, withdrawn 0")


def test_a_report_links_to_one_published_before_its_data_changed(world):
    """The first half is published; then two escalations dated in it are registered, in a
    violent-extremism case of Munkfors, a cell the first half showed as 0. Read as sums of
    today's units, the published figures contradict today's counts (0 where there are 2, under
    Agera's view of the same half that must not be proved small), so no report linked to them
    could pass: the second half was refused. What no longer holds is left out of what the
    attacker reads, what still holds is read; the second half is built and audited, and the
    first half's published figures are not touched."""
    first = built(world, figures.half_year(2026, 1))
    shown = published(first)
    assert shown["MU", KINDS[1]] == "0"
    by = user_with_role(Role.STEERING_GROUP)
    case = CaseFactory(
        municipality=Organisation.objects.get(code="MU"),
        areas=",vbe,",
        reported_at=datetime.datetime(2026, 2, 1, 12, tzinfo=TZ),
        reported_by=by,
        status=CaseStatus.MEASURES,
    )
    Transition.objects.create(
        case=case, from_status="", to_status=CaseStatus.REPORTED, by=by, at=case.reported_at
    )
    Escalation.objects.bulk_create(
        Escalation(
            case=case,
            receiver=Organisation.objects.get(code="REC"),
            kind=KINDS[1],
            reason="Råd",
            request="Stöd",
            created_by=by,
            created_at=datetime.datetime(2026, 4, 1 + i, 12, tzinfo=TZ),
            status="closed",
        )
        for i in range(2)
    )
    second = built(world, figures.half_year(2026, 2))
    assert second.status == ReportStatus.DONE
    first.refresh_from_db()
    assert published(first) == shown
    # The halves' figures as published pass the archive's audit as they are.
    out = io.StringIO()
    call_command("audit_reports", stdout=out)
    assert out.getvalue().strip() == "passed 2, rebuilt 0, withdrawn 0"


# Escalations of the second half of 2026 per municipality and kind, in violent-extremism cases
# and in the others. Sunne's Agera column and total outside VBE are 2: the whole view (9 and 30)
# minus Agera's VBE view (7 and 28) would tell it, though no table shows it.
IN_VBE = {"SU": [7, 6, 7, 8], "TO": [6, 5, 6, 6], "HA": [8, 9, 6, 7], "MU": [6, 7, 7, 5]}
OUTSIDE = {"SU": [2, 0, 0, 0], "TO": [5, 6, 0, 7], "HA": [0, 5, 6, 0], "MU": [9, 0, 5, 6]}


@pytest.fixture
def two_views(db):
    by = user_with_role(Role.STEERING_GROUP)
    receiver = OrganisationFactory(code="REC", kind=OrganisationKind.CIVIL_SOCIETY)
    rows = []
    for code in MUNIS:
        muni = MunicipalityFactory(code=code, name=f"Kommun {code}")
        for areas, counts in ((",vbe,", IN_VBE), (",crime,", OUTSIDE)):
            case = CaseFactory(
                municipality=muni,
                areas=areas,
                reported_at=datetime.datetime(2025, 3, 1, 12, tzinfo=TZ),
                reported_by=by,
                status=CaseStatus.MEASURES,
            )
            Transition.objects.create(
                case=case, from_status="", to_status=CaseStatus.REPORTED, by=by, at=case.reported_at
            )
            for kind, n in zip(KINDS, counts[code], strict=True):
                rows += [
                    Escalation(
                        case=case,
                        receiver=receiver,
                        kind=kind,
                        reason="Råd",
                        request="Stöd",
                        created_by=by,
                        created_at=datetime.datetime(2026, 9, 1 + i, 12, tzinfo=TZ),
                        status="closed",
                    )
                    for i in range(n)
                ]
    Escalation.objects.bulk_create(rows)
    return by


def attack_outside_vbe(whole: dict, vbe: dict) -> dict[tuple[str, str], tuple[int, int]]:
    """The least and greatest count outside violent extremism of every cell of the escalations
    table (municipality or total, kind or total), from the two views' figures. Unknowns: the
    count of each municipality and kind, inside VBE and outside."""
    cells = list(itertools.product(MUNIS, KINDS, ("vbe", "other")))
    index = {c: i for i, c in enumerate(cells)}

    def row_of(muni: str, kind: str, parts: tuple[str, ...]) -> np.ndarray:
        row = np.zeros(len(cells))
        for m, k, a in cells:
            if a in parts and muni in (m, "total") and kind in (k, "total"):
                row[index[m, k, a]] = 1
        return row

    rows, lower, upper = [], [], []
    for shown, parts in ((whole, ("vbe", "other")), (vbe, ("vbe",))):
        for (muni, kind), text in shown.items():
            if muni not in [*MUNIS, "total"]:
                continue
            rows.append(row_of(muni, kind, parts))
            lo, hi = (int(text), int(text)) if text.isdigit() else (1, np.inf)
            lower.append(lo)
            upper.append(hi)
    constraint = LinearConstraint(np.vstack(rows), lower, upper)
    out = {}
    for muni, kind in itertools.product([*MUNIS, "total"], [*KINDS, "total"]):
        objective = row_of(muni, kind, ("other",))
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                constraints=[constraint],
                integrality=np.ones(len(cells)),
                bounds=Bounds(0, 10_000),
            )
            assert result.status == 0
            ends.append(round(sign * result.fun))
        out[muni, kind] = (ends[0], ends[1])
    return out


def test_the_whole_view_minus_the_vbe_view_proves_no_count_outside_vbe_small(two_views):
    agera = user_with_role(Role.AGERA)
    half = figures.half_year(2026, 2)
    vbe = report_build(report_request(by=agera, scope=Scope.VBE, period=half), with_pdf=False)
    whole = built(two_views, half)
    assert vbe.status == ReportStatus.DONE, vbe.error
    bounds = attack_outside_vbe(published(whole), published(vbe))
    for (muni, kind), (lo, hi) in bounds.items():
        picked = [m for m in MUNIS if muni in (m, "total")]
        true = sum(OUTSIDE[m][k] for m in picked for k in range(4) if kind in (KINDS[k], "total"))
        assert lo <= true <= hi
        if 0 < true < 5:
            assert hi >= 5, f"{muni} {kind} outside VBE: proved at most {hi}"


def test_the_csv_checks_each_text_once_and_still_quotes_a_formula(world):
    """`figures_csv` checks each distinct cell once per CSV (`output._checked_once`): the same
    text as checking every cell, a formula quoted, 1 and True told apart."""
    report = built(world, figures.half_year(2026, 2))
    data = report.figures_data
    data["municipalities"][0]["name"] = "=SUM(A1)"
    text = figures_csv(data)
    with patch("reports.output._checked_once", lambda: safe_cell):
        assert figures_csv(data) == text
    assert "'=SUM(A1)" in text
    cell = _checked_once()
    assert [cell(1), cell(True), cell(1), cell("+1")] == ["1", "True", "1", "'+1"]
