"""The report service: aggregated figures for a period and a scope, suppressed and audited.

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

import bisect
import datetime
import functools
import hashlib
import itertools
import json
import logging
import math
import operator
import statistics
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from accounts.choices import OrganisationKind
from accounts.organisations import Organisation
from cases.choices import CaseStatus, EscalationKind, MeasureKind, MeasureStatus
from cases.lifecycle import OPEN_STATUSES
from cases.models import Case, Contact, EarlyClosure, Escalation, FollowUpPlan, Measure, Transition
from cases.models.followup import contacts_counter, minimum_end
from councils.choices import ActivityStatus, Area, BodyKind, PriorityOutcome
from councils.models import Medskick, Priority, PromiseActivity
from meetings.choices import MeetingStatus
from meetings.models import Meeting, SituationReport
from sutohamu.collector import collector_paused
from sutohamu.lazy import lazy_module

from .models import PeriodKind, Report, ReportStatus, Scope, StoredPeriod
from .suppression import (
    Cell,
    Ratio,
    System,
    consistent,
    differences,
    protect,
    size,
    threshold,
)

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy", globals(), "np")

log = logging.getLogger(__name__)
T = TypeVar("T")

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
    """A report's protected counts before suppression, and the tables' shapes.

    `zeros`: the keys of the counts that count nothing, kept apart from `cells` (a national
    report's 291 x 291 table of measures by responsible organisation is 99 % zeros: 764,072 of
    the linked system's 852,048 cells)."""

    cells: list[Cell] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    zeros: list[str] = field(default_factory=list)

    def add(self, draft: Draft) -> None:
        self.cells += draft.cells
        self.tables += draft.tables
        self.zeros += draft.zeros

    def values(self) -> dict[str, int]:
        """Every count by key, zeros included."""
        found = dict.fromkeys(self.zeros, 0)
        found.update((c.key, c.value) for c in self.cells)
        return found


# Each kind of unit's number: a unit is one integer, `unit_id`, so that the system of cells
# (reports/suppression.py) groups millions of memberships as integers, not as tuples.
UNIT_KINDS = {
    "cases": 1,
    "contacts": 2,
    "planned_contacts": 3,
    "escalations": 4,
    "measures": 5,
    "group": 15,  # units that every linked report counts alike, as one (`Facts.group`)
}
_KIND_SHIFT = 56  # the kind in the top bits, the row's id below (ids stay under 2**36)
_PLACE_BITS = 20  # a planned contact: its case's id, then its place in the plan (under 2**20)


def _case_group_counts(
    cases: Sequence[tuple[Any, ...]],
    cut: Sequence[tuple[int, int, dict[int, int]]],
    rests: Sequence[tuple[bool, ...]],
) -> list[tuple[tuple[str, Any, tuple[tuple[int, tuple[Any, ...]], ...]], int]]:
    """The cases' groups for `Facts.case_groups`, with NumPy (a national build: 400,000 cases
    times three periods, a second and a half one by one): a case's attributes in each period
    that counts it (reported by its end) are coded as integers, cases of the same row, areas
    and codes are one group. Each group: (row, areas, (period, attributes) per period that
    counts it), and how many cases; by the first period that counts them, then by their first
    case (the order the cases come in)."""
    periods = len(cut)
    size = len(cases)
    if size == 0 or periods == 0:
        return []
    pks = np.fromiter((c[0] for c in cases), dtype=np.int64, count=size)
    ats = np.fromiter((c[3] for c in cases), dtype=np.int64, count=size)
    by_pk = np.argsort(pks, kind="stable")
    sorted_pks = pks[by_pk]
    places: dict[tuple[Any, Any], int] = {}
    columns = [
        np.fromiter(
            (places.setdefault((c[1], c[2]), len(places)) for c in cases),
            dtype=np.int64,
            count=size,
        )
    ]
    # Per period, a case's code: its state, whether it is new, and its other attributes' number
    # in `rests` (0: all no), as one integer; -1 where the period does not count the case.
    alike: list[dict[int, tuple[Any, ...]]] = []
    for end, start, named in cut:
        states: dict[Any, int] = {}
        state = np.fromiter(
            (states.setdefault(c[4][end], len(states)) for c in cases), dtype=np.int64, count=size
        )
        rest = np.zeros(size, dtype=np.int64)
        if named:
            keys = np.fromiter(named.keys(), dtype=np.int64, count=len(named))
            numbers = np.fromiter(named.values(), dtype=np.int64, count=len(named))
            at = np.minimum(np.searchsorted(sorted_pks, keys), size - 1)
            found = sorted_pks[at] == keys  # a case named here that the build does not count
            rest[by_pk[at[found]]] = numbers[found]
        new = ats > start
        code = (state * 2 + new) * len(rests) + rest
        code[ats > end] = -1  # reported after the period
        columns.append(code)
        names = {n: s for s, n in states.items()}
        alike.append(
            {
                int(c): (
                    names[c // (2 * len(rests))],
                    bool(c // len(rests) % 2),
                    *rests[c % len(rests)],
                )
                for c in np.unique(code[code >= 0]).tolist()
            }
        )
    matrix = np.stack(columns, axis=1)
    counted = (matrix[:, 1:] >= 0).any(axis=1)
    matrix = matrix[counted]
    first_case = np.flatnonzero(counted)
    first_period = np.argmax(matrix[:, 1:] >= 0, axis=1)
    _keys, first, count = np.unique(matrix, axis=0, return_index=True, return_counts=True)
    order = np.lexsort((first_case[first], first_period[first]))
    place_of = list(places)
    out = []
    for g in order.tolist():
        row = matrix[first[g]].tolist()
        place, codes = place_of[row[0]], row[1:]
        per = tuple((i, alike[i][c]) for i, c in enumerate(codes) if c >= 0)
        out.append(((place[0], place[1], per), int(count[g])))
    return out


def unit_id(unit: str, pk: int | tuple[int, int]) -> int:
    """One integer per unit: its kind and id (a planned contact: its case and its place)."""
    if isinstance(pk, tuple):
        case, place = pk
        pk = (case << _PLACE_BITS) | place
    return (UNIT_KINDS[unit] << _KIND_SHIFT) | pk


def cut_tables(
    unit: str, units: list[dict[str, Any]], specs: list[TableSpec], rows: list[str]
) -> Draft:
    """The counts of tables over one kind of unit; each cell knows the units it counts."""
    draft = Draft()
    known = set(rows)
    # A unit dict with "uid" and "weight" is a group of units (`Facts.group`).
    numbers = [u["uid"] if "uid" in u else unit_id(unit, u["id"]) for u in units]
    weights = {uid: u["weight"] for u, uid in zip(units, numbers, strict=True) if "weight" in u}
    for spec in specs:
        columns = spec.columns + ([TOTAL] if spec.total_column else [])
        # Only the cells that count someone get a set (most of a national table's do not).
        members: dict[str, dict[str, set[int]]] = {r: {} for r in [*rows, TOTAL]}
        totals = members[TOTAL]
        wanted = set(spec.columns)
        keep, pick, with_total = spec.keep, spec.pick, spec.total_column
        for u, uid in zip(units, numbers, strict=True):
            row = u["row"]
            if row not in known or not keep(u):
                continue
            line = members[row]
            for col in pick(u):
                if col in wanted:
                    line.setdefault(col, set()).add(uid)
                    totals.setdefault(col, set()).add(uid)
            if with_total:
                line.setdefault(TOTAL, set()).add(uid)
                totals.setdefault(TOTAL, set()).add(uid)
        cells, zeros = draft.cells, draft.zeros
        for r, line in members.items():
            prefix = f"{spec.key}|{r}|"
            for c in columns:
                ids = line.get(c)
                if ids:
                    cells.append(Cell(prefix + c, size(ids, weights), frozenset(ids)))
                else:
                    zeros.append(prefix + c)
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

    def in_scope(self, areas: str) -> bool:
        """A case of a municipality in the report (by its encoded areas) counts in the scope."""
        return self.scope != Scope.VBE or f",{Area.VBE}," in areas


def areas_of(encoded: str) -> list[str]:
    return [a for a in encoded.split(",") if a]


@dataclass(frozen=True)
class Closure:
    """A case closed in the period. `planned_from`: its follow-up plan's start (the minimum
    period applies only with a plan); `followed_from`: that, else its first move into
    follow-up, else None (closed without follow-up). `early` and `met_minimum` are worked out
    once, as the closure is made (a build reads them for every period that counts it)."""

    pk: int
    row: str
    closed_on: datetime.date
    planned_from: datetime.date | None
    followed_from: datetime.date | None
    decision: bool
    areas: str = ""
    # Closed before the minimum follow-up period (the rule of cases/services.py).
    early: bool = field(init=False)
    met_minimum: bool = field(init=False)

    def __post_init__(self) -> None:
        planned, start = self.planned_from, self.followed_from
        early = planned is not None and self.closed_on < _minimum_end(planned)
        met = start is not None and self.closed_on >= _minimum_end(start)
        object.__setattr__(self, "early", early)
        object.__setattr__(self, "met_minimum", met)

    @property
    def months(self) -> float:
        start = self.followed_from
        return max(0, (self.closed_on - start).days) / MONTH_DAYS if start else 0.0


_MINIMUM_ENDS: dict[tuple[datetime.date, int], datetime.date] = {}


def _minimum_end(started_on: datetime.date) -> datetime.date:
    """`minimum_end`, worked out once per day and setting (a build asks it for every closure
    of every period and scope)."""
    key = (started_on, settings.FOLLOWUP_MINIMUM_MONTHS)
    found = _MINIMUM_ENDS.get(key)
    if found is None:
        if len(_MINIMUM_ENDS) > 100_000:
            _MINIMUM_ENDS.clear()
        found = _MINIMUM_ENDS[key] = minimum_end(started_on)
    return found


def _cadence_key(cadence: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple((p.get("every"), p.get("unit"), p.get("months")) for p in cadence)


# A case's attributes in a period, as `Facts.case_groups` works them out.
CASE_ATTRIBUTES = [
    "state",
    "new",
    "closed",
    "reopened",
    "early_with",
    "early_without",
    "met_minimum",
    "followed",
    "kept_cadence",
]


class Facts:
    """What one build reads once for every period it counts or trends, one query each, read
    when first needed: every closing of a case (with its follow-up start and early-closure
    decision), every follow-up plan with its case's state at each period's end, and each case's
    first measure and first acknowledgement. The scopes and periods are cut from them in Python,
    so `closures` and `followed` read the database once per build, not once per period."""

    def __init__(self, munis: list[Organisation], periods: Iterable[Period]) -> None:
        self.municipalities = munis
        self.periods = sorted(set(periods), key=lambda p: (p.start, p.end, p.kind))
        self._closings: list[tuple[Any, ...]] | None = None
        self._plans: list[dict[str, Any]] | None = None
        self._starts: list[tuple[Any, ...]] | None = None
        self._held: dict[datetime.date, dict[int, int]] | None = None
        self._reopenings: list[tuple[int, datetime.datetime]] | None = None
        self._cases: tuple[list[datetime.datetime], list[tuple[Any, ...]]] | None = None
        self._placed: list[tuple[int, Closure]] | None = None
        self._started: list[tuple[Any, ...]] | None = None
        # `through`'s answers by day: per case, and per cadence and start.
        self._through: dict[datetime.date, tuple[dict[int, int], dict[tuple[Any, ...], int]]] = {}
        self._counters: dict[tuple[Any, ...], Callable[[datetime.date], int]] = {}
        self._groups: dict[tuple[Any, ...], int] = {}
        self._cadences: dict[int, str] = {}
        self.weights: dict[int, int] = {}
        self.memo: dict[tuple[str, str, Period], list[Any]] = {}
        # Facts being read on a second connection (`read_ahead`), by name.
        self._ahead: dict[str, Future[Any]] = {}

    def read_ahead(self) -> None:
        """Read the facts that the cases' states are cut with (closings, plans, contacts held,
        contacts and measures grouped) on a second connection, in a thread, while this one
        reads the states: PostgreSQL works on the other core while Python cuts the tables (a
        national build spent 12 s waiting on these statements one after another).

        The statements are made here and only executed there, so they are the same ones; each
        reads a snapshot of its own, as it does on this connection outside a transaction. Not
        inside one (a test, a build rolled back): the thread's connection would not see its
        rows, so then everything is read here, in order."""
        pooled = connection.settings_dict.get("OPTIONS", {}).get("pool")
        if (
            connection.vendor != "postgresql"
            or connection.in_atomic_block
            or not getattr(settings, "REPORT_READ_AHEAD", True)
            or (isinstance(pooled, dict) and pooled.get("max_size", 2) < 2)  # no second connection
        ):
            return
        jobs: list[tuple[str, Callable[[], Any]]] = [
            ("closings", functools.partial(_fetch, *self._closings_statement())),
            ("plans", functools.partial(_plans_from, self._plans_query())),
            ("held", functools.partial(_held_from, *self._held_query())),
            ("held_groups", functools.partial(list, self._held_groups_query())),
            ("measure_groups", functools.partial(list, self._measure_groups_query())),
        ]
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-facts")
        self._ahead = {name: reader.submit(job) for name, job in jobs}
        reader.submit(connections.close_all)  # the thread's own connection, back to the pool
        reader.shutdown(wait=False)

    def _read(self, name: str, here: Callable[[], T]) -> T:
        """The fact read ahead as `name`, else (not read ahead, or its read failed there: no
        second connection in time, say) `here()`, read on this connection."""
        ahead = self._ahead.pop(name, None)
        if ahead is not None:
            try:
                return ahead.result()
            except Exception:
                log.warning("facts %s not read ahead; read here", name, exc_info=True)
        return here()

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        return self.periods[0].bounds()[0], max(p.bounds()[1] for p in self.periods)

    def ends(self) -> list[datetime.date]:
        return sorted({p.end for p in self.periods})

    def instants(self) -> list[datetime.datetime]:
        """The instants the build's periods start and end at, sorted."""
        bounds = [p.bounds() for p in self.periods]
        return sorted({at for pair in bounds for at in pair})

    def places(self, period: Period) -> tuple[int, int]:
        """The period's start and end as places among `days` (the instants' local days): a local
        day placed by `bisect_right(days, day)` is in the period when start < place <= end (the
        instants are local midnights, so an instant is in the period when its local day is)."""
        first, after = period.bounds()
        instants = self.instants()
        return instants.index(first), instants.index(after)

    def days(self) -> list[datetime.date]:
        """The local days of `instants` (each a local midnight)."""
        return [timezone.localtime(at).date() for at in self.instants()]

    def units(self, kind: str, period: Period, read: Callable[[], list[Any]]) -> list[Any]:
        """The units of one kind in a period for every scope, read once per build (`read`
        reads them for the build's municipalities, with their case's areas): each scope then
        keeps its own (`Context.in_scope`), so the linked reports' two scopes share a query."""
        key = ("units", kind, period)
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]

    def covers(self, period: Period) -> None:
        """A period outside the build's: read everything again with it (tests, old callers).
        The groups made so far keep their ids and weights (cells already cut name them), and
        the new ones get new ids."""
        if period not in self.periods:
            weights = self.weights
            self.__init__(self.municipalities, [*self.periods, period])  # type: ignore[misc]
            self.weights = weights  # new groups are numbered after these

    def closings(self) -> list[tuple[Any, ...]]:
        """(case, row, areas, transition id, plan start, decision, closed on, first day in
        follow-up) for every move into "closed" within the build's span, by case, time and id
        (the days are local, worked out by the database: a closing is in a period when its day
        is, and no instant is read)."""
        if self._closings is None:
            here = (
                self._closings_on_postgresql
                if connection.vendor == "postgresql"
                else self._closings_portable
            )
            self._closings = self._read("closings", here)
        return self._closings

    def _closings_on_postgresql(self) -> list[tuple[Any, ...]]:
        """`closings()` in one statement: each case's first move into follow-up from one grouped
        pass over the moves (a subquery per closing was 17,284 index scans, about two thirds of
        the statement at county)."""
        return _fetch(*self._closings_statement())

    def _closings_statement(self) -> tuple[str, list[Any]]:
        first, after = self.span()
        transition = Transition._meta.db_table
        sql = (
            "SELECT t.case_id, o.code, c.areas, t.id, p.started_on, e.case_id IS NOT NULL, "
            "(t.at AT TIME ZONE %s)::date, (f.first AT TIME ZONE %s)::date "
            f"FROM {transition} t "
            f"JOIN {Case._meta.db_table} c ON c.id = t.case_id "
            f"JOIN {Organisation._meta.db_table} o ON o.id = c.municipality_id "
            f"LEFT JOIN {FollowUpPlan._meta.db_table} p ON p.case_id = t.case_id "
            f"LEFT JOIN (SELECT DISTINCT case_id FROM {EarlyClosure._meta.db_table}) e "
            "ON e.case_id = t.case_id "
            f"LEFT JOIN (SELECT case_id, MIN(at) AS first FROM {transition} "
            "WHERE to_status = %s GROUP BY case_id) f ON f.case_id = t.case_id "
            "WHERE c.municipality_id = ANY(%s) AND t.to_status = %s "
            "AND t.at >= %s AND t.at < %s "
            "ORDER BY t.case_id, t.at, t.id"
        )
        zone = timezone.get_current_timezone_name()
        ids = [m.pk for m in self.municipalities]
        follow_up, closed = CaseStatus.FOLLOW_UP.value, CaseStatus.CLOSED.value
        params: list[Any] = [zone, zone, follow_up, ids, closed, first, after]
        return sql, params

    def _closings_portable(self) -> list[tuple[Any, ...]]:
        """`closings()` for the embedded SQLite demo: the same rows, a subquery per closing."""
        first, after = self.span()
        entered = Transition.objects.filter(
            case=OuterRef("case"), to_status=CaseStatus.FOLLOW_UP
        ).order_by("at")
        return list(
            Transition.objects.filter(
                case__municipality__in=self.municipalities,
                to_status=CaseStatus.CLOSED,
                at__gte=first,
                at__lt=after,
            )
            .annotate(
                decision=Exists(EarlyClosure.objects.filter(case=OuterRef("case"))),
                closed_on=TruncDate("at"),
                entered_on=TruncDate(
                    Subquery(entered.values("at")[:1], output_field=DateTimeField())
                ),
            )
            .values_list(
                "case_id",
                "case__municipality__code",
                "case__areas",
                "pk",
                "case__followup_plan__started_on",
                "decision",
                "closed_on",
                "entered_on",
            )
            .order_by("case_id", "at", "pk")
        )

    def plans(self) -> list[dict[str, Any]]:
        """Every follow-up plan started by the span's end (its case's state at a period's end:
        `state_at`)."""
        if self._plans is None:
            found = self._read("plans", lambda: _plans_from(self._plans_query()))
            self._plans, cadences = found
            self._cadences.update(cadences)
        return self._plans

    def _plans_query(self) -> Iterable[tuple[Any, ...]]:
        return (
            FollowUpPlan.objects.filter(
                case__municipality__in=self.municipalities,
                started_on__lte=self.periods[-1].end,
            )
            .annotate(cadence_text=Cast("cadence", output_field=TextField()))
            .values_list(
                "case_id",
                "case__municipality__code",
                "case__areas",
                "started_on",
                "cadence_text",
            )
            .order_by("case_id")
        )

    def state_at(self, period: Period) -> dict[int, str]:
        """Each case's state at the period's end (the last move before it, else its status):
        read with the cases reported by then (`cases`); a plan's case reported later (a
        correction) is read on its own."""
        key = ("state", "", period)
        if key not in self.memo:
            instants, cases = self.cases()
            end = instants.index(period.bounds()[1])
            states = {pk: found[end] for pk, _row, _areas, at, found in cases if at <= end}
            missing = [
                p["case_id"]
                for p in self.plans()
                if p["started_on"] <= period.end and p["case_id"] not in states
            ]
            if missing:
                after = period.bounds()[1]
                last = Transition.objects.filter(case=OuterRef("pk"), at__lt=after)
                state = Subquery(last.order_by("-at", "-pk").values("to_status")[:1])
                states.update(
                    Case.objects.filter(pk__in=missing)
                    .annotate(state=Coalesce(state, F("status")))
                    .values_list("pk", "state")
                )
            self.memo[key] = states  # type: ignore[assignment]
        return self.memo[key]  # type: ignore[return-value]

    def flags(self, test: Callable[[Period], Q]) -> dict[str, ExpressionWrapper]:
        """One boolean column per period of the build (`in_<index>`): whether a row counts in
        it, worked out by the database, so that rows alike in every period are counted there."""
        return {
            f"in_{i}": ExpressionWrapper(test(p), output_field=BooleanField())
            for i, p in enumerate(self.periods)
        }

    @staticmethod
    def flagged(inside: Sequence[Any]) -> tuple[int, ...]:
        """The periods (by index) whose flag is set."""
        return tuple(i for i, flag in enumerate(inside) if flag)

    def group(self, key: tuple[Any, ...], n: int) -> int:
        """The unit standing for `n` more units that count alike in every linked report: the
        same `key` (what puts a unit in a cell: its row, its case's areas, its attributes, and
        the build's periods that count it) is the same group. The finest cells and every count
        are those of the units one by one (see `System`'s weights); millions of contacts and
        measures become a few thousand groups."""
        uid = self._groups.get(key)
        if uid is None:
            uid = self._groups[key] = unit_id("group", len(self.weights) + 1)
            self.weights[uid] = 0
        self.weights[uid] += n
        return uid

    def grouped(
        self,
        kind: str,
        rows: Iterable[tuple[tuple[Any, ...], tuple[int, ...], int]],
        fields: list[str],
    ) -> dict[Period, list[dict[str, Any]]]:
        """Per period of the build, the groups of `kind` it counts, as unit dicts (`fields`
        named from the key's attributes, with "uid" and "weight"). `rows`: (attributes, the
        periods counting them, how many units)."""
        uids: dict[int, tuple[Any, ...]] = {}
        for attributes, inside, n in rows:
            if inside and n:
                uids[self.group((kind, attributes, inside), n)] = (attributes, inside)
        out: dict[Period, list[dict[str, Any]]] = {p: [] for p in self.periods}
        for uid in sorted(uids):
            attributes, inside = uids[uid]
            unit = {**dict(zip(fields, attributes, strict=True)), "uid": uid}
            unit["weight"] = self.weights[uid]
            for i in inside:
                out[self.periods[i]].append(unit)
        return out

    def held_groups(self, period: Period) -> list[dict[str, Any]]:
        """The contacts held in `period`, grouped (row, case's areas, the build's periods that
        hold the day): one query for the build."""
        key = ("grouped", "contacts", period)
        if key not in self.memo:
            rows = self._read("held_groups", self._held_groups_query)
            found = self.grouped(
                "contacts",
                (((code, areas), self.flagged(inside), n) for code, areas, *inside, n in rows),
                ["row", "case__areas"],
            )
            for p, units in found.items():
                self.memo["grouped", "contacts", p] = units
        return self.memo[key]

    def _held_groups_query(self) -> Iterable[tuple[Any, ...]]:
        flags = self.flags(lambda p: Q(on__gte=p.start, on__lte=p.end))
        return (
            Contact.objects.filter(
                case__municipality__in=self.municipalities,
                on__gte=min(p.start for p in self.periods),
                on__lte=max(p.end for p in self.periods),
            )
            .annotate(**flags)
            .values("case__municipality__code", "case__areas", *flags)
            .annotate(n=Count("pk"))
            .values_list("case__municipality__code", "case__areas", *flags, "n")
            .order_by()
        )

    def planned_groups(self, period: Period) -> list[dict[str, Any]]:
        """The contacts the cadences planned in `period`, grouped: each case's planned contacts
        cut into runs at every period's first and last (a run is counted alike by every report),
        runs of the same row, areas and periods one group."""
        key = ("grouped", "planned_contacts", period)
        if key not in self.memo:
            areas = {p["case_id"]: p["case__areas"] for p in self.plans()}
            ranges: dict[int, list[tuple[int, int, int]]] = {}
            rows: dict[int, str] = {}
            for i, p in enumerate(self.periods):
                before = p.start - datetime.timedelta(days=1)
                cases = followed(Context(Scope.ALL, p, self.municipalities), self)
                dones = self.through((pk, c, on, before) for pk, _r, on, c, _l in cases)
                dues = self.through((pk, c, on, last) for pk, _r, on, c, last in cases)
                for (pk, row, *_rest), done, due in zip(cases, dones, dues, strict=True):
                    if due > done:
                        ranges.setdefault(pk, []).append((i, done, due))
                        rows[pk] = row
            runs: dict[tuple[Any, ...], int] = {}
            for pk, spans in ranges.items():
                cuts = sorted({n for _i, done, due in spans for n in (done, due)})
                for a, b in itertools.pairwise(cuts):
                    inside = tuple(i for i, done, due in spans if done <= a and b <= due)
                    k = (rows[pk], areas[pk], inside)
                    runs[k] = runs.get(k, 0) + b - a
            found = self.grouped(
                "planned_contacts",
                (((row, a), inside, n) for (row, a, inside), n in runs.items()),
                ["row", "case__areas"],
            )
            for p, units in found.items():
                self.memo["grouped", "planned_contacts", p] = units
        return self.memo[key]

    def measure_groups(self, period: Period) -> list[dict[str, Any]]:
        """The measures under way in `period` (not cancelled; actual dates, else planned ones),
        grouped by row, kind, responsible, case's areas and the build's periods they overlap:
        one query for the build."""
        key = ("grouped", "measures", period)
        if key not in self.memo:
            rows = self._read("measure_groups", self._measure_groups_query)
            found = self.grouped(
                "measures",
                (
                    ((row, kind, responsible, areas), self.flagged(inside), n)
                    for row, kind, responsible, areas, *inside, n in rows
                ),
                ["row", "kind", "responsible__code", "case__areas"],
            )
            for p, units in found.items():
                self.memo["grouped", "measures", p] = units
        return self.memo[key]

    def _measure_groups_query(self) -> Iterable[tuple[Any, ...]]:
        first = min(p.start for p in self.periods)
        last = max(p.end for p in self.periods)
        flags = self.flags(
            lambda p: Q(began__lte=p.end) & (Q(ended__isnull=True) | Q(ended__gte=p.start))
        )
        return (
            Measure.objects.filter(case__municipality__in=self.municipalities)
            .exclude(status=MeasureStatus.CANCELLED)
            .annotate(
                row=F("case__municipality__code"),
                began=Coalesce("actual_start", "planned_start"),
                ended=Coalesce("actual_end", "planned_end"),
            )
            .filter(began__lte=last)
            .filter(Q(ended__isnull=True) | Q(ended__gte=first))
            .annotate(**flags)
            .values("row", "kind", "responsible__code", "case__areas", *flags)
            .annotate(n=Count("pk"))
            .values_list("row", "kind", "responsible__code", "case__areas", *flags, "n")
            .order_by()
        )

    def cases(self) -> tuple[list[datetime.datetime], list[tuple[Any, ...]]]:
        """The instants the build's periods start and end at (sorted), and every case reported
        before the last, with its state at each period's end (the last move before it, else
        its status): (id, row, areas, how many of the instants its report is at or after,
        states by instant; an instant that is no period's end has None). One query for the
        build: the moves are read once, each case's last before every end picked by the
        database (each move with the time of the case's next, one plain aggregate per end), not a
        subquery per case and end."""
        if self._cases is None:
            afters = {p.bounds()[1] for p in self.periods}
            instants = self.instants()
            ends = [i for i, at in enumerate(instants) if at in afters]
            if connection.vendor == "postgresql":
                self._cases = (instants, self._cases_on_postgresql(instants, ends))
            else:
                self._cases = (instants, self._cases_in_python(instants, ends))
        return self._cases

    def _cases_on_postgresql(self, instants: list[Any], ends: list[int]) -> list[tuple[Any, ...]]:
        """`cases()` in one statement (arrays, a window over the moves: PostgreSQL)."""
        # Each move with the time of the case's next one (the moves read once, in the order of
        # the case's index): the last move before an end is the one at or after which the
        # next comes at or after the end, so each end takes one plain aggregate, no sort.
        picks = ", ".join(
            "max(m.to_status) FILTER (WHERE m.at < %s AND (m.next_at IS NULL OR m.next_at >= %s))"
            for _ in ends
        )
        # The states by instant as one array (NULL at an instant that is no period's end): the
        # rows come as the caller takes them, with no loop over them in Python.
        columns = ", ".join(
            f"COALESCE(s.s{i}, c.status)::text" if i in ends else "NULL::text"
            for i in range(len(instants))
        )
        moves = ", ".join(f"s{i}" for i in ends)
        case = Case._meta.db_table
        sql = (
            "SELECT c.id, o.code, c.areas, width_bucket(c.reported_at, %s::timestamptz[]), "
            f"ARRAY[{columns}] FROM {case} c "
            f"JOIN {Organisation._meta.db_table} o ON o.id = c.municipality_id "
            f"LEFT JOIN (SELECT m.case_id, {picks} "
            "FROM (SELECT t.case_id, t.to_status, t.at, "
            "lead(t.at) OVER (PARTITION BY t.case_id ORDER BY t.at, t.id) "
            f"FROM {Transition._meta.db_table} t "
            f"JOIN {case} tc ON tc.id = t.case_id "
            "WHERE tc.municipality_id = ANY(%s) AND tc.reported_at < %s AND t.at < %s"
            ") m(case_id, to_status, at, next_at) "
            f"GROUP BY m.case_id) s(case_id, {moves}) ON s.case_id = c.id "
            "WHERE c.municipality_id = ANY(%s) AND c.reported_at < %s "
            "ORDER BY c.id"
        )
        ids = [m.pk for m in self.municipalities]
        last = instants[-1]
        picked = [instants[i] for i in ends for _twice in range(2)]
        return _fetch(sql, [instants, *picked, ids, last, last, ids, last])

    def _cases_in_python(self, instants: list[Any], ends: list[int]) -> list[tuple[Any, ...]]:
        """`cases()` for databases without arrays and ordered aggregates (the embedded SQLite
        demo): the same rows, from the cases and their moves read in order."""
        ids = [m.pk for m in self.municipalities]
        last = instants[-1]
        moves: dict[int, list[tuple[Any, str]]] = {}
        for case_id, at, to_status in (
            Transition.objects.filter(
                case__municipality__in=ids, case__reported_at__lt=last, at__lt=last
            )
            .order_by("case_id", "at", "pk")
            .values_list("case_id", "at", "to_status")
        ):
            moves.setdefault(case_id, []).append((at, to_status))
        rows = []
        for pk, row, areas, reported_at, status in (
            Case.objects.filter(municipality__in=ids, reported_at__lt=last)
            .order_by("pk")
            .values_list("pk", "municipality__code", "areas", "reported_at", "status")
        ):
            mine = moves.get(pk, [])
            ats = [at for at, _to in mine]
            states: list[str | None] = [None] * len(instants)
            for i in ends:
                before = bisect.bisect_left(ats, instants[i])  # the moves before this end
                states[i] = mine[before - 1][1] if before else status
            rows.append((pk, row, areas, bisect.bisect_right(instants, reported_at), states))
        return rows

    def reopenings(self) -> list[tuple[int, datetime.datetime]]:
        """(case, at) of every move out of "closed" within the build's span."""
        if self._reopenings is None:
            first, after = self.span()
            self._reopenings = list(
                Transition.objects.filter(
                    case__municipality__in=self.municipalities,
                    from_status=CaseStatus.CLOSED,
                    at__gte=first,
                    at__lt=after,
                ).values_list("case_id", "at")
            )
        return self._reopenings

    def case_groups(self, period: Period) -> list[dict[str, Any]]:
        """The cases of `period`'s tables, grouped: a case's attributes in every period of the
        build (state at the end, new, closed, reopened, closed early with or without a
        decision, met the minimum, followed up, kept the cadence) with its row and areas are
        its group's key. The attributes do not depend on the scope (a scope only keeps the
        cases of its areas), so they are worked out once, in the whole cooperation's."""
        key = ("grouped", "cases", period)
        if key not in self.memo:
            instants, cases = self.cases()
            # Per period: its end's and start's places among the instants, and what the
            # closings, reopenings and follow-up say of the cases they name (the rest: no).
            cut: list[tuple[Any, ...]] = []
            not_closed = (False, False, False, False)
            not_followed = (False, False)
            rests: list[tuple[bool, ...]] = [(False,) * (len(CASE_ATTRIBUTES) - 2)]
            rested = {rests[0]: 0}
            for p in self.periods:
                ctx = Context(Scope.ALL, p, self.municipalities)
                first, after = p.bounds()
                closed: dict[int, tuple[bool, bool, bool, bool]] = {}
                for c in closures(ctx, self):
                    early = c.early
                    closed[c.pk] = (
                        True,
                        early and c.decision,
                        early and not c.decision,
                        c.met_minimum,
                    )
                kept = {pk: (True, ok) for pk, _row, ok in kept_cadence(ctx, self)}
                reopened = {pk for pk, at in self.reopenings() if first <= at < after}
                # The attributes after state and new of each case named here, worked out once
                # (closed, reopened, closed early with / without a decision, met the minimum,
                # followed up, kept the cadence), by their number in `rests` (0: all no): one
                # look-up per case and period.
                named: dict[int, int] = {}
                for pk in closed.keys() | kept.keys() | reopened:
                    was_closed, early_with, early_without, met = closed.get(pk, not_closed)
                    followed_up, kept_up = kept.get(pk, not_followed)
                    rest = (
                        was_closed,
                        pk in reopened,
                        early_with,
                        early_without,
                        met,
                        followed_up,
                        kept_up,
                    )
                    number = rested.get(rest)
                    if number is None:
                        number = rested[rest] = len(rests)
                        rests.append(rest)
                    named[pk] = number
                cut.append((instants.index(after), instants.index(first), named))
            counted = _case_group_counts(cases, cut, rests)
            out: dict[Period, list[dict[str, Any]]] = {p: [] for p in self.periods}
            names = CASE_ATTRIBUTES
            for (row, areas, per), n in counted:
                key_of = (row, areas, per)
                uid = self.group(("cases", *key_of), n)
                for i, attributes in per:
                    unit = {"row": row, "areas": areas, "uid": uid, "weight": n}
                    unit.update(zip(names, attributes, strict=True))
                    out[self.periods[i]].append(unit)
            for p, units in out.items():
                self.memo["grouped", "cases", p] = units
        return self.memo[key]

    def through(
        self, asked: Iterable[tuple[int, list[dict[str, Any]], datetime.date, datetime.date]]
    ) -> list[int]:
        """`contacts_through` of each (case, cadence, follow-up start, day) asked, in order: once
        per case and day for the whole build (every period and scope asks it for each case
        followed up, twice), and once per cadence, start and day (cases share them), from one
        counter per cadence and start (`contacts_counter`: the phases' bases worked out once).
        Asked in bulk, each run of the same day finds its memo once (a national build asks 1.6
        million times, of a few hundred days)."""
        days, cadences, counters = self._through, self._cadences, self._counters
        out: list[int] = []
        append = out.append
        last_day: datetime.date | None = None
        by_case: dict[int, int] = {}
        by_plan: dict[tuple[Any, ...], int] = {}
        for case, cadence, started_on, day in asked:
            if day != last_day:
                on_day = days.get(day)
                if on_day is None:
                    on_day = days[day] = ({}, {})
                by_case, by_plan = on_day
                last_day = day
            found = by_case.get(case)
            if found is None:
                plan = (cadences.get(case) or _cadence_key(cadence), started_on)
                found = by_plan.get(plan)
                if found is None:
                    counter = counters.get(plan)
                    if counter is None:
                        counter = counters[plan] = contacts_counter(cadence, started_on)
                    found = by_plan[plan] = counter(day)
                by_case[case] = found
            append(found)
        return out

    def held_by(self, end: datetime.date) -> dict[int, int]:
        """The contacts held by `end` (one of the periods' ends), per case with a plan started
        by the span's end: one query counts them for every end of the build."""
        if self._held is None:
            self._held = self._read("held", lambda: _held_from(*self._held_query()))
        return self._held[end]

    def _held_query(self) -> tuple[Iterable[tuple[Any, ...]], list[datetime.date]]:
        ends = self.ends()
        names = {f"n_{day:%Y%m%d}": day for day in ends}
        rows = (
            Contact.objects.filter(
                case__municipality__in=self.municipalities,
                case__followup_plan__started_on__lte=self.periods[-1].end,
                on__lte=ends[-1],
            )
            .values("case_id")
            .annotate(**{n: Count("on", filter=Q(on__lte=day)) for n, day in names.items()})
            .values_list("case_id", *names)
            .order_by()
        )
        return rows, list(names.values())

    def starts(self) -> list[tuple[Any, ...]]:
        """(row, areas, local day reported, days from it to the first measure started, time
        from the report to the first acknowledgement) of every case reported within the span
        (the day and the two differences worked out by the database)."""
        if self._starts is None:
            if connection.vendor == "postgresql":
                self._starts = self._starts_on_postgresql()
            else:
                self._starts = self._starts_portable()
        return self._starts

    def _starts_on_postgresql(self) -> list[tuple[Any, ...]]:
        """`starts()` in one statement: each case's first measure and first acknowledgement
        from one grouped pass over the measures and one over the escalations (a subquery per
        case, twice, was 30,734 index scans and sorts for the four earlier years at county)."""
        first, after = self.span()
        local = "(c.reported_at AT TIME ZONE %s)::date"
        sql = (
            f"SELECT o.code, c.areas, {local}, m.first - {local}, a.first - c.reported_at "
            f"FROM {Case._meta.db_table} c "
            f"JOIN {Organisation._meta.db_table} o ON o.id = c.municipality_id "
            "LEFT JOIN (SELECT case_id, MIN(actual_start) AS first "
            f"FROM {Measure._meta.db_table} WHERE actual_start IS NOT NULL "
            "GROUP BY case_id) m ON m.case_id = c.id "
            "LEFT JOIN (SELECT case_id, MIN(acknowledged_at) AS first "
            f"FROM {Escalation._meta.db_table} WHERE acknowledged_at IS NOT NULL "
            "GROUP BY case_id) a ON a.case_id = c.id "
            "WHERE c.municipality_id = ANY(%s) AND c.reported_at >= %s AND c.reported_at < %s "
            "ORDER BY c.id"
        )
        zone = timezone.get_current_timezone_name()
        ids = [m.pk for m in self.municipalities]
        return _fetch(sql, [zone, zone, ids, first, after])

    def _starts_portable(self) -> list[tuple[Any, ...]]:
        """`starts()` for the embedded SQLite demo: the same rows, a subquery per case."""
        first, after = self.span()
        measure = Measure.objects.filter(case=OuterRef("pk"), actual_start__isnull=False)
        ack = Escalation.objects.filter(case=OuterRef("pk"), acknowledged_at__isnull=False)
        rows = (
            Case.objects.filter(
                municipality__in=self.municipalities,
                reported_at__gte=first,
                reported_at__lt=after,
            )
            .annotate(
                first_measure=Subquery(measure.order_by("actual_start").values("actual_start")[:1]),
                first_ack=Subquery(ack.order_by("acknowledged_at").values("acknowledged_at")[:1]),
                reported_on=TruncDate("reported_at"),
            )
            .annotate(
                to_measure=ExpressionWrapper(
                    F("first_measure") - F("reported_on"), output_field=DurationField()
                ),
                to_ack=ExpressionWrapper(
                    F("first_ack") - F("reported_at"), output_field=DurationField()
                ),
            )
            .values_list("municipality__code", "areas", "reported_on", "to_measure", "to_ack")
            .order_by("pk")
        )
        return [
            (code, areas, day, None if measure is None else measure.days, ack)
            for code, areas, day, measure, ack in rows
        ]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of one statement, on the calling thread's connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _plans_from(
    rows: Iterable[tuple[Any, ...]],
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The plans of `Facts.plans` and each case's cadence as text; the cadence parsed once per
    distinct text (most plans share one). Read as tuples: 432,522 plans at a national scale."""
    parsed: dict[str, list[dict[str, Any]]] = {}
    plans: list[dict[str, Any]] = []
    cadences: dict[int, str] = {}
    for case_id, code, areas, started_on, text in rows:
        cadence = parsed.get(text)
        if cadence is None:
            cadence = parsed[text] = json.loads(text)
        plans.append(
            {
                "case_id": case_id,
                "case__municipality__code": code,
                "case__areas": areas,
                "started_on": started_on,
                "cadence": cadence,
            }
        )
        cadences[case_id] = text
    return plans, cadences


def _held_from(
    rows: Iterable[tuple[Any, ...]], ends: list[datetime.date]
) -> dict[datetime.date, dict[int, int]]:
    """`Facts.held_by` for every end: the contacts held by it, per case that held any (the
    rows: a case and its count by each end, in the order of `ends`)."""
    held: dict[datetime.date, dict[int, int]] = {day: {} for day in ends}
    by_end = [held[day] for day in ends]
    for case_id, *counts in rows:
        for found, n in zip(by_end, counts, strict=True):
            if n:
                found[case_id] = n
    return held


def placed_closings(facts: Facts) -> list[tuple[int, Closure]]:
    """Every closing of the build as a `Closure`, with its place among the build's instants
    (`Facts.places`): made and placed once per build, not once per period and scope."""
    if facts._placed is None:
        days = facts.days()
        facts._placed = [
            (
                bisect.bisect_right(days, closed_on),
                Closure(
                    pk,
                    code,
                    closed_on,
                    planned_from,
                    planned_from or entered_on,
                    bool(decision),
                    areas,
                ),
            )
            for pk, code, areas, _t, planned_from, decision, closed_on, entered_on in (
                facts.closings()
            )
        ]
    return facts._placed


def closures(ctx: Context, facts: Facts | None = None) -> list[Closure]:
    """The cases closed in the period (by case id), from the build's closings."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    key = ("closures", ctx.scope, ctx.period)
    if key in facts.memo:
        return list(facts.memo[key])
    start, end = facts.places(ctx.period)
    every = ctx.scope != Scope.VBE  # no case of a report's municipalities left out
    # The closings come by case, time and id: a case's last in the period is the last seen.
    last: dict[int, Closure] = {}
    for place, closure in placed_closings(facts):
        if start < place <= end and (every or ctx.in_scope(closure.areas)):
            last[closure.pk] = closure
    out = [last[pk] for pk in sorted(last)]
    facts.memo[key] = out
    return out


def case_tables(ctx: Context, facts: Facts | None = None) -> Draft:
    """The case tables, and the counts behind the shares of Långsiktighet ("follow_up")."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    units = [u for u in facts.case_groups(ctx.period) if ctx.in_scope(u["areas"])]
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


def followed(
    ctx: Context, facts: Facts | None = None
) -> list[tuple[int, str, datetime.date, list[dict[str, Any]], datetime.date]]:
    """Cases followed up in the period: a plan started by its end, and in follow-up at the end
    or closed during it. (case id, row, follow-up start, cadence, last day followed in the
    period: its end, or the closing day); from the build's plans and closings."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    key = ("followed", ctx.scope, ctx.period)
    if key in facts.memo:
        return list(facts.memo[key])
    closed = {c.pk: c.closed_on for c in closures(ctx, facts)}
    state = facts.state_at(ctx.period)
    out = []
    every = ctx.scope != Scope.VBE
    end = ctx.period.end
    for plan in facts.plans():
        pk = plan["case_id"]
        if plan["started_on"] > end or not (every or ctx.in_scope(plan["case__areas"])):
            continue
        if state[pk] != CaseStatus.FOLLOW_UP and pk not in closed:
            continue
        last = closed.get(pk, end)
        row = plan["case__municipality__code"]
        out.append((pk, row, plan["started_on"], plan["cadence"], last))
    facts.memo[key] = out
    return out


def contact_table(ctx: Context, facts: Facts | None = None) -> Draft:
    """Contacts held in the period against those the cadences planned in it, per municipality.

    Held contacts and planned contacts are two different kinds of unit (no sum links them); a
    planned contact is the case and its place in the plan (the n-th contact), counted from the
    cadence (`contacts_through`), the same unit in every linked report.
    """
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    held = [u for u in facts.held_groups(ctx.period) if ctx.in_scope(u["case__areas"])]
    planned = [u for u in facts.planned_groups(ctx.period) if ctx.in_scope(u["case__areas"])]
    spec = lambda key: [TableSpec("contacts", [key], lambda p: [key], total_column=False)]  # noqa: E731
    draft = cut_tables("contacts", held, spec("held"), ctx.rows)
    plan = cut_tables("planned_contacts", planned, spec("planned"), ctx.rows)
    draft.cells += plan.cells
    draft.zeros += plan.zeros
    draft.tables[0]["columns"] = ["held", "planned"]
    return draft


def kept_cadence(ctx: Context, facts: Facts | None = None) -> list[tuple[int, str, bool]]:
    """For each case followed up in the period (id, row): whether the contacts held from the
    start of its follow-up to the period's end are at least as many as its cadence planned."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    cases = followed(ctx, facts)
    # The contacts held by the period's end, per case with a plan (both scopes' cases).
    held = facts.held_by(ctx.period.end)
    due = facts.through((pk, c, on, last) for pk, _r, on, c, last in cases)
    return [
        (pk, row, held.get(pk, 0) >= n) for (pk, row, *_rest), n in zip(cases, due, strict=True)
    ]


def escalation_tables(ctx: Context, facts: Facts | None = None) -> Draft:
    first, after = ctx.period.bounds()
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    every = facts.units(
        "escalations",
        ctx.period,
        lambda: list(
            Escalation.objects.filter(
                case__municipality__in=ctx.municipalities,
                created_at__gte=first,
                created_at__lt=after,
            )
            .annotate(row=F("case__municipality__code"))
            .values("id", "row", "kind", "case__areas")
            .order_by("id")
        ),
    )
    units = [u for u in every if ctx.in_scope(u["case__areas"])]
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


def measure_tables(ctx: Context, facts: Facts | None = None) -> Draft:
    """Measures under way at some time in the period (actual dates, else planned ones)."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    every = facts.measure_groups(ctx.period)
    units = [u for u in every if ctx.in_scope(u["case__areas"])]
    responsible = sorted({p["responsible__code"] for p in units})
    every_responsible = sorted({p["responsible__code"] for p in every})
    names = dict(
        facts.units(
            "responsible",
            ctx.period,
            lambda: list(
                Organisation.objects.filter(code__in=every_responsible).values_list("code", "name")
            ),
        )
    )
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


def started(facts: Facts) -> list[tuple[Any, ...]]:
    """(place among the build's days, row, areas, days to the first measure, days to the
    first acknowledgement) of every case in `Facts.starts`: worked out once per case for the
    build, not once per period and scope."""
    if facts._started is None:
        days = facts.days()
        facts._started = [
            (
                bisect.bisect_right(days, reported_on),
                code,
                areas,
                None if measure is None else float(max(0, measure)),
                None if ack is None else max(0.0, ack.total_seconds() / 86400),
            )
            for code, areas, reported_on, measure, ack in facts.starts()
        ]
    return facts._started


def start_fast(ctx: Context, facts: Facts | None = None) -> dict[str, Any]:
    """Days from reported to the first measure started and to the first escalation acknowledged,
    over the cases reported in the period: median and 90th percentile, overall and per row."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    facts.covers(ctx.period)
    start, end = facts.places(ctx.period)
    measure: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    ack: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    every = ctx.scope != Scope.VBE
    for place, code, areas, to_measure, to_ack in started(facts):
        if not start < place <= end or not (every or ctx.in_scope(areas)):
            continue
        for r in (code, TOTAL):
            if to_measure is not None:
                measure[r].append(to_measure)
            if to_ack is not None:
                ack[r].append(to_ack)
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


def last_long(ctx: Context, facts: Facts | None = None) -> dict[str, Any]:
    """Over the cases closed in the period: median months in follow-up (start to closing). The
    two shares come from the report's own published counts (see `shares`)."""
    months: dict[str, list[float]] = {r: [] for r in [*ctx.rows, TOTAL]}
    for closure in closures(ctx, facts):
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


def success_measures(
    ctx: Context,
    current: dict[str, dict[str, Any]],
    facts: Facts | None = None,
    mark: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Snabb start and Långsiktighet for the period and the four before it (oldest first).

    With a `mark` (the watermark read as the build began) the trend figures of periods that
    have ended are taken from the stored ones still valid, and those worked out are stored."""
    periods = trend_periods(ctx.period)
    stored = stored_trend(ctx.scope, periods, ctx.municipalities) if mark is not None else {}
    own = facts.periods if facts is not None else []
    missing = [p for p in periods if p not in stored and p not in own]
    extra = Facts(ctx.municipalities, missing) if missing else None
    archived = archived_shares(ctx.scope, periods[1:])
    hidden = {r: {"v": None, "s": "h"} for r in [*ctx.rows, TOTAL]}
    trend = []
    computed: dict[Period, dict[str, Any]] = {}
    for period in reversed(periods):
        sub = Context(ctx.scope, period, ctx.municipalities)
        entry = stored.get(period)
        if entry is None:
            source = facts if period in own else extra
            assert source is not None
            entry = computed[period] = trend_entry(sub, source)
        long = dict(entry["last_long"])
        got = current if period == ctx.period else archived.get(period, {})
        for name in SHARES:
            long[name] = {r: got.get(name, hidden).get(r, hidden[r]) for r in hidden}
        trend.append({"period": period.as_dict(), **entry, "last_long": long})
    if mark is not None:
        store_trend(ctx.scope, ctx.municipalities, computed, mark)
    return {"trend": trend, "current": trend[-1]}


def trend_periods(period: Period) -> list[Period]:
    """The period and the four before it, newest first."""
    periods = [period]
    for _i in range(4):
        periods.append(periods[-1].previous())
    return periods


def trend_entry(ctx: Context, facts: Facts) -> dict[str, Any]:
    """A period's figures in the trend, without the shares (those come from reports)."""
    return {"start_fast": start_fast(ctx, facts), "last_long": last_long(ctx, facts)}


# --- Closed periods' trend figures, stored once ------------------------------------------------
#
# A period that has ended is mostly settled, but not wholly: a case reported in it may start
# its first measure or have an escalation acknowledged later, and a correction may change a
# case, a plan or a status change. So a stored entry carries a watermark: the last id of every
# source of change (the history rows of cases, measures, escalations and plans, and the rows of
# those and of status changes and early-closure decisions, which bulk inserts add without a
# history row). When a trend is built, the cases changed since the oldest watermark are read
# (one query over the changes only); an entry is stale when one of them was reported in its
# period (in any of its recorded versions) or closed in it, and is then worked out again and
# stored anew. Retention does not change what the trend reads (it keeps dates, statuses,
# measures and escalations, and empties free text only), so it leaves the entries valid; a
# change written with a queryset update (no history row, no new id) is not seen: no service
# writes one, only the demo's seed back-dates its own rows (before its reports are built).


@functools.cache
def _watermark_sources() -> tuple[tuple[str, str, str, str], ...]:
    """(name, table, id column, case column) of every source of change the trend reads (the
    models' tables: worked out once per process, twice a build asked for them)."""
    sources: list[tuple[str, str, str, str]] = []
    for name, model in (
        ("case", Case),
        ("measure", Measure),
        ("escalation", Escalation),
        ("plan", FollowUpPlan),
    ):
        history = model.history.model
        case_column = "id" if model is Case else "case_id"
        sources.append((f"{name}_history", history._meta.db_table, "history_id", case_column))
        sources.append((name, model._meta.db_table, "id", case_column))
    for name, table in (
        ("transition", Transition._meta.db_table),
        ("early_closure", EarlyClosure._meta.db_table),
    ):
        sources.append((name, table, "id", "case_id"))
    return tuple(sources)


def watermark() -> dict[str, int]:
    """The last id of every source of change (one query)."""
    sources = _watermark_sources()
    sql = "SELECT " + ", ".join(
        f"(SELECT COALESCE(MAX({column}), 0) FROM {table})"
        for _name, table, column, _case in sources
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {name: int(value) for (name, *_rest), value in zip(sources, row, strict=True)}


def changed_since(mark: dict[str, int]) -> set[int] | None:
    """The ids of the cases touched by a change after `mark` (None: a mark of another shape)."""
    sources = _watermark_sources()
    if set(mark) != {name for name, *_rest in sources}:
        return None
    sql = " UNION ".join(
        f"SELECT {case} FROM {table} WHERE {column} > %s" for _name, table, column, case in sources
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [mark[name] for name, *_rest in sources])
        return {row[0] for row in cursor.fetchall()}


def stale_periods(cases: set[int], periods: list[Period]) -> set[Period]:
    """The periods in which one of these cases was reported (in any recorded version of it) or
    closed."""
    if not cases:
        return set()
    days = [
        timezone.localtime(at).date()
        for at in [
            *Case.objects.filter(pk__in=cases).values_list("reported_at", flat=True),
            *Case.history.model.objects.filter(id__in=cases).values_list("reported_at", flat=True),
            *Transition.objects.filter(case_id__in=cases, to_status=CaseStatus.CLOSED).values_list(
                "at", flat=True
            ),
        ]
    ]
    return {p for p in periods if any(p.start <= d <= p.end for d in days)}


def basis(munis: list[Organisation]) -> str:
    """What stored trend figures depend on besides the data: the municipalities, the minimum."""
    text = ",".join(m.code for m in munis) + f"|{statistic_minimum()}"
    return hashlib.sha256(text.encode()).hexdigest()


def stored_trend(scope: str, periods: list[Period], munis: list[Organisation]) -> dict[Period, Any]:
    """The stored trend figures of these periods that are still valid (stale ones deleted)."""
    rows = list(
        StoredPeriod.objects.filter(
            scope=scope,
            basis=basis(munis),
            format=FORMAT,
            period_kind__in={p.kind for p in periods},
            start__in=[p.start for p in periods],
        ).values_list("pk", "period_kind", "start", "end", "figures", "watermark")
    )
    found = {Period(k, start, end): (pk, text, mark) for pk, k, start, end, text, mark in rows}
    found = {p: v for p, v in found.items() if p in periods}
    if not found:
        return {}
    names = [name for name, *_rest in _watermark_sources()]
    oldest = {n: min(mark.get(n, 0) for _pk, _t, mark in found.values()) for n in names}
    changed = changed_since(oldest)
    stale = set(found) if changed is None else stale_periods(changed, list(found))
    if stale:
        StoredPeriod.objects.filter(pk__in=[found[p][0] for p in stale]).delete()
    return {p: json.loads(text) for p, (_pk, text, _mark) in found.items() if p not in stale}


def store_trend(
    scope: str,
    munis: list[Organisation],
    entries: dict[Period, dict[str, Any]],
    mark: dict[str, int],
) -> None:
    """Keep the trend figures of periods that have ended (another build's copy wins a race)."""
    today = timezone.localdate()
    StoredPeriod.objects.bulk_create(
        [
            StoredPeriod(
                scope=scope,
                period_kind=p.kind,
                start=p.start,
                end=p.end,
                basis=basis(munis),
                format=FORMAT,
                figures=canonical(entry),
                watermark=mark,
            )
            for p, entry in entries.items()
            if p.end < today
        ],
        ignore_conflicts=True,
    )


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


def counts(ctx: Context, facts: Facts | None = None) -> Draft:
    """Every count of a report that counts people (the protected tables), unsuppressed."""
    facts = facts or Facts(ctx.municipalities, [ctx.period])
    draft = case_tables(ctx, facts)
    draft.add(contact_table(ctx, facts))
    draft.add(escalation_tables(ctx, facts))
    draft.add(measure_tables(ctx, facts))
    return draft


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
    # Points the protection found feasible, by part (`suppression.protect`), offered to the audit.
    witnesses: dict[int, list[Any]] = field(default_factory=dict)


def linked_system(
    munis: list[Organisation],
    own: tuple[str, Period] | None,
    draft: Draft,
    linked: Sequence[Linked],
    facts: Facts | None = None,
) -> LinkedSystem:
    if facts is None:
        periods = [p for _s, p in ([own] if own else [])] + [o.period for o in linked]
        years = {p.start.year for p in periods}
        facts = Facts(munis, [*periods, *(q for y in years for q in linked_periods(year(y)))])
    cells: list[Cell] = []
    zeros: list[str] = []
    unmarked: list[str] = []
    done: dict[tuple[str, Period], Draft] = {}

    def take(pre: str, theirs: Draft) -> None:
        cells.extend(Cell(pre + c.key, c.value, c.members) for c in theirs.cells)
        zeros.extend(pre + k for k in theirs.zeros)

    if own is not None:
        take(tag(*own), draft)
        done[own] = draft
    for other in linked:
        theirs = counts(Context(other.scope, other.period, munis), facts)
        take(tag(other.scope, other.period), theirs)
        done[(other.scope, other.period)] = theirs
    published, hidden, ratios = knowledge(linked)
    years = {p.start.year for _s, p in done}
    for y in sorted(years):
        for period in linked_periods(year(y)):
            for scope in Scope.values:
                if (scope, period) in done:
                    continue
                pre = tag(scope, period)
                theirs = counts(Context(scope, period, munis), facts)
                take(pre, theirs)
                # Guarded: a count of 1-4 of it must not be provable (a zero is none).
                unmarked += [pre + c.key for c in theirs.cells]
                done[(scope, period)] = theirs
            # The whole view minus the VBE view: a table never published, guarded all the same
            # (where the whole view counts nothing, neither does the difference: left out).
            vbe = done[(Scope.VBE, period)]
            outside = differences(
                tag(OUTSIDE_VBE, period),
                done[(Scope.ALL, period)].cells,
                vbe.cells,
                facts.weights,
                vbe.zeros,
            )
            cells += outside
            unmarked += [c.key for c in outside]
    keys = list(map(operator.attrgetter("key"), cells))
    reports = list(itertools.filterfalse(operator.methodcaller("startswith", OUTSIDE_VBE), keys))
    # The total rows join the municipalities' rows: the blocks asked first at a national scale
    # (a key is its table's, its row's and its column's, joined by "|": the row is the total).
    links = [k for k in keys if f"|{TOTAL}|" in k]
    system = System(cells, floors=reports, weights=facts.weights, links=links, zeros=zeros)
    # Only what still holds of today's units (a linked report published before its data changed).
    published, hidden, ratios = consistent(system, published, hidden, ratios)
    return LinkedSystem(system, published, hidden, ratios, unmarked)


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
    with collector_paused():
        return _build_joint(scope, period, progress, linked=linked, protected=protected)


def _build_joint(
    scope: str,
    period: Period,
    progress: Progress | None,
    *,
    linked: Sequence[Linked],
    protected: bool,
) -> tuple[dict[str, Any], LinkedSystem]:
    step = progress or (lambda _p: None)
    mark = watermark()  # before anything is read: a change made during the build is after it
    munis = municipalities()
    ctx = Context(scope, period, munis)
    years = {period.start.year, *(o.period.start.year for o in linked)}
    facts = Facts(
        munis,
        [period, *(o.period for o in linked), *(q for y in years for q in linked_periods(year(y)))],
    )
    facts.read_ahead()
    draft = counts(ctx, facts)
    step(25)
    prefix = tag(scope, period)
    joint = linked_system(munis, (scope, period), draft, linked, facts)
    own = {prefix + c.key for c in draft.cells}  # a count of nothing is published as 0
    mine: set[str] = set()
    if protected:
        mine = protect(
            joint.system,
            free=own,
            fixed_hidden=joint.hidden,
            fixed_published=joint.published,
            ratios=joint.ratios,
            unmarked=joint.unmarked,
            witnesses=joint.witnesses,
        )
    step(45)
    values = draft.values()
    hide = {k[len(prefix) :] for k in mine}
    tables = [fill(t, values, hide) for t in draft.tables]
    tables.append(medskick_table(ctx))
    tables.append(priority_table(ctx))
    if scope == Scope.ALL:
        tables.append(activity_table(ctx))
        tables += meeting_tables(ctx)
    step(55)
    medians = acknowledge_medians(ctx)
    measures = success_measures(ctx, shares(tables, ctx.rows), facts, mark)
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
