"""The report's figures as they were computed before the build read its facts once (each period
and scope queried on its own, planned contacts stepped one by one, no stored trend): the
reference the tests compare the faster build with, cell by cell. Frozen; not used by the app.

The report service: aggregated figures for a period and a scope, suppressed and audited.

Reads attributes only, never case text: each kind of unit (cases, escalations, measures, …) is
read in one `values()` query with every attribute a table uses, so the number of queries does not
grow with the number of cases. The tables are cut from the units in Python; every count of a
report and of the reports linked to it (the same calendar year, both scopes: see `linked_periods`)
is one system of cells over the same units (reports/suppression.py), suppressed together, with the
differences of the two scopes (`OUTSIDE_VBE`) guarded, and the result is a plain dict that
`canonical()` turns into the same bytes every time.

Periods come from a fixed grid: calendar half-years and years. Medians and percentiles are
published from at least `REPORT_STATISTIC_MINIMUM` (10) values, rounded to whole units; a share
only where its numerator and denominator are published counts of the same report.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import math
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.choices import OrganisationKind
from accounts.organisations import Organisation
from cases.choices import CaseStatus, EscalationKind, MeasureKind, MeasureStatus
from cases.lifecycle import OPEN_STATUSES
from cases.models import Case, Contact, EarlyClosure, Escalation, FollowUpPlan, Measure, Transition
from cases.models.followup import minimum_end, planned_contacts
from councils.choices import ActivityStatus, Area, BodyKind, PriorityOutcome
from councils.models import Medskick, Priority, PromiseActivity
from meetings.choices import MeetingStatus
from meetings.models import Meeting, SituationReport
from reports.models import PeriodKind, Report, ReportStatus, Scope
from reports.suppression import Cell, Ratio, System, differences, protect, threshold

FORMAT = 2
TOTAL = "total"
Progress = Callable[[int], None]

# Statuses in the order of the life cycle (open ones only for "open by state").
OPEN_ORDER = [s for s in CaseStatus.values if s in OPEN_STATUSES]
AREA_ORDER = [Area.ANDT.value, Area.CRIME.value, Area.VBE.value]
MONTH_DAYS = 30.4375


# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start, end + 1 day) in the local time zone."""
        tz = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return first, after

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == PeriodKind.YEAR:
            return year(self.start.year - 1)
        first = self.start.month == 1
        return half_year(self.start.year - 1 if first else self.start.year, 2 if first else 1)

    @property
    def on_grid(self) -> bool:
        """A calendar year or half-year: the only periods a report may cover."""
        if self.kind == PeriodKind.YEAR:
            return self == year(self.start.year)
        if self.kind == PeriodKind.HALF_YEAR:
            return self in (half_year(self.start.year, 1), half_year(self.start.year, 2))
        return False

    @property
    def tag(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


def half_year(y: int, half: int) -> Period:
    if half == 1:
        return Period(PeriodKind.HALF_YEAR, datetime.date(y, 1, 1), datetime.date(y, 6, 30))
    return Period(PeriodKind.HALF_YEAR, datetime.date(y, 7, 1), datetime.date(y, 12, 31))


def year(y: int) -> Period:
    return Period(PeriodKind.YEAR, datetime.date(y, 1, 1), datetime.date(y, 12, 31))


def linked_periods(period: Period) -> list[Period]:
    """The periods whose reports are suppressed together with `period`'s: its calendar year and
    the year's two halves (each in both scopes)."""
    y = period.start.year
    return [year(y), half_year(y, 1), half_year(y, 2)]


def last_half_years(today: datetime.date, count: int) -> list[Period]:
    """The `count` last half-years that have ended by `today`, newest first."""
    current = half_year(today.year, 1 if today.month <= 6 else 2)
    out = [current.previous()]
    while len(out) < count:
        out.append(out[-1].previous())
    return out


# --- Small statistics --------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p per cent at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def statistic_minimum() -> int:
    return int(getattr(settings, "REPORT_STATISTIC_MINIMUM", 10))


def statistic(values: Sequence[float], fn: Callable[[Sequence[float]], float]) -> dict[str, Any]:
    """A median or percentile over `values`, in whole units; hidden below the minimum count."""
    if len(values) < statistic_minimum():
        return {"v": None, "s": "n"}
    return {"v": round(fn(values))}


def share(numerator: dict[str, Any], denominator: dict[str, Any]) -> dict[str, Any]:
    """Per cent, one decimal, from two published cells of the report; hidden unless both are
    published and the denominator is not zero (the audit reads it back as a constraint)."""
    if numerator.get("s") or denominator.get("s") or not denominator["v"]:
        return {"v": None, "s": "h"}
    return {"v": round(100 * numerator["v"] / denominator["v"], 1)}


# --- Tables cut from units ------------------------------------------------------------------


@dataclass
class TableSpec:
    """How to cut one table from a unit's rows (one dict per unit, with its "id" and "row").

    `keep` chooses the units counted; `columns` gives the columns a unit counts in (a case in two
    areas counts in both, once in the total). `total_column` adds the row's total.
    """

    key: str
    columns: list[str]
    pick: Callable[[dict[str, Any]], Iterable[str]]
    keep: Callable[[dict[str, Any]], bool] = lambda p: True
    total_column: bool = True
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    """A report's protected counts before suppression, and the tables' shapes."""

    cells: list[Cell] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)

    def add(self, draft: Draft) -> None:
        self.cells += draft.cells
        self.tables += draft.tables


