"""Fuzzed forms (issue 14, point 4): every view that takes a POST gets random, oversized, Unicode,
null-byte and wrong-type values in the fields its own page offers: never a 500, and a refused post
(4xx) leaves the database as it was.

The views come from the resolver (tests/security/urlmap.py); each is posted by the first demo
account whose GET shows a form posting to it (or, for a POST-only view, the page named in
tests/test_free_text_forms.py, or a guessed set of field names). Hypothesis draws a few
examples per view, derandomised so that a run is repeatable and its time bounded.

Signing in costs more than most pages (a session row, the sign-in log, last_login), so the search
for each view's account reuses one signed-in client per account (it only reads pages); each view is
then posted by a freshly signed-in client of its own, as before, so no post's session effects reach
another view's posts.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.table_writes import Watched
from tests.test_free_text_forms import FREE_TEXT_FORMS, FormValues

from .urlmap import PUBLIC, Url, project_urls, where

EXAMPLES = 2
USERS = ["samordnare.sunne", "kommunpolis", "agera", "admin", "dso", "styrgrupp.sunne"]
# Field names the probe of issue 14 used, for a POST-only view whose form is on no known page.
GUESSED_FIELDS = ["reason", "text", "answer", "note", "on", "version", "to", "status"]
GUESSED_FIELDS += ["organisations", "subjects", "receiver", "owner", "date", "token"]
# Tables a refused post may still write: sessions and sign-in bookkeeping, the append-only read
# log and its audit trail (opening a page is a read), notifications, the admin's own log.
UNWATCHED = ("django_session", "axes_", "cases_caseread", "accounts_notification")
UNWATCHED += ("django_admin_log", "otp_", "cases_readlog", "reports_reportdownload")

HOSTILE_STRINGS = [
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999-01-01",
    "1" * 23,
    "-1",
    "0",
    "1e309",
    "NaN",
    "[]",
    "{'a': 1}",
    "true",
    "",
    " ",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_case; --",
    '=HYPERLINK("http://x")',
    "Å" * 5000,
    "x" * 100_000,
]
scalar = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=40),  # any Unicode, control characters included
    st.text(max_size=10).map(lambda s: f"{s}\x00{s}"),  # a null byte inside
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)
value = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))  # a list: the wrong type


def watched_tables() -> list[str]:
    """The tables a refused post must leave as they were (all but UNWATCHED)."""
    return [
        t
        for t in connection.introspection.table_names()
        if not t.startswith(UNWATCHED) and not t.startswith("demo_snapshot")
    ]


def fingerprint(tables: list[str]) -> dict[str, str]:
    """The tables' rows, hashed, in one query: a refused post must change none."""
    parts = [
        # Order-free (a sum of row hashes, and the count): no sort of every table per example.
        f"(SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)::numeric), 0) FROM \"{t}\" t)"
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def form_fields(response: HttpResponse, page: str, post_path: str) -> list[str] | None:
    """The names of the fields of the page's form that posts to `post_path`, if it has one."""
    if response.status_code != 200 or getattr(response, "streaming", False):
        return None
    parser = FormValues(page)
    parser.feed(response.content.decode(errors="replace"))
    fields = parser.forms.get(post_path)
    if fields is None:
        return None
    names = [n for n, _ in fields if n != "csrfmiddlewaretoken"]
    return sorted(set(names)) or ["_empty"]


def signed_in(username: str) -> Client:
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def target(url: Url, clients: dict[str, Client]) -> tuple[str, list[str]] | None:
    """The account that may post to the view and its form's fields; None for a page without one.

    A page that answers GET with its form posts to itself; a POST-only view (405) is posted with
    the fields of the page named in tests/test_free_text_forms.py, or the guessed field names.
    `clients` holds a signed-in client per account, made on first use (they only read pages).
    """
    spec = FREE_TEXT_FORMS.get(url.name)
    users = [spec.user, *USERS] if spec else USERS
    for username in users:
        if username not in clients:
            clients[username] = signed_in(username)
        client = clients[username]
        if spec and spec.page:
            page = reverse(spec.page, kwargs=spec.kwargs() or None)
            if fields := form_fields(client.get(page), page, url.path):
                return username, fields
        response = client.get(url.path)
        if response.status_code == 405:
            return username, GUESSED_FIELDS
        if response.status_code == 200:
            if fields := form_fields(response, url.path, url.path):
                return username, fields
            return None  # a page this account may open, with no form of its own
    return None


def form_views() -> list[Url]:
    return [
        u
        for u in project_urls()
        if not u.is_admin and not u.is_pdf and u.name not in PUBLIC and "export" not in u.name
    ]


@pytest.fixture
def no_two_factor(settings):
    settings.TWO_FACTOR_REQUIRED = False


def test_fuzzed_posts_never_fail_and_refusals_change_nothing(demo, no_two_factor):
    failures: list[str] = []
    fuzzed: list[str] = []
    statuses: set[int] = set()
    readers: dict[str, Client] = {}
    # Every watched table's fingerprint, hashed once here and then again only for the tables
    # PostgreSQL counts a row written to (tests/table_writes.py): the same comparison as hashing
    # every table around every post, at a fraction of the cost.
    tables = Watched(watched_tables(), fingerprint)
    for url in form_views():
        found = target(url, readers)
        if found is None:
            continue
        username, fields = found
        fuzz(url, signed_in(username), fields, tables, failures, statuses)
        fuzzed.append(url.name)
    assert failures == [], "\n".join(failures)
    assert len(fuzzed) >= 20 and {"cases:report", "councils:medskick_create"} <= set(fuzzed)
    assert 400 in statuses  # the posts reach the forms, which refuse them


def fuzz(
    url: Url,
    client: Client,
    fields: list[str],
    tables: Watched[str],
    failures: list[str],
    statuses: set[int],
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({name: value for name in fields}))
    def post(data: dict[str, Any]) -> None:
        before = tables.now()
        try:
            with transaction.atomic():  # a failed query must not end the test's transaction
                response = client.post(url.path, data)
        except Exception as error:  # a view that fails is what the fuzzer looks for
            failures.append(f"{url.path} ({url.name}) {sorted(data)}: {where(error)}")
            return
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{url.path} ({url.name}): {response.status_code}")
        elif response.status_code >= 400:
            after = tables.now()
            changed = sorted(t for t in before if before[t] != after[t])
            if changed:
                failures.append(
                    f"{url.path} ({url.name}): refused with {response.status_code} "
                    f"but changed {changed}"
                )

    post()
