"""Meeting lists, the decisions register and the action items read in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("meetings:list"),
        reverse("meetings:list") + f"?ar={timezone.localdate().year - 1}",
        reverse("meetings:list") + "?ar=2000",
        reverse("meetings:decisions"),
        reverse("meetings:decisions") + "?q=SUTOHAMU",
        reverse("meetings:actions") + "?alla=1",
        reverse("meetings:pictures"),
    ],
)
def test_lists_read_in_a_fixed_number_of_queries(login, url, django_assert_max_num_queries):
    client = login("samordnare.sunne")
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_bad_list_input_is_a_clear_400(login):
    client = login("samordnare.sunne")
    response = client.get(reverse("meetings:list") + "?ar=abc")
    assert response.status_code == 400
    assert "Välj ett år" in response.content.decode()
    assert client.get(reverse("meetings:decisions") + "?year=abc").status_code == 400


@pytest.mark.parametrize(
    ("username", "linked"),
    [("samordnare.sunne", True), ("agera", True), ("rektor.sunne", False), ("lpo.chef", False)],
)
def test_the_list_links_the_pictures_only_for_those_who_may_open_them(login, username, linked):
    """A link that ends in 403 is a dead end: the pictures are the working group's."""
    client = login(username)
    page = client.get(reverse("meetings:list")).content.decode()
    assert (f'href="{reverse("meetings:pictures")}"' in page) is linked
    assert client.get(reverse("meetings:pictures")).status_code == (200 if linked else 403)


def test_past_meetings_are_listed_newest_first(login):
    response = login("samordnare.sunne").get(reverse("meetings:list"))
    past = [m.starts_at for m in response.context["past"]]
    assert len(past) >= 2
    assert past == sorted(past, reverse=True)
    coming = [m.starts_at for m in response.context["coming"]]
    assert coming == sorted(coming)