def cut_tables(
    unit: str, units: list[dict[str, Any]], specs: list[TableSpec], rows: list[str]
) -> Draft:
    """The counts of tables over one kind of unit; each cell knows the units it counts."""
    draft = Draft()
    for spec in specs:
        columns = spec.columns + ([TOTAL] if spec.total_column else [])
        members: dict[tuple[str, str], set[Any]] = {
            (r, c): set() for r in [*rows, TOTAL] for c in columns
        }
        for u in units:
            if not spec.keep(u) or u["row"] not in rows:
                continue
            picked = [c for c in spec.pick(u) if c in spec.columns]
            targets = picked + ([TOTAL] if spec.total_column else [])
            for col in targets:
                members[(u["row"], col)].add((unit, u["id"]))
                members[(TOTAL, col)].add((unit, u["id"]))
        for (r, c), ids in members.items():
            draft.cells.append(Cell(f"{spec.key}|{r}|{c}", len(ids), frozenset(ids)))
        draft.tables.append(
            {
                "key": spec.key,
                "unit": unit,
                "protected": True,
                "rows": [*rows, TOTAL],
                "columns": columns,
                "labels": spec.labels,
            }
        )
    return draft


def fill(table: dict[str, Any], values: dict[str, int], hidden: set[str]) -> dict[str, Any]:
    """A protected table as published: its counts, ".." for the hidden ones."""
    grid = []
    for r in table["rows"]:
        line: list[dict[str, Any]] = []
        for c in table["columns"]:
            key = f"{table['key']}|{r}|{c}"
            line.append({"v": None, "s": "h"} if key in hidden else {"v": values[key]})
        grid.append(line)
    return {**table, "cells": grid}


def plain_table(
    key: str, unit: str, rows: list[str], columns: list[str], counts: dict[tuple[str, str], int]
) -> dict[str, Any]:
    """A table of figures that count no person (meetings, medskick, priorities): not suppressed."""
    return {
        "key": key,
        "unit": unit,
        "protected": False,
        "rows": rows,
        "columns": columns,
        "labels": {},
        "cells": [[{"v": counts.get((r, c), 0)} for c in columns] for r in rows],
    }


# --- The report --------------------------------------------------------------------------------


@dataclass
class Context:
    scope: str
    period: Period
    municipalities: list[Organisation]

    @property
    def rows(self) -> list[str]:
        return [m.code for m in self.municipalities]

    def case_filter(self, prefix: str = "") -> Q:
        """Cases in scope (VBE only for Agera), owned by a municipality in the report."""
        q = Q(**{f"{prefix}municipality__in": self.municipalities})
        if self.scope == Scope.VBE:
            q &= Q(**{f"{prefix}areas__contains": f",{Area.VBE},"})
        return q

    @property
    def areas(self) -> list[str]:
        return [Area.VBE.value] if self.scope == Scope.VBE else AREA_ORDER


def areas_of(encoded: str) -> list[str]:
    return [a for a in encoded.split(",") if a]


@dataclass(frozen=True)
class Closure:
    """A case closed in the period. `planned_from`: its follow-up plan's start (the minimum
    period applies only with a plan); `followed_from`: that, else its first move into
    follow-up, else None (closed without follow-up)."""

    pk: int
    row: str
    closed_on: datetime.date
    planned_from: datetime.date | None
    followed_from: datetime.date | None
    decision: bool

    @property
    def early(self) -> bool:
        """Closed before the minimum follow-up period (the rule of cases/services.py)."""
        return self.planned_from is not None and self.closed_on < minimum_end(self.planned_from)

    @property
    def met_minimum(self) -> bool:
        start = self.followed_from
        return start is not None and self.closed_on >= minimum_end(start)

    @property
    def months(self) -> float:
        start = self.followed_from
        return max(0, (self.closed_on - start).days) / MONTH_DAYS if start else 0.0


