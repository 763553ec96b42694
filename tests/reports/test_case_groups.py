"""The cases' groups worked out with NumPy are the groups of the cases one by one."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.figures import _case_group_counts


def one_by_one(
    cases: list[tuple[Any, ...]],
    cut: list[tuple[int, int, dict[int, int]]],
    rests: list[tuple[bool, ...]],
) -> list[tuple[tuple[Any, ...], int]]:
    """The groups as `Facts.case_groups` made them case by case before NumPy."""
    firsts: list[list[tuple[Any, ...]]] = [[] for _c in cut]
    for pk, row, areas, at, states in cases:
        seen = []
        for i, (end, start, named) in enumerate(cut):
            if at > end:
                continue
            seen.append((i, (states[end], at > start, *rests[named.get(pk, 0)])))
        if seen:
            firsts[seen[0][0]].append((row, areas, tuple(seen)))
    counted: dict[tuple[Any, ...], int] = {}
    for key in itertools.chain.from_iterable(firsts):
        counted[key] = counted.get(key, 0) + 1
    return list(counted.items())


@st.composite
def worlds(draw):
    instants = 5
    ends = sorted(draw(st.sets(st.integers(1, instants - 1), min_size=1, max_size=3)))
    cut = []
    rests = [(False, False), (True, False), (False, True), (True, True)]
    pks = draw(st.permutations(sorted(draw(st.sets(st.integers(1, 60), max_size=25)))))
    for end in ends:
        start = draw(st.integers(0, end))
        named = draw(st.dictionaries(st.integers(1, 70), st.integers(1, len(rests) - 1)))
        cut.append((end, start, named))
    cases = []
    for pk in pks:
        states = [draw(st.sampled_from(["new", "open", "closed"])) for _i in range(instants)]
        cases.append(
            (
                pk,
                draw(st.sampled_from(["a", "b"])),
                draw(st.sampled_from([("x",), ("x", "y")])),
                draw(st.integers(0, instants)),
                states,
            )
        )
    return cases, cut, rests


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_the_groups_and_their_order_are_those_of_the_cases_one_by_one(world):
    cases, cut, rests = world
    assert _case_group_counts(cases, cut, rests) == one_by_one(cases, cut, rests)
