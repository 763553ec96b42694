"""Role matrix: each demo account against each case view and export; grants through guardian."""

import re

import pytest
from django.urls import reverse

from accounts.capabilities import grant_object, revoke_object
from accounts.models import User
from tests.demo_objects import nmr_case

ACCOUNTS = [
    "samordnare.sunne",
    "samordnare2.sunne",
    "samordnare.torsby",
    "samordnare.hagfors",
    "samordnare.munkfors",
    "rektor.sunne",
    "kommunpolis",
    "lpo.chef",
    "agera",
    "lansstyrelsen",
    "styrgrupp.sunne",
    "admin",
    "dso",
]
SUNNE_COORDINATORS = {"samordnare.sunne", "samordnare2.sunne"}
# In the demo the NMR case is escalated to Torsby (acknowledged) and Agera (answered): their
# people read the shared part, Torsby adds measures and notes, Agera adds measures it delivers.
SHARED_WITH = {
    "cases:detail": {"samordnare.torsby", "agera"},
    "cases:measure_create": {"samordnare.torsby", "agera"},
    "cases:add_note": {"samordnare.torsby"},
}

CASE_VIEWS = [
    ("cases:detail", "get"),
    ("cases:timeline", "get"),
    ("cases:pdf", "get"),
    ("cases:edit", "get"),
    ("cases:measure_create", "get"),
    ("cases:consent_create", "get"),
    ("cases:add_subject", "get"),
    ("cases:add_note", "post"),
    ("cases:transition", "post"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_case_views_are_404_without_a_leak_for_everyone_but_the_owning_municipality(
    login, username
):
    """The account against every case view: reached (200, a redirect after a post, or the post's
    input refused) where it may, else 404 showing neither reference nor title.

    One test per account rather than per view: signing in costs more than most pages, so one
    sign-in serves the account's whole row. The two posts come last, after the pages are read.
    """
    case = nmr_case()
    client = login(username)
    got, leaks = {}, []
    for view, method in CASE_VIEWS:
        url = reverse(view, args=[case.reference])
        response = getattr(client, method)(url, {"text": "x"} if method == "post" else None)
        got[view] = response.status_code
        if response.status_code == 404:
            body = response.content.decode()
            if case.reference in body or case.title in body:
                leaks.append(view)
    reached = {200, 302, 400}  # a bare POST may be refused as input: it reached the case
    expected = {
        view
        for view, _method in CASE_VIEWS
        if username in SUNNE_COORDINATORS | SHARED_WITH.get(view, set())
    }
    assert {v for v, s in got.items() if s in reached} == expected, got
    assert all(got[v] == 404 for v, _method in CASE_VIEWS if v not in expected), got
    assert leaks == []


@pytest.mark.django_db
def test_case_views_send_anonymous_to_sign_in(login):
    case = nmr_case()
    for view, method in CASE_VIEWS:
        response = getattr(login(None), method)(reverse(view, args=[case.reference]))
        assert response.status_code == 302 and "/logga-in/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["cases:desk", "cases:export"])
def test_desk_and_export_are_for_case_workers_and_leak_nothing_across_municipalities(login, page):
    case = nmr_case()
    for username in ACCOUNTS:
        response = login(username).get(reverse(page))
        body = response.content.decode("utf-8-sig")
        if username in SUNNE_COORDINATORS:
            assert response.status_code == 200
        elif username.startswith("samordnare."):
            assert response.status_code == 200, username  # their own municipality's cases
            assert case.reference not in body and case.title not in body
        else:
            assert response.status_code == 403, username
            assert case.reference not in body and case.title not in body


@pytest.mark.django_db
def test_a_reference_that_does_not_exist_looks_the_same_as_one_out_of_reach(login):
    client = login("samordnare.hagfors")
    missing = client.get(reverse("cases:detail", args=["SUN-2099-9999"]))
    hidden = client.get(reverse("cases:detail", args=[nmr_case().reference]))
    assert missing.status_code == hidden.status_code == 404

    def without_token(response):
        return re.sub(rb"[A-Za-z0-9]{64}", b"TOKEN", response.content)

    assert without_token(missing) == without_token(hidden)


@pytest.mark.django_db
def test_a_stored_grant_alone_opens_nothing(login):
    """The guardian row is a record; the live condition (an open escalation) must hold too."""
    case = nmr_case()
    reader = User.objects.get(username="lansstyrelsen")
    url = reverse("cases:detail", args=[case.reference])
    assert login("lansstyrelsen").get(url).status_code == 404
    grant_object(reader, "cases.view_case", case)
    assert login("lansstyrelsen").get(url).status_code == 404
    revoke_object(reader, "cases.view_case", case)


@pytest.mark.django_db
def test_administrator_and_dpo_see_no_case_count_or_title_anywhere(login):
    case = nmr_case()
    for username in ["admin", "dso"]:
        client = login(username)
        for url in [reverse("home"), reverse("councils:overview")]:
            body = client.get(url).content.decode()
            assert case.title not in body and case.reference not in body
            assert "öppna ärenden" not in body
