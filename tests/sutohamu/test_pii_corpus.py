"""The guard on its corpus (tests/sutohamu/pii_corpus): no clean text refused, all caught."""

import pytest

from sutohamu.pii import find_personal_data
from tests.sutohamu.pii_rates import clean_texts, measure, planted_texts


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(clean_texts()) >= 60
    assert len(planted_texts()) >= 60
    assert len(set(clean_texts())) == len(clean_texts())


def test_no_false_positives_and_every_plant_caught():
    rates = measure()
    assert rates.false_positives == []
    assert rates.missed == []
    assert rates.false_positive_rate == 0.0
    assert rates.catch_rate == 1.0


@pytest.mark.parametrize(("text", "kind"), planted_texts())
def test_each_plant_is_reported_as_its_kind(text, kind):
    assert find_personal_data(text) == kind
