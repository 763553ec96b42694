"""Each case's state at every period end comes from one PostgreSQL statement; the embedded SQLite
demo works it out in Python from the same rows. Both give the same rows on the demo, for a
build of two years, their half-years and a period that ends today."""

from __future__ import annotations

from django.utils import timezone

from reports import figures


def test_the_statement_and_the_python_give_the_same_case_states(demo):
    year = timezone.localdate().year
    periods = [
        figures.year(year - 1),
        figures.half_year(year - 1, 1),
        figures.half_year(year - 1, 2),
        figures.half_year(year, 1),
        figures.half_year(year, 2),
    ]
    facts = figures.Facts(figures.municipalities(), periods)
    instants, rows = facts.cases()
    ends = [i for i, state in enumerate(rows[0][4]) if state is not None]
    assert len(rows) > 30 and ends
    assert facts._cases_in_python(instants, ends) == rows
    states = {state for *_, by_end in rows for state in by_end if state}
    assert len(states) >= 3  # the demo's cases are in several states at these ends
