"""Querysets compiled to SQL once per process and run against the live rows on every request.

On the start pages the ORM's building and compiling of a panel's few small queries cost more
than running them (about 5 ms of Python per panel against well under one in PostgreSQL). Like
the bell's reachability rules (accounts.notifications), a panel's statement is a pure function
of a key that names everything the queryset is built from without reading rows: the person's id
and active roles (`fragment_scope`), the day (roles and memberships in force), and whatever else
the caller names. The statement itself reads the live rows, so nothing needs invalidating: a
meeting planned, a report finished or a seat taken shows on the next request, in every process.

The one value that changes within a key is the moment of the request: a builder takes `now` and
uses it only as a whole filter value (`ends_at__gte=now`); the statement is compiled with a
sentinel in its place, and each run substitutes the request's moment for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from .kept import Kept

# A moment no real request has: where it appears among the parameters, `now` goes.
NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Statement:
    """A values() queryset as SQL: the text, its parameters, the indexes of `now`, the columns."""

    sql: str
    params: tuple[Any, ...]
    now_at: tuple[int, ...]
    columns: tuple[str, ...]
    using: str

    def rows(self, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
        """The rows as dicts of the values() names, with `now` in the sentinel's places."""
        params = list(self.params)
        for i in self.now_at:
            if now is None:
                raise ValueError("This statement filters on the moment: give now.")
            params[i] = now
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            return [dict(zip(self.columns, row, strict=True)) for row in cursor.fetchall()]


_STATEMENTS: Kept[Statement | None] = Kept(4096)


def compiled(
    key: Hashable, build: Callable[[datetime.datetime], QuerySet[Any, Any]]
) -> Statement | None:
    """The statement of `build(NOW)` (a values() queryset), made once per key; None when it can
    match nothing. The key must name everything `build` reads besides `now`."""
    # The time zone too: a year's or a day's bounds are compiled in the zone in force.
    return _STATEMENTS.get(
        (key, timezone.get_current_timezone_name()), lambda: _compile(build(NOW))
    )


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
        )

    zone = timezone.get_current_timezone_name()
    statement = _STATEMENTS.get(("counted", key, zone, tuple(counts.items())), wrap)
    if statement is None:
        return dict.fromkeys(counts, 0)
    return {name: int(n or 0) for name, n in statement.rows(now)[0].items()}


def _compile(query: QuerySet[Any, Any]) -> Statement | None:
    # values() keeps the names in the order given (Query.selected), which is the SELECT's order.
    selected = query.query.selected
    names = tuple(selected) if selected else tuple(query.query.values_select)
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:
        return None
    now_at = tuple(i for i, p in enumerate(params) if p is NOW or p == NOW)
    return Statement(sql, tuple(params), now_at, names, query.db)


def forget() -> None:
    """Drop every kept statement (tests that change a rule's code between runs)."""
    _STATEMENTS.clear()
