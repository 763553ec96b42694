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
- `audit` is the exact check of what is published, read from the published values only (HiGHS
  via `scipy.optimize.milp`): for each hidden cell, a value of at least the threshold and a
  second value that the attacker cannot rule out, each shown by a feasible point; a point found
  for one cell shows a value of every cell of its part, so one solve settles many cells.
  `intervals` gives each cell's exact minimum and maximum.
"""

from __future__ import annotations

import heapq
import importlib
import itertools
import operator
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from sutohamu.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix
else:
    np = lazy_module("numpy", globals(), "np")

# How far a finest cell may move from its true count in the search for complementary cells (a
# bound on the search only; every choice is then checked against the unbounded attacker).
_SLACK = 10
# A part of this many finest cells or more is asked block by block first (`System`, `links`).
LOCAL_FROM = 1_000
# How many other blocks a block is asked with (`_Attacker._block`).
_PARTNERS = 3
# The attacker's counts are bounded only to keep the solver's numbers finite.
_ATTACKER_CEILING = 1_000_000
# Every solve runs without HiGHS's feasibility-jump heuristic. A region's question
# (`_Attacker._local_reach`: tens of finest cells, about 1,500 of them in a national build) spent
# 4 of its 5.7 ms in it, and replayed, the national build's 1,682 solves took 3.70 s with it on
# for the whole part's questions and 3.20 s with it off for all, each with the same status and
# objective. The answer is the same (a solve only shows a point feasible, which is then checked
# against every row); the point found may be another of the same objective, and the national
# and county reports' figures came out byte for byte the same.
_OPTIONS = {
    "disp": False,
    "presolve": True,
    "time_limit": 60.0,
    "mip_heuristic_run_feasibility_jump": False,
}


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


def differences(
    prefix: str,
    whole: Sequence[Cell],
    part: Sequence[Cell],
    weights: Mapping[Any, int] | None = None,
    part_zeros: Iterable[str] = (),
) -> list[Cell]:
    """The counts no table shows but two published views give by subtraction: cell by cell,
    the units of `whole` outside `part` (the whole cooperation's view minus Agera's VBE view of
    the same period: the units outside violent extremism). Keys prefixed by `prefix`; only the
    cells both views have, where `part`'s units are among `whole`'s (a plain difference).

    They are counts of a linked table that is never published: the callers pass them as
    `unmarked`, so that no pair of published views proves one of 1-4 small (or pins it).
    `weights`: as for `System`; `part_zeros`: the keys of `part`'s cells that count nothing,
    given as keys only (`System`'s `zeros`)."""
    theirs = {c.key: c for c in part}
    nothing = set(part_zeros)
    out = []
    for cell in whole:
        other = theirs.get(cell.key)
        if other is None:
            if cell.key not in nothing:
                continue
            rest = cell.members
        elif not other.members <= cell.members:
            continue
        else:
            rest = cell.members - other.members
        out.append(Cell(prefix + cell.key, size(rest, weights), rest))
    return out


def size(members: Set[Hashable], weights: Mapping[Any, int] | None = None) -> int:
    """How many units `members` stand for (a weighted unit for `weights[unit]` of them)."""
    if not weights:
        return len(members)
    return sum(map(weights.get, members, itertools.repeat(1)))  # weights.get(u, 1), in C


def _signatures(cells: Sequence[Cell], weights: Mapping[Any, int]) -> dict[tuple[int, ...], int]:
    """How many units count in exactly each set of cells (by cell index, ascending): the
    finest cells. Integer units (the report's, millions of memberships) are grouped with NumPy;
    any other hashable units one by one."""
    if all(type(u) is int for c in cells for u in itertools.islice(c.members, 1)):
        try:
            return _int_signatures(cells, weights)
        except (TypeError, ValueError, OverflowError):
            pass  # a member that is not an int64 after all: the general way
    signature: dict[Hashable, list[int]] = {}
    for i, c in enumerate(cells):
        for unit in c.members:
            signature.setdefault(unit, []).append(i)
    counts: dict[tuple[int, ...], int] = {}
    for unit, sig in signature.items():
        counts[tuple(sig)] = counts.get(tuple(sig), 0) + weights.get(unit, 1)
    return counts


def _int_signatures(
    cells: Sequence[Cell], weights: Mapping[Any, int]
) -> dict[tuple[int, ...], int]:
    """`_signatures` for integer units: the (unit, cell) pairs sorted by unit then cell give
    each unit's run of cells; units are grouped by a 128-bit hash of their run, and each group
    is then checked run for run against its first unit (exact: a collision would be found and
    the general way taken instead)."""
    # `map` with `attrgetter`: the loops over the cells run in C (a national build: 852,048
    # cells, 3.6 million memberships).
    members = operator.attrgetter("members")
    sizes = np.fromiter(map(len, map(members, cells)), dtype=np.int64, count=len(cells))
    total = int(sizes.sum())
    if total == 0:
        return {}
    units = np.fromiter(
        itertools.chain.from_iterable(map(members, cells)), dtype=np.int64, count=total
    )
    which = np.repeat(np.arange(len(cells), dtype=np.int64), sizes)
    # By unit, and within a unit by cell: `which` already ascends, so a stable sort by unit
    # alone keeps each unit's cells in order (one sort instead of `lexsort`'s two).
    order = np.argsort(units, kind="stable")
    units, which = units[order], which[order]
    starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]])
    lengths = np.diff(np.r_[starts, total])
    owner = np.repeat(np.arange(len(starts)), lengths)
    rng = np.random.default_rng(20_240_601)
    salts = rng.integers(1, 2**63 - 1, size=(2, len(cells)), dtype=np.uint64)
    first = np.add.reduceat(salts[0][which], starts)  # wraps around: a hash, not a sum
    second = np.add.reduceat(salts[1][which], starts)
    keys = np.stack([first, second, lengths.astype(np.uint64)], axis=1)
    _distinct, leader_of, group = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    group = group.reshape(-1)
    weight = np.ones(len(starts), dtype=np.int64)
    given = [(unit, n) for unit, n in weights.items() if type(unit) is int]
    if given:  # each weighted unit's place among the units present, all at once
        present = units[starts]
        weighted = np.fromiter((u for u, _n in given), dtype=np.int64, count=len(given))
        at = np.searchsorted(present, weighted)
        found = at < len(present)
        found[found] = present[at[found]] == weighted[found]
        weight[at[found]] = np.fromiter((n for _u, n in given), dtype=np.int64)[found]
    sizes_of = np.bincount(group, weights=weight, minlength=len(leader_of)).astype(np.int64)
    leader = leader_of[group]  # each unit's group's first unit
    offset = np.arange(total) - starts[owner]
    if not np.array_equal(which, which[starts[leader[owner]] + offset]):
        raise TypeError("hash collision")  # never seen; the general way is exact
    flat, begin, length = which.tolist(), starts.tolist(), lengths.tolist()
    return {
        tuple(flat[begin[u] : begin[u] + length[u]]): n
        for u, n in zip(leader_of.tolist(), sizes_of.tolist(), strict=True)
    }


