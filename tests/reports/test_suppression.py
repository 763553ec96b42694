"""Disclosure control: hidden cells chosen so that an integer-programming attacker (who knows the
meaning of "..", that counts are whole numbers of zero or more, and the published shares) can
neither pin a hidden cell nor prove a count of 1-4 small, over one table and linked tables."""

from __future__ import annotations

import itertools
from typing import cast

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import suppression
from reports.suppression import (
    Cell,
    DisclosureError,
    Ratio,
    System,
    _int_signatures,
    _signatures,
    audit,
    consistent,
    differences,
    intervals,
    is_primary,
    protect,
    unprotected,
)

LIMIT = 5


def table(values: list[list[int]], prefix: str = "t", units: str = "") -> list[Cell]:
    """A two-way table with row and column totals; unit ids (units, row, column, n) so that a
    second table over the same `units` counts the same people."""
    rows, cols = range(len(values)), range(len(values[0]))
    tag = units or prefix
    ids = {(r, c): {(tag, r, c, n) for n in range(values[r][c])} for r in rows for c in cols}
    cells = [
        Cell(f"{prefix}|{r}|{c}", values[r][c], frozenset(ids[r, c])) for r in rows for c in cols
    ]
    cells += [
        Cell(f"{prefix}|{r}|T", sum(values[r]), frozenset().union(*(ids[r, c] for c in cols)))
        for r in rows
    ]
    cells += [
        Cell(
            f"{prefix}|T|{c}",
            sum(v[c] for v in values),
            frozenset().union(*(ids[r, c] for r in rows)),
        )
        for c in cols
    ]
    every = frozenset().union(*ids.values())
    cells.append(Cell(f"{prefix}|T|T", len(every), every))
    return cells


def published_of(cells: list[Cell], hidden: set[str]) -> dict[str, int]:
    return {c.key: c.value for c in cells if c.key not in hidden}


def assert_protected(cells: list[Cell], hidden: set[str], ratios=()) -> dict:
    system = System(cells)
    bounds = intervals(system, published_of(cells, hidden), hidden, ratios)
    truth = {c.key: c.value for c in cells}
    for key, (lo, hi) in bounds.items():
        assert lo <= truth[key] <= hi
        assert lo < hi, f"{key} pinned at {lo}"
        assert hi >= LIMIT, f"{key} proved at most {hi}"
    return bounds


def test_a_count_of_one_to_four_is_small_and_zero_or_five_is_not():
    assert [value for value in range(7) if is_primary(value, LIMIT)] == [1, 2, 3, 4]


def test_a_hidden_cell_is_unprotected_when_pinned_or_proved_below_the_threshold():
    bounds = {"pinned": (7, 7), "small": (1, 4), "reaches": (1, 5), "wide": (2, 30)}
    assert unprotected(bounds, LIMIT) == ["pinned", "small"]
    # A true count of 1-4 may be pinned above the threshold: that proves nothing small.
    assert unprotected({"u": (7, 7), "v": (2, 2)}, LIMIT, unmarked=["u", "v"]) == ["v"]


def test_the_threshold_is_five_unless_the_settings_say_otherwise():
    bounds = {"small": (1, 4), "reaches": (1, 5), "tiny": (1, 2)}
    assert unprotected(bounds) == ["small", "tiny"]
    with override_settings(REPORT_SUPPRESSION_THRESHOLD=3):
        assert unprotected(bounds) == ["tiny"]
    assert unprotected(bounds, 3) == ["tiny"]  # a limit given wins over the settings'


def test_primary_cells_hidden_zeros_published():
    cells = table([[2, 0, 9], [7, 8, 6]])
    hidden = protect(System(cells), free=[c.key for c in cells], limit=LIMIT)
    assert "t|0|0" in hidden
    assert "t|0|1" not in hidden  # a zero is no one's secret
    assert_protected(cells, hidden)


def test_four_small_kinds_and_a_small_total_prove_nothing():
    """The attack on Sunne: four kinds each of 1 and a row total of 4. Hiding the five cells
    alone (the old rule) lets the bounds pin every one of them; the protection does not."""
    cells = table([[1, 1, 1, 1], [10, 20, 6, 7], [3, 8, 9, 12]])
    naive = {"t|0|0", "t|0|1", "t|0|2", "t|0|3", "t|0|T"}
    system = System(cells)
    assert unprotected(intervals(system, published_of(cells, naive), naive), LIMIT) == sorted(naive)
    hidden = protect(system, free=[c.key for c in cells], limit=LIMIT)
    assert naive <= hidden
    assert_protected(cells, hidden)


