"""The facts a build reads once (each case's state at every period end, every closing with its
follow-up start and decision, each case's first measure and first acknowledgement) come from one
set-based PostgreSQL statement each; the embedded SQLite demo reads them with portable queries
(a subquery per row) or works them out in Python. Both give the same rows, on the demo and after
random writes (the random worlds of test_figures_once.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from reports import figures
from tests.reports.test_figures_once import cases_, make_world, places  # noqa: F401


def periods_around(y: int) -> list[figures.Period]:
    """A build's periods: a year, its halves, and the four years before (a trend's)."""
    return [
        figures.year(y),
        figures.half_year(y, 1),
        figures.half_year(y, 2),
        *(figures.year(y - n) for n in range(1, 5)),
    ]


def assert_same_facts(periods: list[figures.Period]) -> int:
    facts = figures.Facts(figures.municipalities(), periods)
    instants, rows = facts.cases()
    ends = [i for i, at in enumerate(instants) if at in {p.bounds()[1] for p in periods}]
    assert facts._cases_in_python(instants, ends) == rows
    assert facts._closings_on_postgresql() == facts._closings_portable()
    assert facts._starts_on_postgresql() == facts._starts_portable()
    return len(rows)


def test_the_statements_give_the_portable_rows_on_the_demo(demo):
    facts = figures.Facts(figures.municipalities(), periods_around(timezone.localdate().year))
    assert facts._closings_portable() and facts._starts_portable()
    assert assert_same_facts(facts.periods) > 30


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=cases_)
def test_the_statements_give_the_portable_rows_after_random_writes(places, spec):  # noqa: F811
    with transaction.atomic():
        make_world(spec, places["munis"], places["agera"], places["by"])
        assert assert_same_facts(periods_around(2024)) == len(
            [s for s in spec if s["reported"] < 731]  # reported before 2025
        )
        transaction.set_rollback(True)
