"""Meeting lists, the decisions register and the action items read in a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.services import meeting_cancel, meeting_move

from .conftest import next_working_group_meeting

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


def test_a_meeting_moved_or_cancelled_through_the_service_shows_on_the_next_list(login):
    """The list's statements are compiled once per person and day and run on the live rows."""
    client = login("samordnare.sunne")
    coming = next_working_group_meeting()
    link = reverse("meetings:detail", args=[coming.pk])
    assert link in client.get(reverse("meetings:list")).content.decode()
    later = coming.starts_at + datetime.timedelta(hours=1)
    meeting_move(
        meeting=coming,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=2),
        place="Stadshuset, sal B",
        by=User.objects.get(username="admin"),
    )
    page = client.get(reverse("meetings:list")).content.decode()
    assert "Stadshuset, sal B" in page
    assert timezone.localtime(later).strftime("%Y-%m-%d %H:%M") in page
    meeting_cancel(meeting=coming, reason="Krockar", by=User.objects.get(username="admin"))
    row = re.search(
        rf"<tr>(?:(?!</tr>).)*{re.escape(link)}.*?</tr>",
        client.get(reverse("meetings:list")).content.decode(),
        re.S,
    )
    assert row and "Inställd" in row.group(0)