def _reusable(read: Callable[[Context], list[Any]]) -> Callable[[Context], list[Any]]:
    """Within `reusing_counts()` (below), `read` of a scope and period is done once and handed
    out again: the report's counts, its kept cadences and its trend ask for the same closures
    and follow-ups (a saving for the tests only, like `counts`'s)."""

    @functools.wraps(read)
    def reused(ctx: Context) -> list[Any]:
        if _reused is None:
            return read(ctx)
        key = (read.__name__, ctx.scope, ctx.period, tuple(m.pk for m in ctx.municipalities))
        if key not in _reused:
            _reused[key] = read(ctx)
        return list(_reused[key])

    return reused


@_reusable
def closures(ctx: Context) -> list[Closure]:
    """The cases closed in the period, in one query."""
    first, after = ctx.period.bounds()
    closing = Transition.objects.filter(
        case=OuterRef("pk"), to_status=CaseStatus.CLOSED, at__gte=first, at__lt=after
    ).order_by("-at", "-pk")
    rows = (
        Case.objects.filter(ctx.case_filter())
        .annotate(closed_at=Subquery(closing.values("at")[:1]))
        .filter(closed_at__isnull=False)
        .annotate(
            entered=Min("transitions__at", filter=Q(transitions__to_status=CaseStatus.FOLLOW_UP)),
            decision=Exists(EarlyClosure.objects.filter(case=OuterRef("pk"))),
        )
        .values_list(
            "pk",
            "municipality__code",
            "closed_at",
            "followup_plan__started_on",
            "entered",
            "decision",
        )
        .order_by("pk")
    )
    out = []
    for pk, row, closed_at, planned_from, entered, decision in rows:
        entered_on = timezone.localtime(entered).date() if entered else None
        out.append(
            Closure(
                pk,
                row,
                timezone.localtime(closed_at).date(),
                planned_from,
                planned_from or entered_on,
                bool(decision),
            )
        )
    return out


def case_tables(ctx: Context) -> Draft:
    """The case tables, and the counts behind the shares of Långsiktighet ("follow_up")."""
    first, after = ctx.period.bounds()
    closed = {c.pk: c for c in closures(ctx)}
    kept = {pk: ok for pk, _row, ok in kept_cadence(ctx)}
    at_end = Transition.objects.filter(case=OuterRef("pk"), at__lt=after).order_by("-at", "-pk")
    in_period = Transition.objects.filter(case=OuterRef("pk"), at__gte=first, at__lt=after)
    flag = lambda q: ExpressionWrapper(q, output_field=BooleanField())  # noqa: E731
    units = list(
        Case.objects.filter(ctx.case_filter(), reported_at__lt=after)
        .annotate(
            row=F("municipality__code"),
            state=Coalesce(Subquery(at_end.values("to_status")[:1]), F("status")),
            new=flag(Q(reported_at__gte=first)),
            closed=Exists(in_period.filter(to_status=CaseStatus.CLOSED)),
            reopened=Exists(in_period.filter(from_status=CaseStatus.CLOSED)),
        )
        .values("id", "row", "areas", "state", "new", "closed", "reopened")
        .order_by("id")
    )
    for u in units:
        closure = closed.get(u["id"])
        u["early_with"] = bool(closure and closure.early and closure.decision)
        u["early_without"] = bool(closure and closure.early and not closure.decision)
        u["met_minimum"] = bool(closure and closure.met_minimum)
        u["followed"] = u["id"] in kept
        u["kept_cadence"] = kept.get(u["id"], False)
    is_open = lambda p: p["state"] in OPEN_STATUSES  # noqa: E731
    follow_up = ["met_minimum", "followed", "kept_cadence"]
    specs = [
        TableSpec("cases_new", ctx.areas, lambda p: areas_of(p["areas"]), keep=lambda p: p["new"]),
        TableSpec(
            "cases_flow",
            ["new", "closed", "reopened"],
            lambda p: [k for k in ("new", "closed", "reopened") if p[k]],
            total_column=False,
        ),
        TableSpec("cases_open", OPEN_ORDER, lambda p: [p["state"]], keep=is_open),
        TableSpec("cases_open_area", ctx.areas, lambda p: areas_of(p["areas"]), keep=is_open),
        TableSpec(
            "closures",
            ["with_decision", "without_decision"],
            lambda p: ["with_decision"] if p["early_with"] else ["without_decision"],
            keep=lambda p: p["early_with"] or p["early_without"],
        ),
        TableSpec(
            "follow_up",
            follow_up,
            lambda p: [k for k in follow_up if p[k]],
            keep=lambda p: p["met_minimum"] or p["followed"],
            total_column=False,
        ),
    ]
    return cut_tables("cases", units, specs, ctx.rows)


