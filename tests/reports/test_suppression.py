"""Disclosure control: primary and secondary suppression, the audit, and an attacker who solves
the published system exactly (rational arithmetic, independent of the numpy code under test)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.suppression import (
    PRIMARY,
    SECONDARY,
    Cell,
    DisclosureError,
    audit,
    recoverable,
    suppress,
)

LIMIT = 5


def _rank(rows: list[list[Fraction]]) -> int:
    """Exact rank by Gaussian elimination over the rationals."""
    m = [r[:] for r in rows]
    rank, cols = 0, len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                factor = m[i][col] / m[rank][col]
                m[i] = [a - factor * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def attack(cells: list[Cell], hidden: set[str]) -> dict[str, Fraction]:
    """Every hidden cell the published cells determine, with the value the attacker finds.

    A hidden cell is determined exactly when adding its indicator to the published equations
    does not raise their rank; then its value follows from the published values (solved here).
    """
    size = 1 + max(m for c in cells for m in c.members)
    vec = lambda c: [Fraction(1 if i in c.members else 0) for i in range(size)]  # noqa: E731
    published = [c for c in cells if c.key not in hidden]
    base = [vec(c) for c in published]
    base_rank = _rank(base) if base else 0
    found = {}
    for c in cells:
        if c.key not in hidden or not c.members:
            continue
        if _rank([*base, vec(c)]) == base_rank:
            found[c.key] = _solve(published, c, size)
    return found


def _solve(published: list[Cell], target: Cell, size: int) -> Fraction:
    """Write the target as a combination of published rows and add up their values."""
    # Columns: the published rows; solve A^T y = x by elimination on the augmented matrix.
    n = len(published)
    aug = [
        [Fraction(1 if i in p.members else 0) for p in published]
        + [Fraction(1 if i in target.members else 0)]
        for i in range(size)
    ]
    row, where = 0, {}
    for col in range(n):
        pivot = next((i for i in range(row, size) if aug[i][col] != 0), None)
        if pivot is None:
            continue
        aug[row], aug[pivot] = aug[pivot], aug[row]
        aug[row] = [v / aug[row][col] for v in aug[row]]
        for i in range(size):
            if i != row and aug[i][col] != 0:
                f = aug[i][col]
                aug[i] = [a - f * b for a, b in zip(aug[i], aug[row], strict=True)]
        where[col] = row
        row += 1
    y = [aug[where[c]][n] if c in where else Fraction(0) for c in range(n)]
    return sum((coef * p.value for coef, p in zip(y, published, strict=True)), Fraction(0))


def table_cells(grid: list[list[int]], prefix: str = "t") -> list[Cell]:
    """A two-way table with its row, column and grand totals; finest cell i*cols+j."""
    rows, cols = len(grid), len(grid[0])
    out = []
    for i, j in itertools.product(range(rows), range(cols)):
        out.append(Cell(f"{prefix}|{i}|{j}", grid[i][j], frozenset({i * cols + j})))
    for i in range(rows):
        members = frozenset(i * cols + j for j in range(cols))
        out.append(Cell(f"{prefix}|{i}|T", sum(grid[i]), members))
    for j in range(cols):
        members = frozenset(i * cols + j for i in range(rows))
        out.append(Cell(f"{prefix}|T|{j}", sum(r[j] for r in grid), members))
    out.append(Cell(f"{prefix}|T|T", sum(map(sum, grid)), frozenset(range(rows * cols))))
    return out


def test_primary_suppression_hides_one_to_four_and_nothing_else_needed():
    cells = [Cell(k, v, frozenset({i})) for i, (k, v) in enumerate([("a", 0), ("b", 4), ("c", 5)])]
    status = suppress(cells, LIMIT)
    assert status == {"b": PRIMARY}


def test_threshold_is_a_setting(settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 3
    cells = [Cell("a", 3, frozenset({0})), Cell("b", 2, frozenset({1}))]
    assert suppress(cells) == {"b": PRIMARY}


def test_a_single_subtraction_is_blocked_by_the_smallest_complement():
    # A + B + C = T: with A hidden, publishing B, C and T gives A = T - B - C.
    cells = [
        Cell("A", 3, frozenset({0})),
        Cell("B", 10, frozenset({1})),
        Cell("C", 20, frozenset({2})),
        Cell("T", 33, frozenset({0, 1, 2})),
    ]
    status = suppress(cells, LIMIT)
    assert status == {"A": PRIMARY, "B": SECONDARY}
    assert attack(cells, set(status)) == {}


def test_attack_without_secondary_suppression_succeeds():
    """The attacker is real: on primary suppression alone it finds the hidden value."""
    cells = table_cells([[3, 8], [7, 9]])
    found = attack(cells, {"t|0|0"})
    assert found == {"t|0|0": 3}
    assert recoverable(cells, {"t|0|0"}) == ["t|0|0"]


def test_two_way_table_protected_against_rows_columns_and_totals():
    cells = table_cells([[3, 8, 12], [7, 9, 11], [6, 2, 10]])
    status = suppress(cells, LIMIT)
    assert {k for k, v in status.items() if v == PRIMARY} == {"t|0|0", "t|2|1"}
    assert attack(cells, set(status)) == {}
    audit(cells, status, LIMIT)


def test_tables_over_the_same_cases_are_attacked_together():
    """Two tables that partition the same units differently: each safe alone, not together."""
    # Finest cells: status (open/closed) x area (a/b) for one municipality.
    finest = {("open", "a"): 3, ("open", "b"): 9, ("closed", "a"): 6, ("closed", "b"): 7}
    index = {k: i for i, k in enumerate(finest)}

    def cell(key: str, pred) -> Cell:
        members = frozenset(index[k] for k in finest if pred(k))
        return Cell(key, sum(finest[k] for k in finest if pred(k)), members)

    status_table = [
        cell("open", lambda k: k[0] == "open"),
        cell("closed", lambda k: k[0] == "closed"),
    ]
    area_table = [cell("a", lambda k: k[1] == "a"), cell("b", lambda k: k[1] == "b")]
    detail = [cell(f"open|{a}", lambda k, a=a: k == ("open", a)) for a in ("a", "b")]
    cells = [*status_table, *area_table, *detail, cell("total", lambda k: True)]
    status = suppress(cells, LIMIT)
    assert status["open|a"] == PRIMARY
    assert attack(cells, set(status)) == {}


def test_only_safe_form_suppresses_a_total():
    """Municipality 1 has 3 cases, all in column 0; municipality 2 has 10, all in column 1. The
    only interior complement (M2's 10) is repeated by M2's row total and column 1's total, and
    the grand total gives M1 = 13 - 10: every safe form hides a total."""
    cells = table_cells([[3, 0], [0, 10]])
    status = suppress(cells, LIMIT)
    assert attack(cells, set(status)) == {}
    assert any("T" in key for key, why in status.items() if why == SECONDARY)
    primaries = {c.key for c in cells if 0 < c.value < LIMIT}
    candidates = [c.key for c in cells if c.value >= LIMIT]
    safe_forms = [
        set(extra)
        for size in range(len(candidates) + 1)
        for extra in itertools.combinations(candidates, size)
        if not attack(cells, primaries | set(extra))
    ]
    assert safe_forms
    assert all(any("T" in key for key in form) for form in safe_forms)


def test_audit_refuses_a_recoverable_or_small_published_cell():
    cells = table_cells([[3, 8], [7, 9]])
    with pytest.raises(DisclosureError) as refused:
        audit(cells, {"t|0|0": PRIMARY}, LIMIT)
    assert refused.value.keys == ["t|0|0"]
    with pytest.raises(DisclosureError):
        audit(cells, {}, LIMIT)
    audit(cells, suppress(cells, LIMIT), LIMIT)


def test_same_cells_same_answer():
    cells = table_cells([[3, 8, 12], [7, 9, 1], [6, 2, 10]])
    assert suppress(cells, LIMIT) == suppress(list(reversed(cells)), LIMIT)


grids = st.integers(2, 4).flatmap(
    lambda rows: st.integers(2, 4).flatmap(
        lambda cols: st.integers(2, 3).flatmap(
            lambda depth: st.lists(
                st.lists(
                    st.lists(st.integers(0, 9), min_size=depth, max_size=depth),
                    min_size=cols,
                    max_size=cols,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids)
def test_attack_fails_on_every_suppressed_cell(cube):
    """Random three-way data published as two tables (row x column, row x layer) with all their
    totals: every 1-4 is hidden, and no hidden cell can be solved from what is published."""
    rows, cols, depth = len(cube), len(cube[0]), len(cube[0][0])
    idx = lambda i, j, k: (i * cols + j) * depth + k  # noqa: E731
    cells: list[Cell] = []

    def add(key: str, members: set[int]) -> None:
        value = sum(cube[m // (cols * depth)][(m // depth) % cols][m % depth] for m in members)
        cells.append(Cell(key, value, frozenset(members)))

    for i in [*range(rows), None]:
        for j in [*range(cols), None]:
            add(
                f"a|{i}|{j}",
                {
                    idx(a, b, k)
                    for a in range(rows)
                    for b in range(cols)
                    for k in range(depth)
                    if i in (None, a) and j in (None, b)
                },
            )
        for k in [*range(depth), None]:
            add(
                f"b|{i}|{k}",
                {
                    idx(a, b, c)
                    for a in range(rows)
                    for b in range(cols)
                    for c in range(depth)
                    if i in (None, a) and k in (None, c)
                },
            )
    cells = list({c.key: c for c in cells}.values())
    status = suppress(cells, LIMIT)
    assert all(c.key in status for c in cells if 0 < c.value < LIMIT)
    assert attack(cells, set(status)) == {}
    audit(cells, status, LIMIT)
