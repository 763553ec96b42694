"""Disclosure control against an attacker with an integer-programming solver.

The attacker (README, "Status reports": the attacker model) holds every published cell of every
linked report, knows that counts are non-negative integers, that a hidden cell ("..") is never
zero (zeros are published), and every published share with its rounding. Every cell is a sum of
finest cells: the units (cases, escalations, …) grouped by the set of cells they count in, over
all linked reports at once. The attacker is also granted which finest cells are empty, and
(`System.floors`) that every count of a linked report not out yet is at least 1 unless it is
zero: stricter than needed, never weaker. Counts that no table shows but two views give by
subtraction (`differences`) are guarded like the counts of linked reports not out yet.

Protection, for every hidden cell: its feasible integer interval is not a single value, and it
includes a value of at least the threshold (5), so that nobody can prove a count of 1-4 small.

- `protect` chooses the hidden cells: the primary ones (1 to threshold-1), then, while a hidden
  cell is not protected, the complementary cells of least total value that protect it, found by a
  small integer programme (the attacker's problem with the published cells allowed to move at a
  cost; the cells that must move are the ones to hide), like tau-ARGUS and SSB's GaussSuppression
  choose theirs. Hiding more only widens every interval, so one pass over the hidden cells ends.
- `intervals` is the exact audit: each hidden cell's minimum and maximum (HiGHS via
  `scipy.optimize.milp`), read from the published values only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

# How far a finest cell may move from its true count in the search for complementary cells (a
# bound on the search only; every choice is then checked against the unbounded attacker).
_SLACK = 10
# The attacker's counts are bounded only to keep the solver's numbers finite.
_ATTACKER_CEILING = 1_000_000
_OPTIONS = {"disp": False, "presolve": True, "time_limit": 60.0}


class DisclosureError(Exception):
    """A report whose published figures would let someone pin or prove small a hidden cell."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(f"unprotected cells: {', '.join(keys)}")
        self.keys = list(keys)


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Cell:
    """One count: its key, its value and the units it counts (any hashable ids)."""

    key: str
    value: int
    members: frozenset[Hashable] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Ratio:
    """A published share: 100 * numerator / denominator, shown as `value` ± `half_width`."""

    numerator: str
    denominator: str
    value: float
    half_width: float = 0.05


def is_primary(value: int, limit: int) -> bool:
    return 0 < value < limit


def differences(prefix: str, whole: Sequence[Cell], part: Sequence[Cell]) -> list[Cell]:
    """The counts no table shows but two published views give by subtraction: cell by cell,
    the units of `whole` outside `part` (the whole cooperation's view minus Agera's VBE view of
    the same period: the units outside violent extremism). Keys prefixed by `prefix`; only the
    cells both views have, where `part`'s units are among `whole`'s (a plain difference).

    They are counts of a linked table that is never published: the callers pass them as
    `unmarked`, so that no pair of published views proves one of 1-4 small (or pins it)."""
    theirs = {c.key: c for c in part}
    out = []
    for cell in whole:
        other = theirs.get(cell.key)
        if other is None or not other.members <= cell.members:
            continue
        rest = cell.members - other.members
        out.append(Cell(prefix + cell.key, len(rest), rest))
    return out