def test_bounds_from_the_marks_pin_a_cell_outside_the_row_space():
    """1 and 6 hidden in a row whose total 7 is published: not in the row space of the published
    cells alone, yet "hidden means at least 1" and the column of 2 with a hidden 1 bound it."""
    cells = table([[1, 6], [1, 9]])
    hidden = {"t|0|0", "t|0|1", "t|1|0", "t|1|1"}
    bounds = intervals(System(cells), published_of(cells, hidden), hidden)
    assert bounds["t|0|0"] == (1, 1)  # the column total 2 with both its cells at least 1


def test_audit_refuses_what_suppression_switched_off_publishes():
    cells = table([[2, 9], [7, 8]])
    with pytest.raises(DisclosureError) as refused:
        audit(System(cells), published_of(cells, set()), set(), limit=LIMIT)
    assert refused.value.keys == ["t|0|0"]


def test_a_share_that_fixes_a_hidden_cell_is_refused():
    """80,0 % of 5 met the minimum: with the total of 5 published, the share fixes the hidden
    count at 4. The audit reads the share as a constraint with its rounding."""
    cells = table([[4, 1], [9, 12]])
    hidden = protect(System(cells), free=[c.key for c in cells], limit=LIMIT)
    share = Ratio("t|0|0", "t|0|T", 80.0)
    with pytest.raises(DisclosureError):
        audit(System(cells), published_of(cells, hidden), hidden, [share], limit=LIMIT)


def test_linked_year_and_half_years_are_protected_together():
    """A half-year published first, then its year: the year hides what would give the other
    half back by difference (year minus half), and both stay protected."""
    h1 = [[6, 7, 8], [9, 6, 5]]
    h2 = [[3, 9, 7], [8, 0, 6]]
    first = table(h1, "h1", "h1")
    second = table(h2, "h2", "h2")
    year_cells = []
    for c in table(
        [[a + b for a, b in zip(x, y, strict=True)] for x, y in zip(h1, h2, strict=True)], "y"
    ):
        # The year counts the units of both halves.
        _, r, col = c.key.split("|")
        members = frozenset().union(
            *(x.members for x in first + second if x.key.split("|")[1:] == [r, col])
        )
        year_cells.append(Cell(c.key, len(members), members))
    cells = first + second + year_cells
    system = System(cells)
    h1_hidden = protect(System(first), free=[c.key for c in first], limit=LIMIT)
    assert not h1_hidden
    unpublished_h2 = [c.key for c in second]
    visible = published_of(first, set()) | published_of(year_cells, set())
    # Without linking, the year minus the half gives the other half's 3 exactly.
    assert intervals(system, visible, (), (), ["h2|0|0"])["h2|0|0"] == (3, 3)
    hidden = protect(
        system,
        free=[c.key for c in year_cells],
        fixed_published=published_of(first, set()),
        unmarked=unpublished_h2,
        limit=LIMIT,
    )
    assert "y|0|0" in hidden
    visible = {c.key: c.value for c in first + year_cells if c.key not in hidden}
    bounds = audit(system, visible, hidden, (), LIMIT, unpublished_h2)
    assert bounds["y|0|0"][0] < bounds["y|0|0"][1]
    # The other half, never published, cannot be proved small either.
    assert bounds["h2|0|0"][1] >= LIMIT


def two_views(inside: list[list[int]], outside: list[list[int]]) -> tuple[list, list]:
    """A whole view (units inside and outside violent extremism) and its VBE view, cell keys
    alike: the tables of the same period in Agera's scope and the whole cooperation's."""
    part = [Cell(c.key.split("|", 1)[1], c.value, c.members) for c in table(inside, "i", "in")]
    rest = [Cell(c.key.split("|", 1)[1], c.value, c.members) for c in table(outside, "o", "out")]
    whole = [
        Cell(a.key, a.value + b.value, a.members | b.members)
        for a, b in zip(part, rest, strict=True)
    ]
    return whole, part