# The shares of Långsiktighet: (figure, numerator cell, denominator cell) per row.
SHARES = {
    "met_minimum": (("follow_up", "met_minimum"), ("cases_flow", "closed")),
    "kept_cadence": (("follow_up", "kept_cadence"), ("follow_up", "followed")),
}


def share_cells(name: str, row: str) -> tuple[str, str]:
    (nt, nc), (dt, dc) = SHARES[name]
    return f"{nt}|{row}|{nc}", f"{dt}|{row}|{dc}"


@_reusable
def followed(
    ctx: Context,
) -> list[tuple[int, str, datetime.date, list[dict[str, Any]], datetime.date]]:
    """Cases followed up in the period: a plan started by its end, and in follow-up at the end
    or closed during it. (case id, row, follow-up start, cadence, last day followed in the
    period: its end, or the closing day); one query."""
    first, after = ctx.period.bounds()
    at_end = Transition.objects.filter(case=OuterRef("case"), at__lt=after).order_by("-at", "-pk")
    closed_in = Transition.objects.filter(
        case=OuterRef("case"), to_status=CaseStatus.CLOSED, at__gte=first, at__lt=after
    )
    rows = (
        FollowUpPlan.objects.filter(ctx.case_filter("case__"), started_on__lte=ctx.period.end)
        .annotate(
            state=Coalesce(Subquery(at_end.values("to_status")[:1]), F("case__status")),
            closed_at=Subquery(closed_in.order_by("-at", "-pk").values("at")[:1]),
        )
        .filter(Q(state=CaseStatus.FOLLOW_UP) | Q(closed_at__isnull=False))
        .values_list("case_id", "case__municipality__code", "started_on", "cadence", "closed_at")
        .order_by("case_id")
    )
    return [
        (pk, row, start, cadence, timezone.localtime(closed).date() if closed else ctx.period.end)
        for pk, row, start, cadence, closed in rows
    ]


def contact_table(ctx: Context) -> Draft:
    """Contacts held in the period against those the cadences planned in it, per municipality.

    Held contacts and planned contacts are two different kinds of unit (no sum links them); a
    planned contact is the case and the day it was due.
    """
    held = list(
        Contact.objects.filter(
            ctx.case_filter("case__"), on__gte=ctx.period.start, on__lte=ctx.period.end
        )
        .annotate(row=F("case__municipality__code"))
        .values("id", "row")
        .order_by("id")
    )
    planned: list[dict[str, Any]] = []
    for pk, row, started_on, cadence, last in followed(ctx):
        days = planned_contacts(cadence, started_on, months=_months_until(started_on, last))
        planned += [{"id": (pk, d), "row": row} for d in days if ctx.period.start <= d <= last]
    spec = lambda key: [TableSpec("contacts", [key], lambda p: [key], total_column=False)]  # noqa: E731
    draft = cut_tables("contacts", held, spec("held"), ctx.rows)
    plan = cut_tables("planned_contacts", planned, spec("planned"), ctx.rows)
    draft.cells += plan.cells
    draft.tables[0]["columns"] = ["held", "planned"]
    return draft


def _months_until(start: datetime.date, end: datetime.date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month + 1)