class System:
    """The cells of linked reports as sums of finest cells, split into independent parts."""

    def __init__(self, cells: Sequence[Cell], floors: Iterable[str] = ()) -> None:
        """`floors`: the cells the attacker will know to be at least 1 when they are not zero,
        published or not (every count of a linked report is published or marked "..", once
        all are out), granted now so that a linked report published later, at worst hiding
        every count, tells nothing the protection did not already allow for."""
        keys = [c.key for c in cells]
        if len(set(keys)) != len(keys):
            raise ValueError("cell keys must be unique")
        self.cells = list(cells)
        self.index = {c.key: i for i, c in enumerate(self.cells)}
        self.floors = sorted(k for k in set(floors) if self.cells[self.index[k]].value > 0)
        signature: dict[Hashable, list[int]] = {}
        for i, c in enumerate(self.cells):
            for unit in c.members:
                signature.setdefault(unit, []).append(i)
        counts: dict[tuple[int, ...], int] = {}
        for sig in signature.values():
            counts[tuple(sig)] = counts.get(tuple(sig), 0) + 1
        ordered = sorted(counts)
        self.fine_count = np.array([counts[s] for s in ordered], dtype=float)
        self.cover: list[list[int]] = [[] for _ in self.cells]
        for f, members in enumerate(ordered):
            for i in members:
                self.cover[i].append(f)
        # Parts: finest cells joined by a cell that covers both (union-find).
        parent = list(range(len(ordered)))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for fs in self.cover:
            for f in fs[1:]:
                ra, rb = find(fs[0]), find(f)
                if ra != rb:
                    parent[ra] = rb
        self.part_of_fine = [find(f) for f in range(len(ordered))]
        self.cell_part = [self.part_of_fine[fs[0]] if fs else -1 for fs in self.cover]

    def value(self, key: str) -> int:
        return self.cells[self.index[key]].value

    def part_cells(self, part: int) -> list[int]:
        return [i for i, p in enumerate(self.cell_part) if p == part]


@dataclass
class _Problem:
    """The attacker's constraints over one part: rows over that part's finest cells."""

    fine: list[int]
    rows: list[np.ndarray]
    lower: list[float]
    upper: list[float]

    def add(self, row: np.ndarray, lo: float, hi: float) -> None:
        self.rows.append(row)
        self.lower.append(lo)
        self.upper.append(hi)


def _problem(
    system: System,
    part: int,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio],
) -> _Problem:
    fine = [f for f, p in enumerate(system.part_of_fine) if p == part]
    where = {f: j for j, f in enumerate(fine)}
    problem = _Problem(fine, [], [], [])

    def row_of(key: str) -> np.ndarray | None:
        i = system.index.get(key)
        if i is None or system.cell_part[i] != part:
            return None
        row = np.zeros(len(fine))
        for f in system.cover[i]:
            row[where[f]] = 1.0
        return row

    for key, value in published.items():
        row = row_of(key)
        if row is not None:
            problem.add(row, value, value)
    hidden = set(hidden)
    for key in hidden:
        row = row_of(key)
        if row is not None:
            problem.add(row, 1, np.inf)  # zeros are published: a hidden cell is at least 1
    for key in system.floors:
        if key in hidden or key in published:
            continue
        row = row_of(key)
        if row is not None:
            problem.add(row, 1, np.inf)  # a count of a linked report not out yet, not zero
    for ratio in ratios:
        num, den = row_of(ratio.numerator), row_of(ratio.denominator)
        if num is None or den is None:
            continue
        # value - w <= 100 num / den <= value + w, with den > 0.
        problem.add(100 * num - (ratio.value + ratio.half_width) * den, -np.inf, 0)
        problem.add(100 * num - (ratio.value - ratio.half_width) * den, 0, np.inf)
    return problem


def _solve(
    objective: np.ndarray,
    rows: list[np.ndarray],
    lower: list[float],
    upper: list[float],
    var_lower: np.ndarray,
    var_upper: np.ndarray,
) -> tuple[int, float, np.ndarray | None]:
    constraints = (
        [LinearConstraint(csr_matrix(np.vstack(rows)), np.array(lower), np.array(upper))]
        if rows
        else []
    )
    result = milp(
        objective,
        constraints=constraints,
        integrality=np.ones(len(objective)),
        bounds=Bounds(var_lower, var_upper),
        options=_OPTIONS,
    )
    return int(result.status), float(result.fun or 0.0), result.x