def consistent(
    system: System,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio] = (),
) -> tuple[dict[str, int], set[str], list[Ratio]]:
    """What linked reports published that still holds of the units as they are now.

    The cells of a linked report are worked out from today's data, and so are the finest cells;
    a report published before its period's data changed (a case reported late, a backdated
    escalation, a correction) published counts of units that are no longer those: read as
    sums of today's finest cells, its figures contradict today's counts and the attacker's
    problem has no point at all, so that neither `protect` nor `audit` could ever pass a report
    linked to it. A figure that today's counts no longer meet tells the attacker nothing exact
    about today's units (the difference with a later report is today's count plus the
    unknown change), so it is left out: a published count that is not today's count, a
    hidden cell that is now zero, a share that today's counts do not round to. Every figure
    still true is kept, units changed or not (a difference with it is exact), so today's
    counts are always a point the attacker cannot rule out. Keys outside `system` are kept."""
    kept = {k: v for k, v in published.items() if not system.knows(k) or system.value(k) == v}
    still = {k for k in hidden if not system.knows(k) or system.value(k) > 0}
    shares = []
    for ratio in ratios:
        if not system.knows(ratio.numerator) or not system.knows(ratio.denominator):
            shares.append(ratio)
            continue
        num, den = system.value(ratio.numerator), system.value(ratio.denominator)
        tolerance = 1e-9
        if (
            100 * num - (ratio.value + ratio.half_width) * den <= tolerance
            and 100 * num - (ratio.value - ratio.half_width) * den >= -tolerance
        ):
            shares.append(ratio)
    return kept, still, shares