def kept_cadence(ctx: Context) -> list[tuple[int, str, bool]]:
    """For each case followed up in the period (id, row): whether the contacts held from the
    start of its follow-up to the period's end are at least as many as its cadence planned."""
    cases = followed(ctx)
    held = dict(
        Contact.objects.filter(case_id__in=[c[0] for c in cases], on__lte=ctx.period.end)
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    out = []
    for pk, row, started_on, cadence, last in cases:
        days = planned_contacts(cadence, started_on, months=_months_until(started_on, last))
        due = sum(1 for d in days if d <= last)
        out.append((pk, row, held.get(pk, 0) >= due))
    return out


def escalation_tables(ctx: Context) -> Draft:
    first, after = ctx.period.bounds()
    units = list(
        Escalation.objects.filter(
            ctx.case_filter("case__"), created_at__gte=first, created_at__lt=after
        )
        .annotate(row=F("case__municipality__code"))
        .values("id", "row", "kind")
        .order_by("id")
    )
    spec = TableSpec("escalations_kind", list(EscalationKind.values), lambda p: [p["kind"]])
    return cut_tables("escalations", units, [spec], ctx.rows)


def acknowledge_medians(ctx: Context) -> dict[str, Any]:
    """Median days from escalation to acknowledgement, by receiver kind."""
    first, after = ctx.period.bounds()
    rows = Escalation.objects.filter(
        ctx.case_filter("case__"),
        created_at__gte=first,
        created_at__lt=after,
        acknowledged_at__isnull=False,
    ).values_list("kind", "created_at", "acknowledged_at")
    by_kind: dict[str, list[float]] = {k: [] for k in [*EscalationKind.values, TOTAL]}
    for kind, created, acknowledged in rows:
        if acknowledged is None:
            continue
        days = (acknowledged - created).total_seconds() / 86400
        by_kind[kind].append(days)
        by_kind[TOTAL].append(days)
    return {"by_kind": {k: statistic(v, median) for k, v in by_kind.items()}}


def measure_tables(ctx: Context) -> Draft:
    """Measures under way at some time in the period (actual dates, else planned ones)."""
    start = Coalesce("actual_start", "planned_start")
    end = Coalesce("actual_end", "planned_end")
    units = list(
        Measure.objects.filter(ctx.case_filter("case__"))
        .exclude(status=MeasureStatus.CANCELLED)
        .annotate(row=F("case__municipality__code"), began=start, ended=end)
        .filter(began__lte=ctx.period.end)
        .filter(Q(ended__isnull=True) | Q(ended__gte=ctx.period.start))
        .values("id", "row", "kind", "responsible__code")
        .order_by("id")
    )
    responsible = sorted({p["responsible__code"] for p in units})
    names = dict(Organisation.objects.filter(code__in=responsible).values_list("code", "name"))
    specs = [
        TableSpec("measures_kind", list(MeasureKind.values), lambda p: [p["kind"]]),
        TableSpec(
            "measures_responsible",
            responsible,
            lambda p: [p["responsible__code"]],
            labels={c: names.get(c, c) for c in responsible},
        ),
    ]
    return cut_tables("measures", units, specs, ctx.rows)


def medskick_table(ctx: Context) -> dict[str, Any]:
    first, after = ctx.period.bounds()
    items = Medskick.objects.all()
    if ctx.scope == Scope.VBE:
        items = items.filter(area=Area.VBE)
    open_at_end = Q(sent_at__lt=after) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    counts: dict[tuple[str, str], int] = {}
    for row in (
        items.values("area")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__gte=first, sent_at__lt=after)),
            answered=Count("pk", filter=Q(answered_at__gte=first, answered_at__lt=after)),
            open=Count("pk", filter=open_at_end),
        )
        .order_by("area")
    ):
        for column in ("sent", "answered", "open"):
            counts[(row["area"], column)] = row[column]
            counts[(TOTAL, column)] = counts.get((TOTAL, column), 0) + row[column]
    return plain_table(
        "medskick", "medskick", [*ctx.areas, TOTAL], ["sent", "answered", "open"], counts
    )


def priority_table(ctx: Context) -> dict[str, Any]:
    items = Priority.objects.filter(year__gte=ctx.period.start.year, year__lte=ctx.period.end.year)
    if ctx.scope == Scope.VBE:
        items = items.filter(area=Area.VBE)
    counts: dict[tuple[str, str], int] = {}
    for area, outcome, n in (
        items.values("area", "outcome").annotate(n=Count("pk")).values_list("area", "outcome", "n")
    ):
        for r in (area, TOTAL):
            counts[(r, outcome)] = counts.get((r, outcome), 0) + n
    return plain_table(
        "priorities", "priorities", [*ctx.areas, TOTAL], list(PriorityOutcome.values), counts
    )


def activity_table(ctx: Context) -> dict[str, Any]:
    """Medborgarlöften activities due in the period, by municipality and status."""
    counts: dict[tuple[str, str], int] = {}
    for code, status, n in (
        PromiseActivity.objects.filter(
            promise__municipality__in=ctx.municipalities,
            due_date__gte=ctx.period.start,
            due_date__lte=ctx.period.end,
        )
        .values("promise__municipality__code", "status")
        .annotate(n=Count("pk"))
        .values_list("promise__municipality__code", "status", "n")
    ):
        for r in (code, TOTAL):
            counts[(r, status)] = counts.get((r, status), 0) + n
    return plain_table(
        "activities", "activities", [*ctx.rows, TOTAL], list(ActivityStatus.values), counts
    )


