"""A query compiled once and run with its marked values per call (sutohamu.statements) gives what
the ORM gives: the same object, its select_related objects without a further query, None when no
row matches, the same SQL every time; values() rows with the ORM's types."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from sutohamu import statements
from sutohamu.statements import ModelStatement
from tests.demo_objects import nmr_case, org

pytestmark = pytest.mark.django_db
MARK = "\x00marker\x00"


def by_reference() -> ModelStatement[Case]:
    return ModelStatement(
        Case.objects.filter(municipality=org("SUN"))
        .select_related("municipality", "owner")
        .filter(reference=MARK)[:1],
        {"reference": MARK},
    )


def test_the_statement_gives_what_the_orm_gives(demo):
    expected = Case.objects.select_related("municipality", "owner").get(pk=nmr_case().pk)
    statement = by_reference()
    with CaptureQueriesContext(connection) as queries:
        found = statement.first(reference=expected.reference)
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
        assert statement.first(reference=reference) is not None
        assert statement.first(reference="SUN-1999-9999") is None
        assert (
            statement.first(reference=other_town.reference) is None
        )  # the statement's own filter holds
    first, second, third = (q["sql"] for q in queries.captured_queries)
    assert first.replace(reference, "") == second.replace("SUN-1999-9999", "")
    assert third.replace(other_town.reference, "") == second.replace("SUN-1999-9999", "")


def test_a_mark_must_stand_for_a_parameter(demo):
    with pytest.raises(ValueError, match="stands for no parameter"):
        ModelStatement(Case.objects.filter(reference="SUN-2026-0001")[:1], {"reference": MARK})


def test_first_keeps_one_statement_per_key(demo):
    statements.forget()
    reference = nmr_case().reference
    built = []

    def build(value: str):
        built.append(value)
        return Case.objects.filter(municipality=org("SUN")).filter(reference=value)

    assert statements.first("test", build, reference).pk == nmr_case().pk
    assert statements.first("test", build, "SUN-1999-9999") is None
    assert built == [statements.VALUE]  # built once, with the mark in the value's place


def test_values_rows_come_with_the_orms_types(demo):
    case = nmr_case()
    statement = statements.compiled(
        ("test rows", case.pk),
        lambda now: Case.objects.filter(pk=case.pk, reported_at__lte=now).values(
            "reference", "reported_at", "status_changed_at"
        ),
    )
    assert statement is not None
    [row] = statement.rows(timezone.now())
    assert row == {
        "reference": case.reference,
        "reported_at": case.reported_at,
        "status_changed_at": case.status_changed_at,
    }
    assert statement.rows(case.reported_at - datetime.timedelta(seconds=1)) == []