def test_the_whole_view_minus_the_vbe_view_proves_no_count_outside_small():
    """No table shows the counts outside violent extremism, but the whole view minus the VBE
    view gives them. As a linked table never published and guarded, no pair proves one small."""
    whole, part = two_views([[7, 6], [8, 9]], [[2, 0], [6, 5]])
    outside = differences("out/", whole, part)
    assert {c.key: c.value for c in outside}["out/0|0"] == 2
    cells = [Cell("all/" + c.key, c.value, c.members) for c in whole]
    cells += [Cell("vbe/" + c.key, c.value, c.members) for c in part] + outside
    system = System(cells)
    vbe = {"vbe/" + c.key: c.value for c in part}  # published first, nothing in it small
    free = ["all/" + c.key for c in whole]
    naive = protect(system, free=free, fixed_published=vbe, limit=LIMIT)
    assert not naive  # nothing small in the whole view: all of it would be published
    with pytest.raises(DisclosureError) as refused:
        audit(system, {**vbe, **{k: system.value(k) for k in free}}, (), (), LIMIT, ["out/0|0"])
    assert "out/0|0" in refused.value.keys
    guard = [c.key for c in outside]
    hidden = protect(system, free=free, fixed_published=vbe, unmarked=guard, limit=LIMIT)
    visible = {**vbe, **{k: system.value(k) for k in free if k not in hidden}}
    bounds = audit(system, visible, hidden, (), LIMIT, guard)
    assert bounds["out/0|0"][1] >= LIMIT


def test_the_audit_shows_values_within_the_attackers_intervals():
    """The audit's values for each hidden cell are values the attacker cannot rule out (inside
    the exact interval), two or more, one of them at the threshold or above."""
    cells = table([[1, 3, 8], [2, 9, 9], [6, 6, 1]])
    system = System(cells)
    hidden = protect(system, free=[c.key for c in cells], limit=LIMIT)
    published = published_of(cells, hidden)
    shown = audit(system, published, hidden, limit=LIMIT)
    exact = intervals(system, published, hidden)
    assert set(shown) == set(exact) == hidden
    for key, (lo, hi) in shown.items():
        assert exact[key][0] <= lo < hi <= exact[key][1] and hi >= LIMIT


def test_the_audit_refuses_published_figures_that_contradict_each_other():
    cells = table([[6, 7], [8, 9]])
    published = published_of(cells, {"t|0|0"}) | {"t|0|T": 99}  # the row no longer adds up
    with pytest.raises(DisclosureError):
        audit(System(cells), published, {"t|0|0"}, limit=LIMIT)


def test_the_audit_reads_the_figures_as_published_not_the_true_counts():
    """Figures published one higher than the truth around a hidden 6 pin it at 7: refused,
    though the true 6 and the attacker's 7 would be two values."""
    cells = table([[6, 7], [8, 9]])
    wrong = {"t|0|T": 14, "t|T|0": 15, "t|T|T": 31}
    published = published_of(cells, {"t|0|0"}) | wrong
    assert intervals(System(cells), published, {"t|0|0"}) == {"t|0|0": (7, 7)}
    with pytest.raises(DisclosureError) as refused:
        audit(System(cells), published, {"t|0|0"}, limit=LIMIT)
    assert refused.value.keys == ["t|0|0"]


def test_same_cells_same_answer():
    cells = table([[1, 3, 8], [2, 9, 9], [6, 6, 1]])
    one = protect(System(cells), free=[c.key for c in cells], limit=LIMIT)
    two = protect(System(list(reversed(cells))), free=[c.key for c in cells], limit=LIMIT)
    assert one == two


def test_the_attackers_rows_are_in_key_order_whatever_the_hash_seed(monkeypatch):
    # `free` is a set, whose order follows PYTHONHASHSEED; the published cells' rows (and so
    # the solver's inputs) must come in key order, the same in every process.
    rows: list[list[tuple[str, ...]]] = []
    made = suppression._Attacker.__init__

    def spy(self, *args, **kwargs):
        made(self, *args, **kwargs)
        rows.append(list(self.rows))

    monkeypatch.setattr(suppression._Attacker, "__init__", spy)
    cells = table([[1, 3, 8, 7], [2, 9, 9, 6], [6, 6, 1, 9]])
    fixed = {"z|x": 3}
    cells.append(Cell("z|x", 3, frozenset(("z", n) for n in range(3))))
    protect(System(cells), free={c.key for c in cells[:-1]}, fixed_published=fixed, limit=LIMIT)
    assert rows
    for names in rows:
        equal = [name[1] for name in names if name[0] == "="]
        free = [k for k in equal if k != "z|x"]
        assert free == sorted(free)