HELD = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


def meeting_tables(ctx: Context) -> list[dict[str, Any]]:
    """Meetings held against planned per body, and lägesbilder submitted against expected.

    Planned: every meeting scheduled in the period (a cancelled one was planned too). Expected:
    a lägesbild from each municipality, and from each partner that brought one in the period,
    for every working-group meeting held in the period.
    """
    first, after = ctx.period.bounds()
    in_period = Meeting.objects.filter(starts_at__gte=first, starts_at__lt=after)
    rows = list(
        in_period.values("body__name", "body__kind")
        .annotate(planned=Count("pk"), held=Count("pk", filter=Q(status__in=HELD)))
        .order_by("body__kind", "body__name")
    )
    bodies = [r["body__name"] for r in rows]
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        for column in ("held", "planned"):
            counts[(r["body__name"], column)] = r[column]
            counts[(TOTAL, column)] = counts.get((TOTAL, column), 0) + r[column]
    meetings = plain_table("meetings", "meetings", [*bodies, TOTAL], ["held", "planned"], counts)
    meetings["labels"] = {b: b for b in bodies}
    held_wg = in_period.filter(body__kind=BodyKind.WORKING_GROUP, status__in=HELD)
    expected = held_wg.count()
    submitted = dict(
        SituationReport.objects.filter(meeting__in=held_wg)
        .values("organisation__code")
        .annotate(n=Count("pk"))
        .values_list("organisation__code", "n")
    )
    names = dict(Organisation.objects.filter(code__in=submitted).values_list("code", "name"))
    partners = sorted(c for c in submitted if c not in ctx.rows)
    reporters = [*ctx.rows, *partners]
    pictures: dict[tuple[str, str], int] = {}
    for code in reporters:
        pictures[(code, "submitted")] = submitted.get(code, 0)
        pictures[(code, "expected")] = expected
    pictures[(TOTAL, "submitted")] = sum(submitted.get(c, 0) for c in reporters)
    pictures[(TOTAL, "expected")] = expected * len(reporters)
    table = plain_table(
        "pictures", "meetings", [*reporters, TOTAL], ["submitted", "expected"], pictures
    )
    table["labels"] = {c: names[c] for c in partners}
    return [meetings, table]


# --- The two measures of success ---------------------------------------------------------------


def start_fast(ctx: Context) -> dict[str, Any]:
    """Days from reported to the first measure started and to the first escalation acknowledged,
    over the cases reported in the period: median and 90th percentile, overall and per row."""
    first, after = ctx.period.bounds()
    rows = (
        Case.objects.filter(ctx.case_filter(), reported_at__gte=first, reported_at__lt=after)
        .annotate(
            first_measure=Min("measures__actual_start"),
            first_ack=Min("escalations__acknowledged_at"),
        )
        .values_list("municipality__code", "reported_at", "first_measure", "first_ack")
    )
    measure: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    ack: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    for code, reported, first_measure, first_ack in rows:
        reported_day = timezone.localtime(reported).date()
        for r in (code, TOTAL):
            if first_measure is not None:
                measure[r].append(float(max(0, (first_measure - reported_day).days)))
            if first_ack is not None:
                ack[r].append(max(0.0, (first_ack - reported).total_seconds() / 86400))
    p90 = lambda v: percentile(v, 90)  # noqa: E731
    return {
        "to_measure": {
            r: {"median": statistic(v, median), "p90": statistic(v, p90)}
            for r, v in measure.items()
        },
        "to_acknowledged": {
            r: {"median": statistic(v, median), "p90": statistic(v, p90)} for r, v in ack.items()
        },
    }


def last_long(ctx: Context) -> dict[str, Any]:
    """Over the cases closed in the period: median months in follow-up (start to closing). The
    two shares come from the report's own published counts (see `shares`)."""
    months: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    for closure in closures(ctx):
        for r in (closure.row, TOTAL):
            if r in months:
                months[r].append(closure.months)
    return {"months_in_follow_up": {r: statistic(v, median) for r, v in months.items()}}


