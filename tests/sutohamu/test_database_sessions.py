"""The app's PostgreSQL sessions: JIT off, parameters bound on the server and hot statements
prepared (sutohamu/settings.py), on a persistent connection and on a pooled one alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
    DatabaseWrapper,
    ServerBindingCursor,
)

from accounts.models import User

pytestmark = pytest.mark.django_db

QUERY_MARK = "accounts_user"


def _prepared(wrapper: DatabaseWrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _run_a_lookup(wrapper: DatabaseWrapper, times: int) -> None:
    sql, params = User.objects.filter(username="ingen").values("pk").query.sql_with_params()
    with wrapper.cursor() as cursor:
        for _ in range(times):
            cursor.execute(sql, params)
            cursor.fetchall()


def test_the_apps_sessions_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_parameters_are_bound_on_the_server_with_a_prepare_threshold():
    connection.ensure_connection()
    assert connection.connection.cursor_factory is ServerBindingCursor
    assert connection.connection.prepare_threshold == 2


def test_a_statement_run_repeatedly_is_prepared_once():
    connection.ensure_connection()
    connection.connection.prepared_max = 100  # room, whatever ran on this connection before
    _run_a_lookup(connection, 4)
    prepared = [s for s in _prepared(connection) if QUERY_MARK in s and '"username" = $1' in s]
    assert len(prepared) == 1


@pytest.fixture
def pooled() -> Iterator[DatabaseWrapper]:
    """A connection from a psycopg pool made with the app's settings (DB_POOL_MAX_SIZE)."""
    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}},
    }
    wrapper = DatabaseWrapper(settings_dict, alias="pooled_sessions_test")
    yield wrapper
    wrapper.close()
    wrapper.close_pool()  # type: ignore[attr-defined]


def test_a_pooled_connection_keeps_the_settings_and_its_prepared_statements(pooled):
    _run_a_lookup(pooled, 4)
    pooled.close()  # back to the pool; the next request gets the same session
    with pooled.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
    assert any(QUERY_MARK in s for s in _prepared(pooled))
