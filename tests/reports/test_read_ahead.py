"""A build outside a transaction reads its heavy facts on a second connection (a thread) while
the cases' states are read (`figures.Facts.read_ahead`): the same statements, so the same
figures, byte for byte, as reading them one after another; inside a transaction (the caller's
rows uncommitted) nothing is read ahead."""

from __future__ import annotations

from concurrent.futures import Future
from unittest.mock import patch

import pytest
from django.db import connection, transaction
from django.test import override_settings

from reports import figures
from reports.models import Scope
from tests.reports.test_figures_once import SPEC, make_world, places  # noqa: F401

PERIOD = figures.year(2024)


def built(scope: str) -> str:
    return figures.canonical(figures.build(scope, PERIOD))


@pytest.mark.django_db(transaction=True)
def test_facts_read_ahead_give_the_figures_read_one_after_another(places):  # noqa: F811
    make_world(SPEC, places["munis"], places["agera"], places["by"])
    facts = figures.Facts(figures.municipalities(), figures.linked_periods(PERIOD))
    facts.read_ahead()
    assert set(facts._ahead) == {"closings", "plans", "held", "held_groups", "measure_groups"}
    for scope in Scope.values:
        with override_settings(REPORT_READ_AHEAD=False):
            alone = built(scope)
        assert built(scope) == alone


@pytest.mark.django_db(transaction=True)
def test_nothing_is_read_ahead_inside_a_transaction(places):  # noqa: F811
    make_world(SPEC, places["munis"], places["agera"], places["by"])
    with transaction.atomic():
        facts = figures.Facts(figures.municipalities(), figures.linked_periods(PERIOD))
        facts.read_ahead()
        assert facts._ahead == {}


@pytest.mark.django_db(transaction=True)
def test_a_fact_whose_read_ahead_failed_is_read_here(places):  # noqa: F811
    """A read that failed on the second connection (no connection free in time, say) is made
    again on the build's own: the same rows, and the build goes on."""
    make_world(SPEC, places["munis"], places["agera"], places["by"])
    periods = figures.linked_periods(PERIOD)
    expected = figures.Facts(figures.municipalities(), periods).closings()
    facts = figures.Facts(figures.municipalities(), periods)
    failed: Future = Future()
    failed.set_exception(RuntimeError("no connection"))
    facts._ahead = {"closings": failed}
    assert facts.closings() == expected
    assert facts._ahead == {}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_read_ahead_with_a_pool_of_one_connection(places):  # noqa: F811
    facts = figures.Facts(figures.municipalities(), figures.linked_periods(PERIOD))
    pool = {"min_size": 1, "max_size": 1}
    with patch.dict(connection.settings_dict, {"OPTIONS": {"pool": pool}}):
        facts.read_ahead()  # decided before any statement is made or run
    assert facts._ahead == {}