def shares(tables: list[dict[str, Any]], rows: list[str]) -> dict[str, dict[str, Any]]:
    """Each share of Långsiktighet per row, from the published cells it divides."""
    cells: dict[str, dict[str, Any]] = {}
    for t in tables:
        for r, line in zip(t["rows"], t["cells"], strict=True):
            for c, cell in zip(t["columns"], line, strict=True):
                cells[f"{t['key']}|{r}|{c}"] = cell
    return {
        name: {r: share(*(cells[k] for k in share_cells(name, r))) for r in [*rows, TOTAL]}
        for name in SHARES
    }


def archived_shares(scope: str, periods: list[Period]) -> dict[Period, dict[str, Any]]:
    """The shares the archive published for earlier periods (one query): a trend repeats them
    and never computes a share anew."""
    found: dict[Period, dict[str, Any]] = {}
    reports = Report.objects.filter(
        scope=scope,
        status=ReportStatus.DONE,
        period_kind__in=[p.kind for p in periods],
        start__in=[p.start for p in periods],
    ).values_list("period_kind", "start", "end", "figures")
    for kind, start, end, text in reports:
        data = json.loads(text)
        if data.get("format") == FORMAT:
            last = data["measures"]["current"]["last_long"]
            found[Period(kind, start, end)] = {name: last[name] for name in SHARES}
    return found