counts = st.integers(min_value=0, max_value=12)


@st.composite
def worlds(draw):
    rows = draw(st.integers(min_value=2, max_value=3))
    cols = draw(st.integers(min_value=2, max_value=3))
    first = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    second = [[draw(counts) for _ in range(cols)] for _ in range(rows)]
    return first, second


def year_table(first: list[Cell], second: list[Cell], rows: int, cols: int) -> list[Cell]:
    """The year of two half-year tables: each cell the union of the halves' units in it."""
    year_cells = []
    for r, c in itertools.product([*map(str, range(rows)), "T"], [*map(str, range(cols)), "T"]):
        members = frozenset().union(
            *(x.members for x in first + second if x.key.split("|")[1:] == [r, c])
        )
        year_cells.append(Cell(f"y|{r}|{c}", len(members), members))
    return year_cells


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_the_attacker_recovers_nothing_in_random_linked_worlds(world):
    """Two half-years published one after the other, then their year: every hidden cell of the
    three keeps an interval wider than one value and reaching the threshold."""
    h1, h2 = world
    first, second = table(h1, "a", "a"), table(h2, "b", "b")
    year_cells = year_table(first, second, len(h1), len(h1[0]))
    cells = first + second + year_cells
    system = System(cells)
    published: dict[str, int] = {}
    hidden: set[str] = set()
    for part in (first, second, year_cells):
        mine = protect(
            system,
            free=[c.key for c in part],
            fixed_published=published,
            fixed_hidden=hidden,
            limit=LIMIT,
            unmarked=[c.key for c in cells if c.key not in published and c not in part],
        )
        hidden |= mine
        published.update({c.key: c.value for c in part if c.key not in mine})
    bounds = intervals(system, published, hidden)
    truth = {c.key: c.value for c in cells}
    for key, (lo, hi) in bounds.items():
        assert lo <= truth[key] <= hi
        assert lo < hi and hi >= LIMIT, (key, lo, hi)

    assert all(not (0 < v < LIMIT) for v in published.values())


@st.composite
def memberships(draw):
    """Cells over a few units: each cell the units (0-39) it counts."""
    count = draw(st.integers(1, 12))
    return [
        frozenset(draw(st.lists(st.integers(0, 39), max_size=25, unique=True)))
        for _ in range(count)
    ]


def same_system(one: System, other: System) -> None:
    assert one.fine_count.tolist() == other.fine_count.tolist()
    assert one.cover == other.cover
    assert one.part_of_fine == other.part_of_fine
    assert one.cell_part == other.cell_part


@settings(max_examples=60, deadline=None)
@given(memberships())
def test_integer_units_make_the_finest_cells_that_any_units_make(members):
    """The report's units are integers, grouped with NumPy; the finest cells, their counts and
    the parts are those of the same units as any other hashable ids."""
    as_ints = [Cell(f"c{i}", len(m), m) for i, m in enumerate(members)]
    as_tuples = [Cell(c.key, c.value, frozenset(("u", u) for u in c.members)) for c in as_ints]
    same_system(System(as_ints), System(as_tuples))
    # The NumPy grouping itself (System would fall back to the general way on an error).
    assert _int_signatures(as_ints, {}) == _signatures(as_tuples, {})


@settings(max_examples=60, deadline=None)
@given(memberships(), st.integers(2, 5))
def test_a_weighted_unit_counts_as_the_units_it_stands_for(members, copies):
    """Units that every cell counts alike, given as one unit with a weight, make the same finest
    cells with the same counts, and the same differences, as the units one by one."""
    # One by one: each unit u stands for `copies` units (u, 0..copies-1) counted alike.
    apart = [
        Cell(f"c{i}", len(m) * copies, frozenset(u * 10 + k for u in m for k in range(copies)))
        for i, m in enumerate(members)
    ]
    weights = {u * 10: copies for m in members for u in m}
    together = [
        Cell(f"c{i}", len(m) * copies, frozenset(u * 10 for u in m)) for i, m in enumerate(members)
    ]
    same_system(System(apart), System(together, weights=weights))
    assert _int_signatures(together, weights) == _int_signatures(apart, {})
    half = len(apart) // 2
    one_by_one = differences("d/", apart[:half], apart[half:])
    weighted = differences("d/", together[:half], together[half:], weights)
    assert [(c.key, c.value) for c in one_by_one] == [(c.key, c.value) for c in weighted]