class System:
    """The cells of linked reports as sums of finest cells, split into independent parts."""

    def __init__(
        self,
        cells: Sequence[Cell],
        floors: Iterable[str] = (),
        weights: Mapping[Any, int] | None = None,
        links: Iterable[str] = (),
        local_from: int | None = None,
        zeros: Iterable[str] = (),
    ) -> None:
        """`floors`: the cells the attacker will know to be at least 1 when they are not zero,
        published or not (every count of a linked report is published or marked "..", once
        all are out), granted now so that a linked report published later, at worst hiding
        every count, tells nothing the protection did not already allow for.

        `weights`: a unit that stands for several units counted in exactly the same cells of
        every linked report (interchangeable for the attacker) and how many (1 if absent); the
        finest cells and their counts are those of the units one by one.

        `links`: the cells that join otherwise separate blocks of a part (the total rows, which
        join the municipalities): a part's blocks are its finest cells joined by the other
        cells. In a part of `local_from` (`LOCAL_FROM` if None) finest cells or more, the
        attacker's questions are asked of a block and its likeliest partners first, every
        finest cell outside them held at a point already known to be feasible (hierarchical
        suppression's subtables with their marginals fixed, as tau-ARGUS's HITAS): a point
        found so is a point of the whole part, checked against every row before it is taken,
        and only a question no such region answers is asked of the whole.

        `zeros`: the keys of cells that count nothing, given as keys only (a cell of `cells`
        with no unit and 0 is taken as one of them)."""
        every = list(cells)
        keys = list(map(operator.attrgetter("key"), every))
        values = list(map(operator.attrgetter("value"), every))
        # A cell that counts nothing (no unit, and 0) is a known 0 that joins no finest cells:
        # no row of any attacker. Such cells (764,072 of a national system's 852,048) are kept
        # as keys only, so that every per-cell step below runs over the cells that count.
        counting = list(
            map(
                operator.or_,
                map(bool, map(operator.attrgetter("members"), every)),
                map(bool, values),
            )
        )
        self.cells = list(itertools.compress(every, counting))
        kept = list(itertools.compress(keys, counting))
        self.index = dict(zip(kept, range(len(kept)), strict=True))
        zeros = list(zeros)
        self._zeros = set(itertools.compress(keys, map(operator.not_, counting)))
        self._zeros.update(zeros)
        if len(self.index) + len(self._zeros) != len(keys) + len(zeros) or not (
            self._zeros.isdisjoint(self.index)
        ):
            raise ValueError("cell keys must be unique")
        # The floors that count something, by set operations (the national build's 852,048
        # cells were looked up one by one).
        wanted = set(floors)
        unknown = wanted - self.index.keys() - self._zeros
        if unknown:
            raise KeyError(min(unknown))
        values = list(itertools.compress(values, counting))
        # Each counting cell's count by key (`value`, asked hundreds of thousands of times).
        self._values = dict(zip(kept, values, strict=True))
        positive = itertools.compress(kept, map((0).__lt__, values))
        self.floors = sorted(wanted.intersection(positive))
        counts = _signatures(self.cells, weights or {})
        ordered = sorted(counts)
        self.fine_count = np.array([counts[s] for s in ordered], dtype=float)
        # Each cell's finest cells, ascending (from the (finest cell, cell) pairs sorted by cell).
        lengths = np.fromiter((len(s) for s in ordered), dtype=np.int64, count=len(ordered))
        which = np.fromiter(
            itertools.chain.from_iterable(ordered), dtype=np.int64, count=int(lengths.sum())
        )
        fine = np.repeat(np.arange(len(ordered), dtype=np.int64), lengths)
        by_which = np.argsort(which, kind="stable")
        by_cell = fine[by_which]
        sizes = np.bincount(which, minlength=len(self.cells))
        ends = np.cumsum(sizes)
        flat = by_cell.tolist()
        # A cell with a count but no units (given so, not the report's) covers no finest cell.
        self.cover: list[Sequence[int]] = [
            flat[a:b] for a, b in zip((ends - sizes).tolist(), ends.tolist(), strict=True)
        ]
        # Parts: finest cells joined by a cell that covers both (each joined to the cell's first).
        # With NumPy (part -1: a cell that covers no finest cell).
        covering = sizes > 0
        first_fine = np.zeros(len(self.cells), dtype=np.int64)
        first_fine[covering] = by_cell[(ends - sizes)[covering]]
        firsts = np.repeat(first_fine, sizes)
        self.part_of_fine = _components(len(ordered), firsts, by_cell)
        parts = np.asarray(self.part_of_fine, dtype=np.int64)
        self.cell_part = np.where(covering, parts[first_fine] if len(parts) else -1, -1).tolist()
        self.local_from = LOCAL_FROM if local_from is None else local_from
        linking = np.zeros(len(self.cells), dtype=bool)
        for key in links:
            if key in self.index:
                linking[self.index[key]] = True
        if linking.any():
            inner = ~linking[which[by_which]]
            self.block_of_fine = _components(len(ordered), firsts[inner], by_cell[inner])
        else:
            self.block_of_fine = self.part_of_fine

    def knows(self, key: str) -> bool:
        """Whether `key` is a cell of the system (one that counts nothing included)."""
        return key in self.index or key in self._zeros

    def value(self, key: str) -> int:
        found = self._values.get(key)
        if found is not None:
            return found
        if key in self._zeros:
            return 0
        raise KeyError(key)

    def cover_of(self, key: str) -> Sequence[int]:
        """The finest cells `key` sums (none for a cell that counts nothing)."""
        i = self.index.get(key)
        if i is not None:
            return self.cover[i]
        if key in self._zeros:
            return ()
        raise KeyError(key)

    def part_of(self, key: str) -> int:
        """The part of `key`'s finest cells, -1 for a cell that covers none."""
        i = self.index.get(key)
        if i is not None:
            return self.cell_part[i]
        if key in self._zeros:
            return -1
        raise KeyError(key)

    def part_keys(self, part: int) -> list[str]:
        """The keys of a part's cells, in the order of the cells."""
        if not hasattr(self, "_part_keys"):
            grouped: dict[int, list[str]] = {}
            for cell, p in zip(self.cells, self.cell_part, strict=True):
                if p >= 0:
                    grouped.setdefault(p, []).append(cell.key)
            self._part_keys = grouped
        return self._part_keys.get(part, [])

    def part_floors(self, part: int) -> list[str]:
        """The floors of a part, in the order of `floors`."""
        if not hasattr(self, "_part_floors"):
            grouped: dict[int, list[str]] = {}
            for key in self.floors:
                p = self.part_of(key)
                if p >= 0:
                    grouped.setdefault(p, []).append(key)
            self._part_floors = grouped
        return self._part_floors.get(part, [])

    def part_fine(self, part: int) -> list[int]:
        """The finest cells of a part, in order."""
        if not hasattr(self, "_part_fine"):
            grouped: dict[int, list[int]] = {}
            for f, p in enumerate(self.part_of_fine):
                grouped.setdefault(p, []).append(f)
            self._part_fine = grouped
        return self._part_fine.get(part, [])


# SciPy's parts the attacker uses, as `load_solver` imports them.
SOLVER_MODULES = ("scipy.sparse", "scipy.sparse.csgraph", "scipy.optimize")


def load_solver(**_signal: Any) -> None:
    """Import SciPy's parts now rather than on the first solve. A Celery worker does it when it
    boots (the `worker_init` signal, connected in `ReportsConfig.ready`), before its pool forks,
    so every child, and a child started again after `--max-memory-per-child`, builds its first
    report without the import (about 0.46 s of CPU); a web worker never calls it."""
    for name in SOLVER_MODULES:
        importlib.import_module(name)


