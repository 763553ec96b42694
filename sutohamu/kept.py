"""A bounded map kept by one process, for values that are a pure function of their key (a
compiled statement, a rendered menu): made once, reused by every request and thread after."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

V = TypeVar("V")
M = TypeVar("M", bound=Model)


class Kept(Generic[V]):
    """At most `size` values, the least recently used dropped first; safe across threads (two
    threads missing the same key at once both make it, and the value is the same)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def snapshot(self) -> dict[Hashable, V]:
        """What is kept now, oldest first (for tests and diagnostics)."""
        with self._lock:
            return dict(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Statement(Generic[M]):
    """A model query compiled once, run with one value chosen per call: what the ORM builds and
    compiles anew on every request (a millisecond for a case with its municipality and owner)
    for a statement that differs only in that value.

    Made from the queryset as the ORM would run it, with `marker` where the value goes (one
    parameter exactly); `first(value)` runs the same SQL (a prepared statement after a few runs)
    and builds the object and its `select_related` objects as the ORM does."""

    def __init__(self, queryset: QuerySet[M], marker: object) -> None:
        self._db = queryset.db
        compiler = queryset.query.get_compiler(using=self._db)
        sql, params = compiler.as_sql()
        self._sql, self._params = sql, list(params)
        if self._params.count(marker) != 1:
            raise ValueError("the marker must stand for exactly one parameter")
        self._slot = self._params.index(marker)
        self._compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None or compiler.annotation_col_map:
            raise ValueError("only a plain model query (select_related allowed)")
        fields = klass_info["select_fields"]
        self._start, self._end = fields[0], fields[-1] + 1
        self._model: type[M] = klass_info["model"]
        self._names = [column[0].target.attname for column in select[self._start : self._end]]
        self._related = get_related_populators(klass_info, select, self._db)
        self._converters = compiler.get_converters([column[0] for column in select])

    def first(self, value: object) -> M | None:
        params = list(self._params)
        params[self._slot] = value
        with connections[self._db].cursor() as cursor:
            cursor.execute(self._sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if self._converters:
            row = next(iter(self._compiler.apply_converters([row], self._converters)))
        obj = self._model.from_db(self._db, self._names, row[self._start : self._end])
        for related in self._related:
            related.populate(row, obj)
        return obj
