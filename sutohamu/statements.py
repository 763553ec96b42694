"""Querysets compiled to SQL once per process and run against the live rows on every request.

On hot pages the ORM's building and compiling of a few small queries cost more than running them
(about 5 ms of Python per start-page panel, 1 ms for the case through its door, against well under
one in PostgreSQL). A statement here is a pure function of a key that names everything its
queryset is built from without reading rows: e.g. the person's id and active roles
(`fragment_scope`), the day (roles and memberships in force), the municipalities one works, and
whatever else the caller names. The statement itself reads the live rows, so nothing needs
invalidating: a meeting planned, a report finished or a seat taken shows on the next request, in
every process. Repeated, it is prepared by PostgreSQL (server-side binding, settings.py).

The values that change within a key are marked: the queryset is built with a sentinel where each
goes (`NOW` for the moment of the request, `VALUE` for one text value, or the caller's own
marks), the sentinels' places among the parameters are found once, and each run puts the
request's values there. Rows come back as the ORM would give them (its converters applied, so
the embedded SQLite demo gets dates and aware datetimes too): dicts of a values() queryset's
names (`Statement`), or model objects with their `select_related` objects (`ModelStatement`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Generator, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.utils import timezone

from .kept import Kept

M = TypeVar("M", bound=Model)
K = TypeVar("K", bound=Hashable)
R = TypeVar("R")

# A moment no real request has: where it appears among the parameters, `now` goes.
NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
# A text no real value is: where it appears among the parameters, the call's value goes.
VALUE = "\x00value\x00"


def _slots(params: Iterable[Any], marks: Mapping[str, object]) -> tuple[str | None, ...]:
    """For each parameter, the name of the mark standing there (None for a constant)."""
    return tuple(
        next((name for name, mark in marks.items() if p is mark or p == mark), None) for p in params
    )


def _converters(compiler: Any) -> dict[int, Any]:
    converters: dict[int, Any] = compiler.get_converters([column[0] for column in compiler.select])
    return converters


@dataclass(frozen=True)
class Statement:
    """A values() queryset as SQL: the text, its parameters, where `now` goes, the columns."""

    sql: str
    params: tuple[Any, ...]
    now_at: tuple[int, ...]
    columns: tuple[str, ...]
    using: str
    compiler: Any = field(default=None, compare=False)
    converters: dict[int, Any] = field(default_factory=dict, compare=False)
    # How each column comes back from JSON (`together`), or None when one cannot (then the
    # statement runs on its own).
    loaders: tuple[Callable[[Any], Any], ...] | None = field(default=None, compare=False)

    def bound(self, now: datetime.datetime | None = None) -> list[Any]:
        """The parameters, with `now` in the sentinel's places."""
        params = list(self.params)
        for i in self.now_at:
            if now is None:
                raise ValueError("This statement filters on the moment: give now.")
            params[i] = now
        return params

    def rows(self, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
        """The rows as dicts of the values() names, with `now` in the sentinel's places."""
        params = self.bound(now)
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        return self._dicts(rows)

    def _dicts(self, rows: Iterable[Any]) -> list[dict[str, Any]]:
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [dict(zip(self.columns, row, strict=True)) for row in rows]


class ModelStatement(Generic[M]):
    """A model queryset (select_related allowed) compiled once, run with the values of its marks
    per call, and its rows built into objects as the ORM builds them."""

    def __init__(self, queryset: QuerySet[M], marks: Mapping[str, object]) -> None:
        self._db = queryset.db
        compiler = queryset.query.get_compiler(using=self._db)
        sql, params = compiler.as_sql()
        self._sql, self._params = sql, list(params)
        self._slots = _slots(self._params, marks)
        for name in marks:
            if name not in self._slots:
                raise ValueError(f"the mark {name!r} stands for no parameter")
        klass_info = compiler.klass_info
        if klass_info is None or compiler.annotation_col_map:
            raise ValueError("only a plain model query (select_related allowed)")
        fields = klass_info["select_fields"]
        self._start, self._end = fields[0], fields[-1] + 1
        self._model: type[M] = klass_info["model"]
        select = compiler.select
        self._names = [column[0].target.attname for column in select[self._start : self._end]]
        self._related = get_related_populators(klass_info, select, self._db)
        self._compiler = compiler
        self._converters = _converters(compiler)

    def all(self, **values: object) -> list[M]:
        params: list[Any] = [
            p if slot is None else values[slot]
            for p, slot in zip(self._params, self._slots, strict=True)
        ]
        with connections[self._db].cursor() as cursor:
            cursor.execute(self._sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if self._converters:
            rows = self._compiler.apply_converters(rows, self._converters)
        found = []
        for row in rows:
            obj = self._model.from_db(self._db, self._names, row[self._start : self._end])
            for related in self._related:
                related.populate(row, obj)
            found.append(obj)
        return found

    def first(self, **values: object) -> M | None:
        found = self.all(**values)
        return found[0] if found else None


_STATEMENTS: Kept[Statement | None] = Kept(4096)
_OBJECTS: Kept[ModelStatement[Any]] = Kept(1024)


def compiled(
    key: Hashable, build: Callable[[datetime.datetime], QuerySet[Any, Any]]
) -> Statement | None:
    """The statement of `build(NOW)` (a values() queryset), made once per key; None when it can
    match nothing. The key must name everything `build` reads besides `now`."""
    return _STATEMENTS.get(key, lambda: _compile(build(NOW)))


def first(key: Hashable, build: Callable[[str], QuerySet[M]], value: str) -> M | None:
    """The first object of `build(VALUE)` with `value` in VALUE's place, the statement made once
    per key (which must name everything `build` reads besides the value)."""
    statement = _OBJECTS.get(("first", key), lambda: ModelStatement(build(VALUE)[:1], {"v": VALUE}))
    found: M | None = statement.first(v=value)
    return found


def objects(key: Hashable, build: Callable[[], ModelStatement[M]], **values: object) -> list[M]:
    """The objects of the model statement `build()` makes (once per key), run with `values`."""
    statement: ModelStatement[M] = _OBJECTS.get(("objects", key), build)
    return statement.all(**values)


def exists(key: Hashable, build: Callable[[datetime.datetime], QuerySet[Any, Any]]) -> bool:
    """Whether `build(NOW)` has a row, one statement made once per key."""
    statement = compiled(("exists", key), lambda now: build(now).order_by().values("pk")[:1])
    return bool(statement and statement.rows(None if not statement.now_at else _now()))


def _now() -> datetime.datetime:
    return timezone.now()


def counted(
    key: Hashable,
    build: Callable[[datetime.datetime], QuerySet[Any, Any]],
    counts: dict[str, tuple[str, tuple[Any, ...]]],
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Counts over the rows of `build(NOW)`, one statement made once per key: `counts` maps each
    name to an aggregate over the rows' columns (the values() names) and its parameters, e.g.
    `{"open": ("COUNT(*)", ()), "new": ("COUNT(*) FILTER (WHERE status = %s)", ("new",))}`.
    Nothing to match counts 0 each."""
    return run(counted_plan(key, build, counts, now))


def counted_plan(
    key: Hashable,
    build: Callable[[datetime.datetime], QuerySet[Any, Any]],
    counts: dict[str, tuple[str, tuple[Any, ...]]],
    now: datetime.datetime | None = None,
) -> Plan[dict[str, int]]:
    """`counted` as a plan (`gather`): its statement asked for with other plans' statements."""
    statement = counted_statement(key, build, counts)
    if statement is None:
        return dict.fromkeys(counts, 0)
    (rows,) = yield [Ask(statement, now)]
    return {name: int(n or 0) for name, n in rows[0].items()}


def counted_statement(
    key: Hashable,
    build: Callable[[datetime.datetime], QuerySet[Any, Any]],
    counts: dict[str, tuple[str, tuple[Any, ...]]],
) -> Statement | None:
    """The statement `counted` runs (made once per key), or None when nothing can match."""

    def wrap() -> Statement | None:
        inner = _compile(build(NOW))
        if inner is None:
            return None
        select = ", ".join(f"{sql} AS {name}" for name, (sql, _p) in counts.items())
        outer = tuple(p for _sql, params in counts.values() for p in params)
        shift = len(outer)
        return Statement(
            f"SELECT {select} FROM ({inner.sql}) AS counted",
            (*outer, *inner.params),
            tuple(i + shift for i in inner.now_at),
            tuple(counts),
            inner.using,
            # Counts: numbers (or NULL), as JSON gives them.
            loaders=tuple(_same for _ in counts),
        )

    return _STATEMENTS.get(("counted", key, tuple(counts.items())), wrap)


def _compile(query: QuerySet[Any, Any]) -> Statement | None:
    # values() keeps the names in the order given (Query.selected), which is the SELECT's order.
    selected = query.query.selected
    names = tuple(selected) if selected else tuple(query.query.values_select)
    compiler = query.query.get_compiler(using=query.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    now_at = tuple(i for i, slot in enumerate(_slots(params, {"now": NOW})) if slot)
    converters = _converters(compiler)
    loaders = _loaders(compiler, converters)
    return Statement(
        sql, tuple(params), now_at, names, query.db, compiler, converters, loaders=loaders
    )


def forget() -> None:
    """Drop every kept statement (tests that change a rule's code between runs)."""
    _STATEMENTS.clear()
    _OBJECTS.clear()


# Statements run together: several plans' statements in one round trip.
#
# A page that shows several independent parts (the start page's panels) paid a statement each:
# about 0.2 ms of Python (Django's cursor, psycopg's binding) and 0.1 ms of PostgreSQL besides
# the work itself, plus a round trip. `together` runs them as one statement, each as a scalar
# subquery that hands its rows back as JSON (in its own order: the aggregate reads the ordered
# subquery as it comes), and `gather` drives several plans (generators that yield the
# statements they need and get their rows back) so that each step's statements of all plans go
# in one round trip. Other databases (the embedded SQLite demo) run them one by one.


@dataclass(frozen=True)
class Ask:
    """One statement a plan needs, with the moment to put in its `now` places."""

    statement: Statement
    now: datetime.datetime | None = None


# A plan: a generator that yields the statements it needs (a list of Asks), gets their rows back
# (a list of row lists, in the same order) and returns its result.
Plan = Generator[list[Ask], list[list[dict[str, Any]]], R]


def _same(value: Any) -> Any:
    return value


def _datetime(value: Any) -> Any:
    if value is None:
        return None
    return datetime.datetime.fromisoformat(value).astimezone(datetime.UTC)


def _date(value: Any) -> Any:
    return None if value is None else datetime.date.fromisoformat(value)


def _json_text(value: Any) -> Any:
    # A JSON column comes back as text from the driver (Django parses it, its converter): the
    # value parsed with the row is turned back into text for the same converter.
    return None if value is None else json.dumps(value)


# How a column of each kind of field comes back from PostgreSQL's JSON: as the database driver
# would give it. A kind not named here (arrays, binary, times, and numbers with a fraction, which
# JSON would round through a float) keeps its statement alone.
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "AutoField": _same,
    "BigAutoField": _same,
    "SmallAutoField": _same,
    "IntegerField": _same,
    "BigIntegerField": _same,
    "SmallIntegerField": _same,
    "PositiveIntegerField": _same,
    "PositiveBigIntegerField": _same,
    "PositiveSmallIntegerField": _same,
    "ForeignKey": _same,
    "OneToOneField": _same,
    "BooleanField": _same,
    "CharField": _same,
    "TextField": _same,
    "SlugField": _same,
    "EmailField": _same,
    "DateTimeField": _datetime,
    "DateField": _date,
    "JSONField": _json_text,
}
# The kinds whose ORM converter (from_db_value) reads what their loader gives: the driver's text.
_CONVERTED = {"JSONField"}


def _loaders(compiler: Any, converters: dict[int, Any]) -> tuple[Callable[[Any], Any], ...] | None:
    found = []
    for i, column in enumerate(compiler.select):
        try:
            target = column[0].output_field
        except Exception:  # an expression without a known type: not batched
            return None
        if target.get_internal_type() in ("ForeignKey", "OneToOneField"):
            target = target.target_field
        kind = target.get_internal_type()
        loader = _FROM_JSON.get(kind)
        if loader is None or (i in converters and kind not in _CONVERTED):
            return None
        found.append(loader)
    return tuple(found)


def together(asks: list[Ask]) -> list[list[dict[str, Any]]]:
    """The rows of each asked statement, as `Statement.rows` gives them, in one round trip where
    the database allows (PostgreSQL, every statement's columns loadable from JSON, one
    connection); the others run on their own."""
    if not asks:
        return []
    joined = [
        i
        for i, ask in enumerate(asks)
        if ask.statement.loaders is not None
        and connections[ask.statement.using].vendor == "postgresql"
        and ask.statement.using == asks[0].statement.using
    ]
    found: dict[int, list[dict[str, Any]]] = {}
    if len(joined) > 1:
        parts, params = [], []
        for i in joined:
            statement = asks[i].statement
            parts.append(f"(SELECT COALESCE(json_agg(s), '[]')::text FROM ({statement.sql}) AS s)")
            params += statement.bound(asks[i].now)
        with connections[asks[joined[0]].statement.using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            texts = cursor.fetchone()
        for i, text in zip(joined, texts, strict=True):
            statement = asks[i].statement
            loaders = statement.loaders or ()
            # Each row an object of the columns in their order (the values() names are unique;
            # a repeated name would leave too few values, and zip would say so).
            rows = [
                tuple(load(v) for load, v in zip(loaders, row.values(), strict=True))
                for row in json.loads(text)
            ]
            found[i] = statement._dicts(rows)
    return [found[i] if i in found else ask.statement.rows(ask.now) for i, ask in enumerate(asks)]


def all_of(plans: Mapping[K, Plan[Any] | Any]) -> Plan[dict[K, Any]]:
    """A plan of several plans' results (a value that is not a generator is its own result):
    at each step it asks for the statements all the unfinished plans need, together, so that
    they take as many round trips as the longest plan has steps."""
    results: dict[K, Any] = {}
    waiting: dict[K, tuple[Plan[Any], list[Ask]]] = {}

    def step(key: K, plan: Plan[Any], rows: list[list[dict[str, Any]]] | None) -> None:
        try:
            asks = plan.send(rows) if rows is not None else next(plan)
        except StopIteration as done:
            results[key] = done.value
            return
        waiting[key] = (plan, asks)

    for key, plan in plans.items():
        if isinstance(plan, Generator):
            step(key, plan, None)
        else:
            results[key] = plan
    while waiting:
        current = list(waiting.items())
        waiting.clear()
        rows = yield [ask for _key, (_plan, asks) in current for ask in asks]
        at = 0
        for key, (plan, asks) in current:
            step(key, plan, rows[at : at + len(asks)])
            at += len(asks)
    return {key: results[key] for key in plans}


def gather(plans: Mapping[K, Plan[Any] | Any]) -> dict[K, Any]:
    """Each plan's result, the statements of each step of all of them run together."""
    found: dict[K, Any] = run(all_of(plans))
    return found


def run(plan: Plan[R] | R) -> R:
    """A plan's result, each step's statements run together (`together`) as it asks for them."""
    if not isinstance(plan, Generator):
        return plan
    try:
        asks = next(plan)
        while True:
            asks = plan.send(together(asks))
    except StopIteration as done:
        result: R = done.value
        return result
