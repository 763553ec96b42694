"""A signed-in session slides its idle expiry without a database write on every request."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def session_writes(client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_session_is_saved_once_per_refresh_period_not_per_request(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    settings.TWO_FACTOR_REQUIRED = False
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)) as t:
        client.force_login(user)
        session_writes(client)  # the first request after sign-in refreshes
        assert session_writes(client) == 0
        assert session_writes(client) == 0
        t.shift(61)
        assert session_writes(client) == 1  # the expiry slides
        assert session_writes(client) == 0


def test_idle_session_still_expires(client, settings):
    settings.SESSION_REFRESH_SECONDS = 60
    settings.TWO_FACTOR_REQUIRED = False
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)) as t:
        client.force_login(user)
        assert client.get("/").status_code == 200
        t.shift(settings.SESSION_COOKIE_AGE + 1)
        response = client.get("/")
        assert response.status_code == 302
        assert "/logga-in/" in response["Location"]


def test_anonymous_visitor_gets_no_session_row(client):
    from django.contrib.sessions.models import Session

    client.get("/logga-in/")
    client.get("/healthz")
    assert Session.objects.count() == 0
