"""Commits as the cached page parts see them, inside a test's transaction.

A test runs in a transaction that is rolled back, so a service's on-commit steps never run by
themselves, and while one is pending the parts are rendered afresh (sutohamu.fragments): a test of
the cache would pass without it. `committed()` runs and forgets the block's on-commit steps, as
a commit would: after it, the page is served from the cache again, and shows a change only if the
service bumped the versions that cover it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def committed() -> Iterator[None]:
    start = len(connection.run_on_commit)
    yield
    pending = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for entry in pending:
        entry[1]()
