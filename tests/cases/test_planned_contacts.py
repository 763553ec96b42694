"""Planned contacts counted from the cadence's phases equal stepping through them one by one."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models.followup import contacts_counter, contacts_through, planned_contacts

DEFAULT = [
    {"every": 2, "unit": "weeks", "months": 2},
    {"every": 1, "unit": "months", "months": 4},
    {"every": 3, "unit": "months", "months": None},
]


def stepped(cadence: list[dict], start: datetime.date, through: datetime.date) -> int:
    months = max(0, (through.year - start.year) * 12 + through.month - start.month + 1)
    return sum(1 for d in planned_contacts(cadence, start, months=months) if d <= through)


def phase(last: bool) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "every": st.one_of(st.integers(1, 4), st.integers(1, 52)),
            "unit": st.sampled_from(["weeks", "months"]),
            "months": st.none() if last else st.one_of(st.integers(1, 6), st.integers(1, 120)),
        }
    )


# Up to four phases with an end, then the open last one. Built once (a flatmap built new
# strategies for every example, and Hypothesis checked each anew: most of this file's time).
cadences = st.tuples(st.lists(phase(False), max_size=4), phase(True)).map(
    lambda phases: [*phases[0], phases[1]]
)
days = st.dates(datetime.date(2019, 1, 1), datetime.date(2028, 12, 31))


@settings(max_examples=400, deadline=None)
@given(cadence=cadences, start=days, span=st.integers(-40, 1500))
def test_counted_contacts_equal_the_stepped_ones(cadence, start, span):
    through = start + datetime.timedelta(days=span)
    assert contacts_through(cadence, start, through) == stepped(cadence, start, through)


@settings(max_examples=200, deadline=None)
@given(cadence=cadences, start=days, spans=st.lists(st.integers(-40, 1500), max_size=8))
def test_one_plans_counter_counts_every_day_as_stepping_does(cadence, start, spans):
    """The report keeps one counter per plan and asks it for many days, in any order."""
    counter = contacts_counter(cadence, start)
    for span in spans:
        through = start + datetime.timedelta(days=span)
        assert counter(through) == stepped(cadence, start, through)


def test_month_ends_clip_as_stepping_does():
    """From 31 January monthly: 28 February, then the 28th (not the 31st) from then on."""
    cadence = [{"every": 1, "unit": "months", "months": None}]
    start = datetime.date(2025, 1, 31)
    assert contacts_through(cadence, start, datetime.date(2025, 3, 28)) == 2
    assert contacts_through(cadence, start, datetime.date(2025, 3, 27)) == 1
    assert stepped(cadence, start, datetime.date(2025, 3, 28)) == 2


def test_the_default_cadence_over_a_year():
    start = datetime.date(2026, 1, 5)
    through = datetime.date(2026, 12, 31)
    assert contacts_through(DEFAULT, start, through) == stepped(DEFAULT, start, through)
    assert contacts_through(DEFAULT, start, start) == 0