def _csr(*args: Any, **kwargs: Any) -> csr_matrix:
    """SciPy's sparse matrix. SciPy is imported here and in `_milp`, on a process's first solve,
    not when the app loads: about 0.4 s of CPU that a web or reminder worker never needs."""
    from scipy.sparse import csr_matrix

    return csr_matrix(*args, **kwargs)


def _vstack(blocks: list[Any]) -> csr_matrix:
    from scipy.sparse import vstack

    return vstack(blocks, format="csr")


def _hstack_zeros(matrix: Any, columns: int) -> csr_matrix:
    """`matrix` with `columns` columns of zeros on its right."""
    from scipy.sparse import csr_matrix as csr

    return csr(
        (matrix.data, matrix.indices, matrix.indptr),
        shape=(matrix.shape[0], matrix.shape[1] + columns),
    )


def _components(n: int, a: np.ndarray, b: np.ndarray) -> list[int]:
    """The connected components of `n` nodes joined by the edges `a[i]`-`b[i]`: a label per
    node (SciPy imported on first use, as in `_csr`)."""
    if n == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    return labels.tolist()


def _milp(
    objective: np.ndarray,
    matrix: csr_matrix | None,
    lower: np.ndarray,
    upper: np.ndarray,
    var_lower: np.ndarray,
    var_upper: np.ndarray,
) -> tuple[int, float, np.ndarray | None]:
    """HiGHS through SciPy: the integer attacker's problem, `lower <= matrix @ x <= upper`.
    SciPy passes an option it does not name to HiGHS as it is, with a warning each time."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = [LinearConstraint(matrix, lower, upper)] if matrix is not None else []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
        result = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(len(objective)),
            bounds=Bounds(var_lower, var_upper),
            options=dict(_OPTIONS),  # SciPy takes the keys it knows out of the dict
        )
    return int(result.status), float(result.fun or 0.0), result.x


class _Attacker:
    """The attacker's problem over one part for one state of what is published and hidden (its
    rows: published counts, hidden ones at least 1, floors, shares), built once as a sparse
    matrix and asked many questions; and the points it has found feasible (whole numbers of
    every finest cell of the part), each of which shows a value of every cell of the part that
    the attacker cannot rule out.

    Hiding a published cell only trades its equality for "at least 1", which its value (more
    than 0) met: a point found feasible stays feasible while `protect` hides more, so protect
    keeps one attacker per part and tells it what it hides (`hide`)."""

    def __init__(
        self,
        system: System,
        part: int,
        published: Mapping[str, int],
        hidden: Iterable[str],
        ratios: Sequence[Ratio],
        *,
        spread: bool = False,
        order: Mapping[str, int] | None = None,
    ) -> None:
        """`order`: each key of `published` by its place in it (a national system's hundreds of
        thousands of published cells are then not read once per part: only the part's own)."""
        self.system = system
        self.spread = spread
        self.fine = system.part_fine(part)
        self.where = {f: j for j, f in enumerate(self.fine)}
        self.part = part
        self.size = len(self.fine)
        self.points: list[np.ndarray] = []
        self._stack: np.ndarray | None = None
        self._stacked = 0  # how many of `points` are in `_stack`
        # Asked block by block first (`System`, `links`), from `base`: a point of the part known
        # to be feasible (the true counts, once `admit` took them).
        self.local = (
            system.block_of_fine is not system.part_of_fine and self.size >= system.local_from
        )
        self.block = np.asarray(system.block_of_fine)[self.fine] if self.local else None
        self.base: np.ndarray | None = None
        self._blocks: dict[int, tuple[np.ndarray, Any, np.ndarray]] = {}
        self._names: dict[tuple[str, ...], int] | None = None
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None
        # Kept with the matrix: its columns' form, and its product with `base`; and each
        # block's partners, chosen once.
        self._csc: Any = None
        self._at_base: np.ndarray | None = None
        self._regions: dict[int, np.ndarray] = {}
        # Row name -> (columns, coefficients, lower, upper); insertion-ordered.
        self.rows: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, float, float]] = {}
        cols = self._columns
        if order is None:
            items: Iterable[tuple[str, int]] = published.items()
        else:  # the same rows in the same order: the part's published cells by their place
            mine = [k for k in system.part_keys(part) if k in published]
            mine.sort(key=order.__getitem__)
            items = ((k, published[k]) for k in mine)
        for key, value in items:
            if (c := cols(key)) is not None:
                self.rows["=", key] = (c, np.ones(len(c)), value, value)
        hidden = set(hidden)
        for key in sorted(hidden):
            if (c := cols(key)) is not None:
                self.rows[">", key] = (c, np.ones(len(c)), 1, np.inf)  # zeros are published
        for key in system.floors if order is None else system.part_floors(part):
            if key in hidden or key in published:
                continue
            if (c := cols(key)) is not None:
                # A count of a linked report not out yet: not zero.
                self.rows[">", key] = (c, np.ones(len(c)), 1, np.inf)
        for ratio in ratios:
            num, den = cols(ratio.numerator), cols(ratio.denominator)
            if num is None or den is None:
                continue
            # value - w <= 100 num / den <= value + w, with den > 0.
            for share, lo, hi in (
                (ratio.value + ratio.half_width, -np.inf, 0.0),
                (ratio.value - ratio.half_width, 0.0, np.inf),
            ):
                entries = dict.fromkeys(den.tolist(), -share)
                for j in num.tolist():
                    entries[j] = 100.0 - share if j in entries else 100.0
                keep = sorted(j for j, v in entries.items() if v != 0.0)
                name = ("%", ratio.numerator, ratio.denominator, str(share))
                self.rows[name] = (
                    np.array(keep, dtype=np.int64),
                    np.array([entries[j] for j in keep]),
                    lo,
                    hi,
                )
        self._matrix: csr_matrix | None = None

    def _columns(self, key: str) -> np.ndarray | None:
        i = self.system.index.get(key)
        if i is None or self.system.cell_part[i] != self.part:
            return None
        return np.array([self.where[f] for f in self.system.cover[i]], dtype=np.int64)

    def hide(self, key: str) -> None:
        """`key` is hidden from now on: its equality goes, "at least 1" comes."""
        columns = self._columns(key)
        if columns is None:
            return
        self.rows.pop(("=", key), None)
        self.rows[">", key] = (columns, np.ones(len(columns)), 1, np.inf)
        self._matrix = None
        self._blocks = {}
        self._names = None
        self._bounds = None
        self._csc = None
        self._at_base = None

    def _bounds_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows' bounds (kept, as the matrix, until the rows change)."""
        if self._bounds is None:
            rows = self.rows.values()
            self._bounds = (
                np.array([r[2] for r in rows], dtype=float),
                np.array([r[3] for r in rows], dtype=float),
            )
        return self._bounds

    def matrix(self, extra: np.ndarray | None = None) -> csr_matrix:
        if extra is None and self._matrix is not None:
            return self._matrix
        columns = [r[0] for r in self.rows.values()]
        coefficients = [r[1] for r in self.rows.values()]
        if extra is not None:
            return self._build([*columns, extra], [*coefficients, np.ones(len(extra))])
        self._matrix = self._build(columns, coefficients)
        return self._matrix

    def _build(self, columns: list[np.ndarray], coefficients: list[np.ndarray]) -> csr_matrix:
        indptr = np.zeros(len(columns) + 1, dtype=np.int64)
        np.cumsum([len(c) for c in columns], out=indptr[1:])
        indices = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
        data = np.concatenate(coefficients) if coefficients else np.zeros(0)
        return _csr((data, indices, indptr), shape=(len(columns), self.size))

    def vector(self, key: str) -> np.ndarray:
        row = np.zeros(self.size)
        columns = self._columns(key)
        if columns is not None:
            row[columns] = 1.0
        return row

    def _run(
        self, objective: np.ndarray, extra: tuple[np.ndarray, float, float] | None = None
    ) -> tuple[int, float, np.ndarray | None]:
        lower, upper = self._bounds_arrays()
        matrix = self.matrix(None if extra is None else extra[0])
        if extra is not None:
            lower = np.append(lower, extra[1])
            upper = np.append(upper, extra[2])
        status, fun, x = _milp(
            objective,
            matrix if len(lower) else None,
            lower,
            upper,
            np.zeros(self.size),
            np.full(self.size, float(_ATTACKER_CEILING)),
        )
        if status == 0 and x is not None:
            self.points.append(np.round(x))
        return status, fun, x

    def bounds(self, key: str) -> tuple[int, int] | None:
        """The least and the greatest value of `key` (None: no feasible point)."""
        objective = self.vector(key)
        out = []
        for sign in (1.0, -1.0):
            status, fun, _x = self._run(sign * objective)
            if status != 0:
                return None
            out.append(round(sign * fun))
        return out[0], out[1]

    def seen(self, key: str) -> set[int]:
        """The values of `key` at the points found feasible."""
        columns = self._columns(key)
        if columns is None or not self.points:
            return set()
        count = len(self.points)
        if self._stack is None or len(self._stack) < count:
            # Room for twice as many: the points found since are copied in, not all again.
            grown = np.empty((2 * count, self.size))
            if self._stack is not None:
                grown[: self._stacked] = self._stack[: self._stacked]
            self._stack = grown
        if self._stacked < count:
            self._stack[self._stacked : count] = self.points[self._stacked :]
            self._stacked = count
        return set(np.rint(self._stack[:count, columns].sum(axis=1)).astype(int).tolist())

    def reach(self, key: str, lo: float, hi: float, *, whole: bool = True) -> bool:
        """Is there a value of `key` in [lo, hi] that the attacker cannot rule out? A point
        already found answers without a solve; then `key`'s block alone (every other finest
        cell held at `base`), then, unless `whole` is False, the whole part. True only with a
        point that meets every row of the part."""
        if any(lo <= v <= hi for v in self.seen(key)):
            return True
        columns = self._columns(key)
        if columns is None:
            return False
        # `protect` asks only whether a value can be reached, and asks it of cell after cell:
        # a point with every finest cell as large as the rows allow (the most any solve may
        # give) answers most of the questions that follow without a solve of their own (about
        # half the solves on the demo; the answers, and so the cells hidden, are the same).
        objective = -np.ones(self.size) if self.spread else np.zeros(self.size)
        if self._local_reach(columns, lo, hi, objective):
            return True
        if not whole:
            return False
        status, _fun, _x = self._run(objective, (columns, lo, hi))
        return status == 0

    def _block(self, columns: np.ndarray) -> tuple[np.ndarray, Any, np.ndarray] | None:
        """The region asked first for `columns`, all in one block: that block and the
        `_PARTNERS` blocks most likely to move with it (None: no base point, or `columns` in
        more than one block): its columns, the rows that touch it (restricted to its columns,
        as a sparse matrix) and those rows' indices. Kept until the rows change (`hide`).

        One block alone is pinned by the total rows (every other municipality held, a column
        total fixes the column's cell), so it is asked with partners: the blocks whose cells
        that may move (under a hidden or not yet published count, a row "at least 1") lie
        under the most total rows that the key's block's own such cells lie under, as a
        hidden cell's rectangle is completed in another municipality of the same columns."""
        if self.block is None or self.base is None or not len(columns):
            return None
        labels = self.block[columns]
        label = int(labels[0])
        if np.any(labels != label):
            return None
        if label not in self._blocks:
            matrix = self.matrix()
            # Partners chosen before this cell was hidden are kept.
            inside = self._regions.get(label)
            if inside is None:
                inside = self._regions[label] = self._region(label, columns, matrix)
            if self._csc is None:
                self._csc = matrix.tocsc()
            restricted = self._csc[:, inside].tocsr()
            touched = np.flatnonzero(np.diff(restricted.indptr) > 0)
            self._blocks[label] = (inside, restricted[touched], touched)
        return self._blocks[label]

    def _region(self, label: int, columns: np.ndarray, matrix: Any) -> np.ndarray:
        """The block's finest cells and those of its likeliest partner blocks."""
        assert self.block is not None  # `_block` asks only when the part has blocks
        names = list(self.rows)
        at_least = np.array([name[0] == ">" for name in names], dtype=bool)
        counts = np.diff(matrix.indptr)
        row_of = np.repeat(np.arange(len(names)), counts)
        blocks_of_row = self.block[matrix.indices]
        # A row linking blocks: its entries in more than one block.
        first = np.full(len(names), -1)
        first[row_of[::-1]] = blocks_of_row[::-1]
        differs = (blocks_of_row != first[row_of]).astype(float)
        linking = np.bincount(row_of, weights=differs, minlength=len(names)) > 0
        movable = np.zeros(self.size, dtype=bool)
        movable[matrix.indices[at_least[row_of] & ~linking[row_of]]] = True
        mine = self.block == label
        key_cols = movable & mine
        key_cols[columns] = True
        # The linking rows over the key block's movable cells.
        over = np.zeros(len(names), dtype=bool)
        hit = linking[row_of] & key_cols[matrix.indices]
        over[row_of[hit]] = True
        sel = over[row_of] & movable[matrix.indices] & ~mine[matrix.indices]
        weight = np.bincount(matrix.indices[sel], minlength=self.size).astype(float)
        score = np.bincount(self.block, weights=weight)
        score[label] = -1
        ranked = [int(b) for b in np.argsort(-score, kind="stable")[:_PARTNERS] if score[b] > 0]
        return np.flatnonzero(np.isin(self.block, [label, *ranked]))

    def _block_rows(
        self, inside: np.ndarray, rows: Any, touched: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The bounds of the rows touching a block, less what the cells outside it give at
        `base` (held there)."""
        assert self.base is not None
        lower, upper = self._bounds_arrays()
        if self._at_base is None:
            self._at_base = self.matrix() @ self.base
        outside = self._at_base[touched] - rows @ self.base[inside]
        return lower[touched] - outside, upper[touched] - outside

    def _take(self, inside: np.ndarray, x: np.ndarray) -> bool:
        """The base point with the block's cells at `x`, taken if it meets every row."""
        assert self.base is not None
        point = self.base.copy()
        point[inside] = np.round(x[: len(inside)])
        return self.admit(point)

    def _local_reach(
        self, columns: np.ndarray, lo: float, hi: float, objective: np.ndarray
    ) -> bool:
        found = self._block(columns)
        if found is None:
            return False
        inside, rows, touched = found
        lower, upper = self._block_rows(inside, rows, touched)
        target = _csr(
            (np.ones(len(columns)), np.searchsorted(inside, columns), [0, len(columns)]),
            shape=(1, len(inside)),
        )
        status, _fun, x = _milp(
            objective[inside],
            _vstack([rows, target]),
            np.append(lower, lo),
            np.append(upper, hi),
            np.zeros(len(inside)),
            np.full(len(inside), float(_ATTACKER_CEILING)),
        )
        return status == 0 and x is not None and self._take(inside, x)

    def cheapest_in_block(
        self,
        key: str,
        target: tuple[float, float],
        free: Set[str],
        published: Mapping[str, int],
        *,
        whole: bool = False,
    ) -> list[str] | None:
        """The published free cells inside `key`'s block of least total value whose hiding lets
        `key` reach `target` with every finest cell outside the block held at `base` (the search
        on the block): then a point of the whole part shows it, so they protect it. None when
        the block alone cannot (or `key` is no block's). `whole`: over the whole part instead
        (the search on this attacker's rows, built once rather than for every question)."""
        columns = self._columns(key)
        if columns is None:
            return None
        truth = self.system.fine_count[self.fine]
        if whole:
            matrix = self.matrix()
            inside = np.arange(self.size)
            rows, touched = matrix, np.arange(matrix.shape[0])
            lower, upper = self._bounds_arrays()
        else:
            found = self._block(columns)
            if found is None:
                return None
            inside, rows, touched = found
            lower, upper = self._block_rows(inside, rows, touched)
        region = np.zeros(self.size, dtype=bool)
        region[inside] = True
        position = {row: n for n, row in enumerate(touched.tolist())}
        if self._names is None:
            self._names = {name: n for n, name in enumerate(self.rows)}
        names = self._names
        candidates: list[tuple[str, int]] = []
        for k in sorted(name[1] for name in self.rows if name[0] == "="):
            if k not in free or published.get(k, 0) <= 0:
                continue
            cols = self._columns(k)
            if cols is None or not np.all(region[cols]):
                continue
            candidates.append((k, position[names["=", k]]))
        if not candidates:
            return None
        size, width = len(inside), len(inside) + len(candidates)
        keep = np.ones(len(touched), dtype=bool)
        keep[[n for _k, n in candidates]] = False
        base_rows = rows[np.flatnonzero(keep)]
        extra_r, extra_c, extra_v, lo_x, hi_x = [], [], [], [], []
        r = 0
        for j, (k, _n) in enumerate(candidates):
            own = self._columns(k)
            assert own is not None  # a candidate: its columns were found above
            cols = np.searchsorted(inside, own)
            value = float(published[k])
            big = value + _SLACK * len(cols)
            for coefficient, lo, hi in (
                (-big, -np.inf, value),
                (big, value, np.inf),
                (0, 1, np.inf),
            ):
                extra_r += [r] * len(cols)
                extra_c += cols.tolist()
                extra_v += [1.0] * len(cols)
                if coefficient:
                    extra_r.append(r)
                    extra_c.append(size + j)
                    extra_v.append(coefficient)
                lo_x.append(lo)
                hi_x.append(hi)
                r += 1
        key_cols = np.searchsorted(inside, columns)
        extra_r += [r] * len(key_cols)
        extra_c += key_cols.tolist()
        extra_v += [1.0] * len(key_cols)
        lo_x.append(target[0])
        hi_x.append(target[1])
        r += 1
        extra = _csr((extra_v, (extra_r, extra_c)), shape=(r, width))
        matrix = _vstack([_hstack_zeros(base_rows, len(candidates)), extra])
        objective = np.zeros(width)
        objective[size:] = [published[k] for k, _n in candidates]
        status, _fun, x = _milp(
            objective,
            matrix,
            np.concatenate([lower[keep], lo_x]),
            np.concatenate([upper[keep], hi_x]),
            np.zeros(width),
            np.concatenate([truth[inside] + _SLACK, np.ones(len(candidates))]),
        )
        if status != 0 or x is None:
            return None
        return [k for j, (k, _n) in enumerate(candidates) if x[size + j] > 0.5]

    def admit(self, point: np.ndarray) -> bool:
        """Take `point` as found feasible if it meets every row (the true counts, in the audit:
        feasible unless the published figures are not the true ones)."""
        lower, upper = self._bounds_arrays()
        values = self.matrix() @ point
        tolerance = 1e-6
        ok = bool(np.all(values >= lower - tolerance) and np.all(values <= upper + tolerance))
        if ok:
            self.points.append(point)
            if self.base is None:
                self.base = point
        return ok

    def admit_all(self, points: Sequence[np.ndarray]) -> int:
        """`admit` for many points at once (one product of the matrix with all of them): each
        taken only if it meets every row of this attacker. How many were taken."""
        if not points:
            return 0
        lower, upper = self._bounds_arrays()
        stack = np.vstack(points)
        values = (self.matrix() @ stack.T).T  # one row per point
        tolerance = 1e-6
        ok = np.all(values >= lower - tolerance, axis=1) & np.all(
            values <= upper + tolerance, axis=1
        )
        self.points += [p for p, good in zip(points, ok.tolist(), strict=True) if good]
        return int(ok.sum())


def intervals(
    system: System,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio] = (),
    unmarked: Iterable[str] = (),
) -> dict[str, tuple[int, int]]:
    """Each hidden cell's smallest and largest value the attacker cannot rule out, and those of
    the `unmarked` cells (counts of linked reports not published, which the attacker may still
    work out): two integer programmes a cell. Raises ValueError when the published values
    contradict each other."""
    hidden = sorted(set(hidden))
    out: dict[str, tuple[int, int]] = {}
    for part, keys in _by_part(system, hidden, sorted(set(unmarked) - set(hidden))).items():
        attacker = _Attacker(system, part, published, hidden, ratios)
        for key in keys:
            found = attacker.bounds(key)
            if found is None:
                raise ValueError(f"the published figures around {key} are inconsistent")
            out[key] = found
    return out


