"""A query compiled once and run with its marked values per call (sutohamu.statements) gives what
the ORM gives: the same object, its select_related objects without a further query, None when no
row matches, the same SQL every time; values() rows with the ORM's types."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from cases.models import Case, CaseRead, Measure
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


def _asked(now: datetime.datetime) -> list[statements.Ask]:
    """Statements of several shapes: ordered rows of text, numbers, moments and days (one of
    them empty), counts, a JSON column, and a binary column (which JSON cannot carry)."""
    sunne = org("SUN")

    def cases(now: datetime.datetime):
        return (
            Case.objects.filter(municipality=sunne, reported_at__lte=now)
            .order_by("-reported_at", "reference")
            .values("pk", "reference", "reported_at", "year", "owner_id", "status")[:7]
        )

    def measures(now: datetime.datetime):
        return (
            Measure.objects.filter(planned_end__isnull=False)
            .order_by("-pk")
            .values("pk", "planned_end", "case__reference")[:5]
        )

    def nothing(now: datetime.datetime):
        return Case.objects.filter(reference="SUN-1999-9999").values("pk", "reported_at")

    def notes(now: datetime.datetime):
        return Notification.objects.exclude(params={}).order_by("pk").values("pk", "params")[:3]

    def seals(now: datetime.datetime):
        return CaseRead.objects.order_by("pk").values("pk", "mac")[:2]

    made = [
        statements.compiled(("test together", "cases"), cases),
        statements.compiled(("test together", "measures"), measures),
        statements.compiled(("test together", "nothing"), nothing),
        statements.counted_statement(
            ("test together", "counted"),
            lambda now: Case.objects.filter(municipality=sunne).values("status"),
            {
                "all": ("COUNT(*)", ()),
                "open": ("COUNT(*) FILTER (WHERE status <> %s)", ("closed",)),
            },
        ),
        statements.compiled(("test together", "notes"), notes),
        statements.compiled(("test together", "seals"), seals),
    ]
    assert all(s is not None for s in made)
    return [statements.Ask(s, now) for s in made if s is not None]


def test_statements_asked_together_give_each_ones_rows_in_one_round_trip(demo):
    now = timezone.now()
    asks = _asked(now)
    alone = [ask.statement.rows(ask.now) for ask in asks]
    # Rows to compare (a parsed JSON object among them), and an empty result.
    assert alone[0] and alone[1] and not alone[2] and alone[4][0]["params"]
    with CaptureQueriesContext(connection) as queries:
        found = statements.together(asks)
    assert found == alone
    # The five loadable from JSON in one statement; the binary column's alone.
    assert len(queries.captured_queries) == 2
    moment = found[0][0]["reported_at"]
    assert moment.utcoffset() == datetime.timedelta(0) and moment == alone[0][0]["reported_at"]
    assert all(
        type(a) is type(b) for a, b in zip(found[1][0].values(), alone[1][0].values(), strict=True)
    )


def test_the_moment_of_each_ask_goes_into_its_own_statement(demo):
    asks = _asked(timezone.now())
    before = nmr_case().reported_at - datetime.timedelta(seconds=1)
    earlier = [statements.Ask(asks[0].statement, before), *asks[1:]]
    assert statements.together(earlier) == [ask.statement.rows(ask.now) for ask in earlier]
    assert nmr_case().reference not in {r["reference"] for r in statements.together(earlier)[0]}


def test_plans_run_each_step_together_and_a_later_step_sees_the_rows_before(demo):
    asks = _asked(timezone.now())

    def two_steps():
        (cases,) = yield [asks[0]]
        (counts,) = yield [asks[3]]
        return len(cases), counts[0]["all"]

    def one_step():
        (measures,) = yield [asks[1]]
        return [m["pk"] for m in measures]

    with CaptureQueriesContext(connection) as queries:
        found = statements.gather({"two": two_steps(), "one": one_step(), "plain": {"x": 1}})
    assert len(queries.captured_queries) == 2  # one round trip per step of the longest plan
    assert found == {
        "two": (
            len(asks[0].statement.rows(asks[0].now)),
            Case.objects.filter(municipality=org("SUN")).count(),
        ),
        "one": [m["pk"] for m in asks[1].statement.rows()],
        "plain": {"x": 1},
    }
    assert statements.run(one_step()) == found["one"]