def success_measures(ctx: Context, current: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Snabb start and Långsiktighet for the period and the four before it (oldest first)."""
    periods = [ctx.period]
    for _i in range(4):
        periods.append(periods[-1].previous())
    archived = archived_shares(ctx.scope, periods[1:])
    hidden = {r: {"v": None, "s": "h"} for r in [*ctx.rows, TOTAL]}
    trend = []
    for period in reversed(periods):
        sub = Context(ctx.scope, period, ctx.municipalities)
        long = last_long(sub)
        got = current if period == ctx.period else archived.get(period, {})
        for name in SHARES:
            long[name] = {r: got.get(name, hidden).get(r, hidden[r]) for r in hidden}
        trend.append({"period": period.as_dict(), "start_fast": start_fast(sub), "last_long": long})
    return {"trend": trend, "current": trend[-1]}


# --- Putting it together -----------------------------------------------------------------------


def municipalities() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, is_active=True).order_by(
            "name"
        )
    )


# The prefix of the counts outside violent extremism: the whole view's minus the VBE view's.
OUTSIDE_VBE = "outside_vbe"


def tag(scope: str, period: Period) -> str:
    """The prefix of a report's cell keys in the system of linked reports."""
    return f"{scope}/{period.tag}/"


def counts(ctx: Context) -> Draft:
    """Every count of a report that counts people (the protected tables), unsuppressed."""
    key = (ctx.scope, ctx.period, tuple(m.pk for m in ctx.municipalities))
    if _reused is not None and key in _reused:
        kept = _reused[key]
        return Draft(list(kept.cells), list(kept.tables))
    draft = case_tables(ctx)
    draft.add(contact_table(ctx))
    draft.add(escalation_tables(ctx))
    draft.add(measure_tables(ctx))
    if _reused is not None:
        _reused[key] = Draft(list(draft.cells), list(draft.tables))
    return draft


# Not part of the old computation, only a saving for the tests: within `reusing_counts()` (where
# the caller promises that no case, contact, escalation or measure changes) `counts` of a scope
# and period is computed once and handed out again, instead of once per report that links it
# (and so are `closures` and `followed`, see `_reusable`).
_reused: dict[tuple[Any, ...], Any] | None = None


@contextlib.contextmanager
def reusing_counts() -> Iterator[None]:
    global _reused
    outer, _reused = _reused, {}
    try:
        yield
    finally:
        _reused = outer


@dataclass(frozen=True)
class Linked:
    """A linked report already published, as its CSV reads: counts, hidden cells, shares."""

    scope: str
    period: Period
    values: dict[str, int]
    hidden: frozenset[str]
    ratios: tuple[Ratio, ...]


@dataclass
class LinkedSystem:
    """The cells of a report and of every report linked to it, with what those published
    (keys prefixed by each report's tag); `unmarked`: the counts of linked reports not published
    (yet), and those outside violent extremism of each period (the whole view minus the VBE
    view, tag `OUTSIDE_VBE`), which the attacker must not prove small either."""

    system: System
    published: dict[str, int]
    hidden: set[str]
    ratios: list[Ratio]
    unmarked: list[str]


def linked_system(
    munis: list[Organisation],
    own: tuple[str, Period] | None,
    draft: Draft,
    linked: Sequence[Linked],
) -> LinkedSystem:
    cells: list[Cell] = []
    unmarked: list[str] = []
    done: dict[tuple[str, Period], list[Cell]] = {}
    if own is not None:
        prefix = tag(*own)
        cells += [Cell(prefix + c.key, c.value, c.members) for c in draft.cells]
        done[own] = draft.cells
    for other in linked:
        pre = tag(other.scope, other.period)
        theirs = counts(Context(other.scope, other.period, munis))
        cells += [Cell(pre + c.key, c.value, c.members) for c in theirs.cells]
        done[(other.scope, other.period)] = theirs.cells
    published, hidden, ratios = knowledge(linked)
    years = {p.start.year for _s, p in done}
    for y in sorted(years):
        for period in linked_periods(year(y)):
            for scope in Scope.values:
                if (scope, period) in done:
                    continue
                pre = tag(scope, period)
                theirs = counts(Context(scope, period, munis))
                cells += [Cell(pre + c.key, c.value, c.members) for c in theirs.cells]
                unmarked += [pre + c.key for c in theirs.cells]
                done[(scope, period)] = theirs.cells
            # The whole view minus the VBE view: a table never published, guarded all the same.
            outside = differences(
                tag(OUTSIDE_VBE, period), done[(Scope.ALL, period)], done[(Scope.VBE, period)]
            )
            cells += outside
            unmarked += [c.key for c in outside]
    reports = [c.key for c in cells if not c.key.startswith(OUTSIDE_VBE)]
    return LinkedSystem(System(cells, floors=reports), published, hidden, ratios, unmarked)


def knowledge(linked: Sequence[Linked]) -> tuple[dict[str, int], set[str], list[Ratio]]:
    """What published reports tell the attacker, keys prefixed by each report's tag."""
    published: dict[str, int] = {}
    hidden: set[str] = set()
    ratios: list[Ratio] = []
    for other in linked:
        pre = tag(other.scope, other.period)
        published.update({pre + k: v for k, v in other.values.items()})
        hidden.update(pre + k for k in other.hidden)
        ratios += [
            Ratio(pre + r.numerator, pre + r.denominator, r.value, r.half_width)
            for r in other.ratios
        ]
    return published, hidden, ratios


def build(
    scope: str,
    period: Period,
    progress: Progress | None = None,
    *,
    linked: Sequence[Linked] = (),
    protected: bool = True,
) -> dict[str, Any]:
    """Every figure of one report, its counts suppressed together with the linked reports
    already published (raises DisclosureError if no suppression protects them).

    `protected=False` publishes every count (only to show that the audit refuses it)."""
    return build_joint(scope, period, progress, linked=linked, protected=protected)[0]


def build_joint(
    scope: str,
    period: Period,
    progress: Progress | None = None,
    *,
    linked: Sequence[Linked] = (),
    protected: bool = True,
) -> tuple[dict[str, Any], LinkedSystem]:
    """`build`, and the system of linked cells it was protected in (for the release audit)."""
    step = progress or (lambda _p: None)
    munis = municipalities()
    ctx = Context(scope, period, munis)
    draft = counts(ctx)
    step(25)
    prefix = tag(scope, period)
    joint = linked_system(munis, (scope, period), draft, linked)
    own = {prefix + c.key for c in draft.cells}
    mine: set[str] = set()
    if protected:
        mine = protect(
            joint.system,
            free=own,
            fixed_hidden=joint.hidden,
            fixed_published=joint.published,
            ratios=joint.ratios,
            unmarked=joint.unmarked,
        )
    step(45)
    values = {c.key: c.value for c in draft.cells}
    hide = {k[len(prefix) :] for k in mine}
    tables = [fill(t, values, hide) for t in draft.tables]
    tables.append(medskick_table(ctx))
    tables.append(priority_table(ctx))
    if scope == Scope.ALL:
        tables.append(activity_table(ctx))
        tables += meeting_tables(ctx)
    step(55)
    medians = acknowledge_medians(ctx)
    measures = success_measures(ctx, shares(tables, ctx.rows))
    step(75)
    data = {
        "format": FORMAT,
        "scope": scope,
        "period": period.as_dict(),
        "threshold": threshold(),
        "statistic_minimum": statistic_minimum(),
        "municipalities": [{"code": m.code, "name": m.name} for m in munis],
        "tables": tables,
        "acknowledge_median_days": medians,
        "measures": measures,
    }
    return data, joint


def canonical(figures: dict[str, Any]) -> str:
    """The one serialisation: sorted keys, no spaces, ASCII; the same figures, the same bytes."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