def test_protection_is_the_same_for_weighted_units():
    """The hidden cells chosen over weighted units are those chosen over the units one by one."""
    values = [[3, 9, 12], [7, 1, 8], [10, 6, 2]]
    apart = table(values, "t")
    ids: dict[tuple, int] = {}
    weights: dict[int, int] = {}
    together = []
    for cell in apart:
        groups = set()
        for member in cell.members:
            _tag, row, col, _n = cast("tuple[str, int, int, int]", member)
            uid = ids.setdefault((row, col), len(ids) + 1)
            weights[uid] = values[row][col]
            groups.add(uid)
        together.append(Cell(cell.key, cell.value, frozenset(groups)))
    free = [c.key for c in apart]
    hidden = protect(System(apart), free=free, limit=LIMIT)
    assert hidden == protect(System(together, weights=weights), free=free, limit=LIMIT)
    assert hidden


def changed_world(before: list[list[int]], after: list[list[int]], second: list[list[int]]):
    """A half-year "a" published from the counts `before`; its data then changed to `after`
    (units added, as a case reported late adds them); Agera's view "v" of the same half (the
    same units, never published, guarded); the other half "b" to publish now."""
    published_then = table(before, "a", "a")
    hidden_then = protect(System(published_then), free=[c.key for c in published_then], limit=LIMIT)
    cells = table(after, "a", "a") + table(after, "v", "a") + table(second, "b", "b")
    system = System(cells, floors=[c.key for c in cells])
    guard = [c.key for c in cells if c.key.startswith("v|")]
    return system, published_of(published_then, hidden_then), hidden_then, guard


def test_a_linked_report_published_before_its_data_changed_is_read_for_what_still_holds():
    """The first half showed 0 where today there are 2 (under Agera's view, guarded): read as
    sums of today's units, its figures contradict today's counts, so no choice of hidden cells
    passes the audit and protect found none. What no longer holds is left out, what still
    holds is read; the other half is then protected and passes."""
    system, shown, hidden_then, guard = changed_world(
        [[0, 6], [7, 8]], [[2, 6], [7, 8]], [[6, 7], [8, 9]]
    )
    free = [k for k in system.index if k.startswith("b|")]
    with pytest.raises(DisclosureError):
        protect(system, free=free, fixed_published=shown, unmarked=guard, limit=LIMIT)
    still, still_hidden, _ratios = consistent(system, shown, hidden_then)
    assert sorted(set(shown) - set(still)) == ["a|0|0", "a|0|T", "a|T|0", "a|T|T"]
    assert still_hidden == hidden_then
    mine = protect(
        system,
        free=free,
        fixed_published=still,
        fixed_hidden=still_hidden,
        unmarked=guard,
        limit=LIMIT,
    )
    visible = still | {k: system.value(k) for k in free if k not in mine}
    audit(system, visible, still_hidden | mine, (), LIMIT, guard)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 3))))
def test_protect_passes_the_audit_after_the_linked_data_changed(world, added):
    """Random halves, the first published and its data changed since (units added here and
    there): the cells protect hides for the second always pass the audit of what still holds,
    and every figure of the first that today's counts meet is still read."""
    before, second = world
    after = [row[:] for row in before]
    for r, c, n in added:
        after[r % len(after)][c % len(after[0])] += n
    system, shown, hidden_then, guard = changed_world(before, after, second)
    still, still_hidden, _ratios = consistent(system, shown, hidden_then)
    assert still == {k: v for k, v in shown.items() if system.value(k) == v}
    free = [k for k in system.index if k.startswith("b|")]
    mine = protect(
        system,
        free=free,
        fixed_published=still,
        fixed_hidden=still_hidden,
        unmarked=guard,
        limit=LIMIT,
    )
    visible = still | {k: system.value(k) for k in free if k not in mine}
    audit(system, visible, still_hidden | mine, (), LIMIT, guard)


