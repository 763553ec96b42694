"""A query compiled once and run with a value per call (sutohamu.kept.Statement) gives what the
ORM gives: the same object, its select_related objects without a further query, None when no row
matches, the same SQL every time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from sutohamu.kept import Statement
from tests.demo_objects import nmr_case, org

pytestmark = pytest.mark.django_db
MARK = "\x00marker\x00"


def by_reference() -> Statement[Case]:
    return Statement(
        Case.objects.filter(municipality=org("SUN"))
        .select_related("municipality", "owner")
        .filter(reference=MARK)[:1],
        MARK,
    )


def test_the_statement_gives_what_the_orm_gives(demo):
    expected = Case.objects.select_related("municipality", "owner").get(pk=nmr_case().pk)
    statement = by_reference()
    with CaptureQueriesContext(connection) as queries:
        found = statement.first(expected.reference)
        assert found is not None
        assert found.municipality.name == expected.municipality.name
        assert found.owner == expected.owner
    assert len(queries.captured_queries) == 1  # the related objects came with the case
    fields = [f.attname for f in Case._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert not found._state.adding


def test_each_call_runs_the_same_sql_with_its_own_value(demo):
    statement = by_reference()
    reference = nmr_case().reference
    other_town = Case.objects.exclude(municipality=org("SUN")).first()
    assert other_town is not None
    with CaptureQueriesContext(connection) as queries:
        assert statement.first(reference) is not None
        assert statement.first("SUN-1999-9999") is None
        assert statement.first(other_town.reference) is None  # the statement's own filter holds
    first, second, third = (q["sql"] for q in queries.captured_queries)
    assert first.replace(reference, "") == second.replace("SUN-1999-9999", "")
    assert third.replace(other_town.reference, "") == second.replace("SUN-1999-9999", "")


def test_a_marker_must_stand_for_one_parameter(demo):
    with pytest.raises(ValueError, match="exactly one"):
        Statement(Case.objects.filter(reference="SUN-2026-0001")[:1], MARK)
    with pytest.raises(ValueError, match="exactly one"):
        Statement(Case.objects.filter(reference=MARK, title=MARK)[:1], MARK)