def _by_part(system: System, hidden: list[str], unmarked: list[str]) -> dict[int, list[str]]:
    by_part: dict[int, list[str]] = {}
    for key in hidden:
        if not system.knows(key) or not system.cover_of(key):
            raise ValueError(f"hidden cell {key} counts nothing")
        by_part.setdefault(system.part_of(key), []).append(key)
    for key in unmarked:
        if system.cover_of(key):
            by_part.setdefault(system.part_of(key), []).append(key)
    return by_part


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


def _targets(value: int, limit: int) -> list[tuple[float, float]]:
    """The ranges one of which the attacker must not be able to rule out."""
    if value < limit:
        return [(limit, np.inf)]
    return [(value + 1, np.inf), (1, value - 1)]


def protect(
    system: System,
    *,
    free: Iterable[str],
    fixed_hidden: Iterable[str] = (),
    fixed_published: Mapping[str, int] | None = None,
    ratios: Sequence[Ratio] = (),
    limit: int | None = None,
    unmarked: Iterable[str] = (),
    witnesses: dict[int, list[np.ndarray]] | None = None,
) -> set[str]:
    """The cells of `free` to hide (the rest of `free` is published at its value).

    `fixed_hidden` and `fixed_published` are what linked reports already published (their cells'
    keys are in `system`); they stay as they are and stay protected. `unmarked`: counts of linked
    reports not published (yet); none of 1-4 may be proved small. Deterministic.

    `witnesses`, when given, receives by part the points the search found feasible (whole
    numbers of the part's finest cells): they stay feasible for what is finally published, so
    the audit may take each one it checks against its own rows (`audit`) instead of solving for
    it again.
    """
    limit = threshold() if limit is None else limit
    free = set(free)
    # In key order, not the set's (which follows PYTHONHASHSEED): the attackers' rows, and so
    # the solver's inputs, are then the same in every process.
    in_order = sorted(free)
    published: dict[str, int] = dict(fixed_published or {})
    for k in in_order:
        published[k] = system.value(k)
    hidden = set(fixed_hidden)
    for k in in_order:
        if is_primary(published[k], limit):
            hidden.add(k)
            del published[k]
    guard = {k for k in unmarked if is_primary(system.value(k), limit)}
    # Cells are only ever taken out of `published` from here on: their places stay in order.
    order = {k: n for n, k in enumerate(published)}
    done: set[str] = set()
    # One attacker per part, kept while cells are hidden (its feasible points stay feasible).
    attackers: dict[int, _Attacker] = {}

    def attacker(key: str) -> _Attacker:
        part = system.part_of(key)
        if part not in attackers:
            made = _Attacker(system, part, published, hidden, ratios, spread=True, order=order)
            if made.local:  # a large part, asked block by block from the true counts
                made.admit(system.fine_count[made.fine])
            attackers[part] = made
        return attackers[part]

    def hide(chosen: Iterable[str]) -> None:
        for k in chosen:
            hidden.add(k)
            del published[k]
            if system.cover_of(k):
                heapq.heappush(todo, (system.value(k), k))
            part = system.part_of(k)
            if part in attackers:
                attackers[part].hide(k)

    # The cells to check, least (value, key) first: a heap, as the hidden cells grow.
    todo = [(system.value(k), k) for k in hidden | guard if system.cover_of(k)]
    heapq.heapify(todo)
    while True:
        while todo and todo[0][1] in done:
            heapq.heappop(todo)
        if not todo:
            if witnesses is not None:
                for part, asker in attackers.items():
                    witnesses.setdefault(part, []).extend(asker.points)
            return hidden & free
        value, key = todo[0]
        targets = _targets(value, limit)
        if key in guard and key not in hidden:
            targets = [(limit, np.inf)]  # not marked: only "not provably small" is asked
        asked = attacker(key)
        if any(asked.reach(key, *t, whole=False) for t in targets):
            done.add(key)
            continue
        if asked.local:
            # Hierarchical: cells of the key's own block protect it with the rest held at the
            # true counts (sound: a point of the whole part shows it); else the whole part.
            local: list[list[str]] = [
                near for t in targets if (near := asked.cheapest_in_block(key, t, free, published))
            ]
            if local:
                costs = [(sum(published[k] for k in o), len(o), o) for o in local]
                hide(min(costs)[2])
                continue
        if any(asked.reach(key, *t) for t in targets):
            done.add(key)
            continue
        options = [
            (sum(published[k] for k in chosen), len(chosen), chosen)
            for t in targets
            if (chosen := asked.cheapest_in_block(key, t, free, published, whole=True))
        ]
        if not options:
            raise DisclosureError([key])
        hide(min(options)[2])