def test_the_audit_takes_the_protections_points_only_where_they_meet_its_rows():
    """The points protect found are offered to the audit, which takes each one only if it meets
    every row of its own problem: the same verdict, values inside the exact intervals, and a
    point that is not feasible (here one that would show the pinned cell at 30) proves nothing."""
    cells = table([[1, 3, 8], [2, 9, 9], [6, 6, 1]])
    system = System(cells)
    found: dict[int, list] = {}
    hidden = protect(system, free=[c.key for c in cells], limit=LIMIT, witnesses=found)
    assert found and all(len(points) for points in found.values())
    published = published_of(cells, hidden)
    shown = audit(system, published, hidden, limit=LIMIT, witnesses=found)
    exact = intervals(system, published, hidden)
    for key, (lo, hi) in shown.items():
        assert exact[key][0] <= lo < hi <= exact[key][1] and hi >= LIMIT
    pinned = table([[6, 7], [8, 9]])
    wrong = {"t|0|T": 14, "t|T|0": 15, "t|T|T": 31}
    visible = published_of(pinned, {"t|0|0"}) | wrong
    system = System(pinned)
    bogus = system.fine_count.copy()
    bogus[system.cover[system.index["t|0|0"]]] = 30
    with pytest.raises(DisclosureError) as refused:
        audit(system, visible, {"t|0|0"}, limit=LIMIT, witnesses={0: [bogus]})
    assert refused.value.keys == ["t|0|0"]


def first_then_year(
    first_system: System,
    year_system: System,
    first: list[Cell],
    year_cells: list[Cell],
    guard: list[str],
) -> tuple[dict[str, int], set[str]]:
    """The first half protected and published (the second half guarded), then its year: what
    is published of both, and what is hidden."""
    first_hidden = protect(first_system, free=[c.key for c in first], unmarked=guard, limit=LIMIT)
    shown = published_of(first, first_hidden)
    free = [c.key for c in year_cells]
    mine = protect(
        year_system,
        free=free,
        fixed_published=shown,
        fixed_hidden=first_hidden,
        unmarked=guard,
        limit=LIMIT,
    )
    return shown | {k: year_system.value(k) for k in free if k not in mine}, first_hidden | mine


@st.composite
def municipal_worlds(draw):
    """Two halves of a table with 3-5 municipality rows and 2-3 kinds, small counts."""
    rows = draw(st.integers(min_value=3, max_value=5))
    cols = draw(st.integers(min_value=2, max_value=3))
    small = st.integers(min_value=0, max_value=9)
    return [[[draw(small) for _ in range(cols)] for _ in range(rows)] for _half in range(2)]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(municipal_worlds())
def test_cells_chosen_block_by_block_pass_the_exact_audit_of_the_whole(world):
    """Asked municipality by municipality (the total rows link the blocks; every other finest
    cell held at the true counts), the cells protect hides for the year after the first half
    pass the audit over the whole system without blocks: a point of a block with the rest held
    is a point of the whole, so nothing is weaker; and the block-wise audit agrees."""
    h1, h2 = world
    first, second = table(h1, "a", "a"), table(h2, "b", "b")
    year_cells = year_table(first, second, len(h1), len(h1[0]))
    cells = first + second + year_cells
    links = [c.key for c in cells if c.key.split("|")[1] == "T"]
    floors = [c.key for c in cells]
    blocks = System(cells, floors=floors, links=links, local_from=0)
    whole = System(cells, floors=floors)
    municipalities = sum(1 for a, b in zip(h1, h2, strict=True) if sum(a) + sum(b))
    assert len(set(blocks.block_of_fine)) == municipalities  # one block each, linked by totals
    assert len(set(whole.part_of_fine)) == min(municipalities, 1)
    guard = [c.key for c in second]
    visible, hidden = first_then_year(whole, blocks, first, year_cells, guard)
    audit(whole, visible, hidden, (), LIMIT, guard)
    audit(blocks, visible, hidden, (), LIMIT, guard)
    bounds = intervals(whole, visible, hidden, (), guard)
    for key in hidden:
        lo, hi = bounds[key]
        assert lo < hi and hi >= LIMIT, (key, lo, hi)


def counting_and_zeros(cells: list[Cell]) -> tuple[list[Cell], list[str]]:
    """The cells that count someone, and the keys of those that count nothing."""
    return [c for c in cells if c.members], [c.key for c in cells if not c.members]