def intervals(
    system: System,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio] = (),
    unmarked: Iterable[str] = (),
) -> dict[str, tuple[int, int]]:
    """The exact audit: each hidden cell's smallest and largest value the attacker cannot rule
    out, and those of the `unmarked` cells (counts of linked reports not published, which the
    attacker may still work out). Raises ValueError when the published values contradict each
    other."""
    hidden = sorted(set(hidden))
    out: dict[str, tuple[int, int]] = {}
    by_part: dict[int, list[str]] = {}
    for key in hidden:
        i = system.index.get(key)
        if i is None or not system.cover[i]:
            raise ValueError(f"hidden cell {key} counts nothing")
        by_part.setdefault(system.cell_part[i], []).append(key)
    for key in sorted(set(unmarked) - set(hidden)):
        i = system.index[key]
        if system.cover[i]:
            by_part.setdefault(system.cell_part[i], []).append(key)
    for part, keys in by_part.items():
        problem = _problem(system, part, published, hidden, ratios)
        where = {f: j for j, f in enumerate(problem.fine)}
        size = len(problem.fine)
        lo, hi = np.zeros(size), np.full(size, float(_ATTACKER_CEILING))
        for key in keys:
            objective = np.zeros(size)
            for f in system.cover[system.index[key]]:
                objective[where[f]] = 1.0
            bounds = []
            for sign in (1.0, -1.0):
                status, fun, _x = _solve(
                    sign * objective, problem.rows, problem.lower, problem.upper, lo, hi
                )
                if status != 0:
                    raise ValueError(f"the published figures around {key} are inconsistent")
                bounds.append(round(sign * fun))
            out[key] = (bounds[0], bounds[1])
    return out


def unprotected(
    bounds: Mapping[str, tuple[int, int]],
    limit: int | None = None,
    unmarked: Iterable[str] = (),
) -> list[str]:
    """The hidden cells whose interval is one value or holds no value of the threshold or more,
    and the `unmarked` ones (keys of true counts of 1-4) whose interval holds no such value."""
    limit = threshold() if limit is None else limit
    small = set(unmarked)
    return sorted(
        k for k, (lo, hi) in bounds.items() if hi < limit or (lo == hi and k not in small)
    )


def _witness(
    system: System,
    key: str,
    published: Mapping[str, int],
    hidden: set[str],
    ratios: Sequence[Ratio],
    lo: float,
    hi: float,
) -> bool:
    """Is there a value of `key` in [lo, hi] that the attacker cannot rule out?"""
    i = system.index[key]
    problem = _problem(system, system.cell_part[i], published, hidden, ratios)
    where = {f: j for j, f in enumerate(problem.fine)}
    row = np.zeros(len(problem.fine))
    for f in system.cover[i]:
        row[where[f]] = 1.0
    problem.add(row, lo, hi)
    size = len(problem.fine)
    status, _fun, _x = _solve(
        np.zeros(size),
        problem.rows,
        problem.lower,
        problem.upper,
        np.zeros(size),
        np.full(size, float(_ATTACKER_CEILING)),
    )
    return status == 0


def _targets(value: int, limit: int) -> list[tuple[float, float]]:
    """The ranges one of which the attacker must not be able to rule out."""
    if value < limit:
        return [(limit, np.inf)]
    return [(value + 1, np.inf), (1, value - 1)]


