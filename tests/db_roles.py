"""The tests run as the app's database role; the test database is created and migrated by the owner.

A pytest plugin (loaded from tests/conftest.py). pytest-django creates and migrates each test
database with `DATABASE_URL`'s role, the owner; `_app_role` then grants the app's role
(`DATABASE_APP_URL`, by default `sutohamu_app` on the same server, made by
scripts/test-services.sh) exactly what production grants (`sutohamu.db_roles`) and switches the
default connection to it, so every test, live server and worker process works as the app does.

What only the owner may do goes through `as_owner()`, which reconnects the default connection as
the owner for its block: the demo's snapshot, the resets between tests (DELETE past the logs'
append-only triggers), the reset after a transactional test (in place of Django's flush, patched
below), and a test marked `db_owner` (tampering with a log, as only the schema's owner can; a
backup).

The interface for tests/conftest.py: `pytest_plugins = ["tests.db_roles"]`; the fixture
`as_owner` (the context manager `as_owner()`) around any reset; the fixture
`after_transactional_test` (`after_transactional_test(reset)`);
`_db_role` among the fixtures set up before pytest-django's `_django_db_helper`.
On SQLite there are no roles and all of this does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import environ
import pytest
from django.db import connections
from django.test import TransactionTestCase

APP_ROLE_DEFAULT = "sutohamu_app"
# The default connection's credentials: the owner's and the app role's ({} until set up).
_roles: dict[str, dict[str, Any]] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "db_owner: the test runs as the database owner (not the app's role)"
    )


def _app_credentials() -> dict[str, Any]:
    if "DATABASE_APP_URL" in os.environ:
        url = environ.Env().db("DATABASE_APP_URL")
        return {"USER": url["USER"], "PASSWORD": url["PASSWORD"]}
    return {"USER": APP_ROLE_DEFAULT, "PASSWORD": APP_ROLE_DEFAULT}


def app_role_name() -> str:
    return str(_app_credentials()["USER"])


def _use(credentials: dict[str, Any]) -> None:
    connection = connections["default"]
    connection.close()
    connection.settings_dict.update(credentials)


def current_role() -> str:
    return str(connections["default"].settings_dict["USER"])


@contextmanager
def as_owner() -> Iterator[None]:
    """The default connection as the owner for this block (outside any test transaction)."""
    if not _roles or current_role() == _roles["owner"]["USER"]:
        yield
        return
    _use(_roles["owner"])
    try:
        yield
    finally:
        _use(_roles["app"])


@pytest.fixture(scope="session")
def _app_role(django_db_setup, django_db_blocker) -> Iterator[None]:
    from django.core.management import call_command

    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield
        return
    owner = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    app = _app_credentials()
    with django_db_blocker.unblock():
        call_command("grant_app_role", role=app["USER"], verbosity=0)
    _roles.update(owner=owner, app=app)
    _use(app)
    try:
        yield
    finally:
        # pytest-django drops the test database with the default connection: as the owner.
        _use(owner)
        _roles.clear()


@pytest.fixture(name="as_owner", scope="session")
def _as_owner_fixture(_app_role):
    """`as_owner` for conftest.py (a fixture, so that it need not import this module)."""
    return as_owner


@pytest.fixture
def _db_role(request, _app_role) -> Iterator[None]:
    """A test marked `db_owner` runs (set-up and roll-back included) as the owner."""
    if request.node.get_closest_marker("db_owner"):
        with as_owner():
            yield
    else:
        yield


_flush = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009 (private, untyped)
# What runs after a transactional test instead of Django's flush (tests/conftest.py's reset).
_teardown: list[Callable[[], None]] = []


def after_transactional_test(reset: Callable[[], None]) -> None:
    """Have `reset` (run as the owner) put the database back after each transactional test."""
    _teardown[:] = [reset]


@pytest.fixture(name="after_transactional_test", scope="session")
def _after_transactional_test_fixture():
    """`after_transactional_test` for conftest.py (a fixture, so that it need not import this
    module)."""
    return after_transactional_test


def _fixture_teardown_as_owner(self: TransactionTestCase) -> None:
    """After a transactional test: the reset conftest.py set, else Django's flush (TRUNCATE);
    either is something the app role may not do."""
    with as_owner():
        if _teardown:
            _teardown[0]()
        else:
            _flush(self)


setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown_as_owner)  # noqa: B010