def test_a_cell_that_counts_nothing_is_a_known_zero_of_no_part():
    """A national system is mostly zeros (a 291 x 291 table): given as keys only, each is a cell
    of the system, 0, covering no finest cell, in no part; a key given twice is refused."""
    cells = table([[3, 0], [0, 6]])
    counting, zeros = counting_and_zeros(cells)
    assert zeros == ["t|0|1", "t|1|0"]
    system = System(counting, floors=[c.key for c in cells], zeros=zeros)
    for key in zeros:
        assert system.knows(key)
        assert (system.value(key), system.cover_of(key), system.part_of(key)) == (0, (), -1)
    assert not set(zeros) & set(system.floors)  # a zero is published, never "at least 1"
    assert system.value("t|0|0") == 3 and system.cover_of("t|0|0")
    assert not system.knows("t|9|9")
    with pytest.raises(KeyError):
        system.value("t|9|9")
    with pytest.raises(KeyError):
        System(counting, floors=["t|9|9"], zeros=zeros)
    with pytest.raises(ValueError, match="unique"):
        System(counting, zeros=[*zeros, "t|0|0"])
    with pytest.raises(ValueError, match="unique"):
        System(counting, zeros=[*zeros, zeros[0]])
    # Given as cells with no unit, they are taken as keys all the same.
    as_cells = System(cells)
    same_system(as_cells, system)
    assert all(as_cells.knows(k) and as_cells.value(k) == 0 for k in zeros)


def test_a_figure_about_a_cell_now_zero_is_read_for_what_still_holds():
    """A linked report showed 3 and hid a cell that today count nothing (its data changed): both
    are left out (they contradict today's zero), its published zero is read; and a published
    count of 1-4 of a cell known to be zero is refused like any other."""
    counting, zeros = counting_and_zeros(table([[6, 0], [0, 7]]))
    system = System(counting, zeros=zeros)
    kept, still, _ = consistent(system, {"t|0|1": 3, "t|1|0": 0, "t|0|0": 6}, {"t|1|0"})
    assert kept == {"t|1|0": 0, "t|0|0": 6}
    assert still == set()
    with pytest.raises(DisclosureError) as refused:
        audit(system, {"t|0|1": 3}, (), limit=LIMIT)
    assert refused.value.keys == ["t|0|1"]
    with pytest.raises(DisclosureError):
        audit(system, {}, {"t|0|1"}, limit=LIMIT)  # a hidden zero counts nothing


def test_differences_read_a_vbe_zero_given_as_a_key_as_an_empty_cell():
    whole, part = two_views([[7, 0], [8, 9]], [[2, 5], [0, 5]])
    counting, zeros = counting_and_zeros(part)
    assert zeros == ["0|1"]
    expected = [(c.key, c.value, c.members) for c in differences("out/", whole, part)]
    given = differences("out/", whole, counting, part_zeros=zeros)
    assert [(c.key, c.value, c.members) for c in given] == expected
    assert ("out/0|1", 5) in [(c.key, c.value) for c in given]
    # Without the keys, the VBE view's zero is a cell it lacks: no plain difference.
    assert "out/0|1" not in {c.key for c in differences("out/", whole, counting)}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_zeros_given_as_keys_protect_and_audit_as_zero_cells_do(world):
    """Random linked halves with their year, zeros likely: the system with the zeros as keys
    chooses the same hidden cells, audits the same and gives the same exact intervals as the
    system given them as cells with no unit; every zero is published."""
    h1, h2 = world
    first, second = table(h1, "a", "a"), table(h2, "b", "b")
    year_cells = year_table(first, second, len(h1), len(h1[0]))
    cells = first + second + year_cells
    counting, zeros = counting_and_zeros(cells)
    floors = [c.key for c in cells]
    full = System(cells, floors=floors)
    sparse = System(counting, floors=floors, zeros=zeros)
    guard = [c.key for c in second]
    results = []
    for system in (full, sparse):
        visible, hidden = first_then_year(system, system, first, year_cells, guard)
        assert not hidden & set(zeros)
        assert all(visible[k] == 0 for k in zeros if not k.startswith("b|"))  # published
        audit(system, visible, hidden, (), LIMIT, guard)
        results.append((visible, hidden, intervals(system, visible, hidden, (), guard)))
    assert results[0] == results[1]