def audit(
    system: System,
    published: Mapping[str, int],
    hidden: Iterable[str],
    ratios: Sequence[Ratio] = (),
    limit: int | None = None,
    unmarked: Iterable[str] = (),
    witnesses: Mapping[int, Sequence[np.ndarray]] | None = None,
) -> dict[str, tuple[int, int]]:
    """Refuse (DisclosureError) unless every hidden cell is protected, no count of 1-4 of an
    unpublished linked report (`unmarked`) can be proved small, and no small count is
    published; returns, for each cell checked, the least and greatest of the values found that
    the attacker cannot rule out (within the attacker's interval, `intervals`, and enough to
    show the protection: not one value, and reaching the threshold).

    The attacker reads the published values only. The true counts are one point it cannot rule
    out when the published values are the true ones (checked, not assumed); every point a
    solve finds shows a value of every cell of its part at once, so most cells need no solve
    of their own. `witnesses` (from `protect`): points offered by part, each taken only if it
    meets every row of the attacker here (a product of the matrix with it, no solve), so the
    audit stays exact whatever it is offered."""
    limit = threshold() if limit is None else limit
    # Only counts of people are cells of the system (meetings and the like are not protected).
    small = sorted(k for k, v in published.items() if system.knows(k) and is_primary(v, limit))
    if small:
        raise DisclosureError(small)
    hidden = set(hidden)
    guard = [k for k in unmarked if k not in hidden and is_primary(system.value(k), limit)]
    try:
        by_part = _by_part(system, sorted(hidden), sorted(set(guard)))
    except ValueError as error:
        raise DisclosureError([str(error)]) from error
    bounds: dict[str, tuple[int, int]] = {}
    order = {k: n for n, k in enumerate(published)}
    for part, keys in by_part.items():
        attacker = _Attacker(system, part, published, hidden, ratios, order=order)
        attacker.admit(system.fine_count[attacker.fine])
        attacker.admit_all((witnesses or {}).get(part, []))
        for key in keys:
            if not any(v >= limit for v in attacker.seen(key)):
                attacker.reach(key, limit, np.inf)
            values = attacker.seen(key)
            if key in hidden and len(values) == 1:  # pinned unless another value is possible
                (only,) = values
                _ = attacker.reach(key, only + 1, np.inf) or attacker.reach(key, -np.inf, only - 1)
                values = attacker.seen(key)
            if not values:
                raise DisclosureError([f"the published figures around {key} are inconsistent"])
            bounds[key] = (min(values), max(values))
    failing = unprotected(bounds, limit, guard)
    if failing:
        raise DisclosureError(failing)
    return bounds