def _cheapest(
    system: System,
    key: str,
    published: Mapping[str, int],
    hidden: set[str],
    free: set[str],
    ratios: Sequence[Ratio],
    target: tuple[float, float],
) -> tuple[float, list[str]] | None:
    """The published free cells of least total value whose hiding lets `key` reach `target`."""
    i = system.index[key]
    part = system.cell_part[i]
    fixed = {k: v for k, v in published.items() if k not in free}
    problem = _problem(system, part, fixed, hidden, ratios)
    where = {f: j for j, f in enumerate(problem.fine)}
    size = len(problem.fine)
    candidates = [
        k
        for k in sorted(free)
        if k in published and published[k] > 0 and system.cell_part[system.index[k]] == part
    ]
    width = size + len(candidates)
    rows = [np.concatenate([r, np.zeros(len(candidates))]) for r in problem.rows]
    lower, upper = list(problem.lower), list(problem.upper)
    for j, k in enumerate(candidates):
        cover = system.cover[system.index[k]]
        row = np.zeros(width)
        for f in cover:
            row[where[f]] = 1.0
        big = published[k] + _SLACK * len(cover)
        up, down = row.copy(), row.copy()
        up[size + j] = -big  # sum - M z <= v
        down[size + j] = big  # sum + M z >= v
        rows += [up, down, row]
        lower += [-np.inf, published[k], 1]
        upper += [published[k], np.inf, np.inf]
    row = np.zeros(width)
    for f in system.cover[i]:
        row[where[f]] = 1.0
    rows.append(row)
    lower.append(target[0])
    upper.append(target[1])
    objective = np.zeros(width)
    objective[size:] = [published[k] for k in candidates]
    counts = system.fine_count[problem.fine]
    var_lower = np.concatenate([np.zeros(size), np.zeros(len(candidates))])
    var_upper = np.concatenate([counts + _SLACK, np.ones(len(candidates))])
    status, fun, x = _solve(objective, rows, lower, upper, var_lower, var_upper)
    if status != 0 or x is None:
        return None
    chosen = [k for j, k in enumerate(candidates) if x[size + j] > 0.5]
    return fun, chosen


def protect(
    system: System,
    *,
    free: Iterable[str],
    fixed_hidden: Iterable[str] = (),
    fixed_published: Mapping[str, int] | None = None,
    ratios: Sequence[Ratio] = (),
    limit: int | None = None,
    unmarked: Iterable[str] = (),
) -> set[str]:
    """The cells of `free` to hide (the rest of `free` is published at its value).

    `fixed_hidden` and `fixed_published` are what linked reports already published (their cells'
    keys are in `system`); they stay as they are and stay protected. `unmarked`: counts of linked
    reports not published (yet); none of 1-4 may be proved small. Deterministic.
    """
    limit = threshold() if limit is None else limit
    free = set(free)
    published: dict[str, int] = dict(fixed_published or {})
    for k in free:
        published[k] = system.value(k)
    hidden = set(fixed_hidden)
    for k in sorted(free):
        if is_primary(published[k], limit):
            hidden.add(k)
            del published[k]
    guard = {k for k in unmarked if is_primary(system.value(k), limit)}
    done: set[str] = set()
    while True:
        todo = sorted(
            (k for k in hidden | guard if k not in done and system.cover[system.index[k]]),
            key=lambda k: (system.value(k), k),
        )
        if not todo:
            return hidden & free
        key = todo[0]
        value = system.value(key)
        targets = _targets(value, limit)
        if key in guard and key not in hidden:
            targets = [(limit, np.inf)]  # not marked: only "not provably small" is asked
        if any(_witness(system, key, published, hidden, ratios, *t) for t in targets):
            done.add(key)
            continue
        options = [
            found
            for t in targets
            if (found := _cheapest(system, key, published, hidden, free, ratios, t))
        ]
        options = [o for o in options if o[1]]
        if not options:
            raise DisclosureError([key])
        _cost, chosen = min(options, key=lambda o: (o[0], len(o[1]), o[1]))
        for k in chosen:
            hidden.add(k)
            del published[k]


def audit(
    system: System,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio] = (),
    limit: int | None = None,
    unmarked: Iterable[str] = (),
) -> dict[str, tuple[int, int]]:
    """Refuse (DisclosureError) unless every hidden cell is protected, no count of 1-4 of an
    unpublished linked report (`unmarked`) can be proved small, and no small count is
    published; returns the attacker's intervals."""
    limit = threshold() if limit is None else limit
    # Only counts of people are cells of the system (meetings and the like are not protected).
    small = sorted(k for k, v in published.items() if k in system.index and is_primary(v, limit))
    if small:
        raise DisclosureError(small)
    hidden = set(hidden)
    guard = [k for k in unmarked if k not in hidden and is_primary(system.value(k), limit)]
    try:
        bounds = intervals(system, published, hidden, ratios, guard)
    except ValueError as error:
        raise DisclosureError([str(error)]) from error
    failing = unprotected(bounds, limit, guard)
    if failing:
        raise DisclosureError(failing)
    return bounds
