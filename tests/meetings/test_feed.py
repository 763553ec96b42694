"""The private calendar feed: parsed back with its meetings; a revoked address answers 404."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import User
from meetings import feed
from meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_feed_lists_the_persons_meetings_and_revoking_gives_404(demo, login):
    user = User.objects.get(username="samordnare.sunne")
    signed_in = login("samordnare.sunne")
    client = Client()  # a calendar program: not signed in
    assert signed_in.post(reverse("meetings:feed_new")).status_code == 302
    token = CalendarFeed.objects.active().get(user=user).token
    events = [("followup-1", datetime.date(2030, 1, 2), "Uppföljning SUN-2026-0004", "/arenden/")]
    source = lambda person: events if person == user else []  # noqa: E731
    feed.register_source(source)
    try:
        response = client.get(reverse("meetings:feed_ics", args=[token]))
    finally:
        feed._sources.remove(source)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    found = [e for e in calendar.walk("VEVENT")]
    meetings = feed.meetings_of(user)
    uids = {str(e["UID"]).split("@")[0] for e in found}
    assert {f"meeting-{m.pk}" for m in meetings} | {"followup-1"} == uids
    assert any(str(e["SUMMARY"]) == "SuToHaMu-gruppen" for e in found)
    assert all(e.get("DTSTART") and e.get("DTSTAMP") for e in found)

    assert signed_in.post(reverse("meetings:feed_new")).status_code == 302  # a new address
    assert client.get(reverse("meetings:feed_ics", args=[token])).status_code == 404
    fresh = CalendarFeed.objects.active().get(user=user).token
    assert client.get(reverse("meetings:feed_ics", args=[fresh])).status_code == 200
    signed_in.post(reverse("meetings:feed_revoke"))
    assert client.get(reverse("meetings:feed_ics", args=[fresh])).status_code == 404


def test_the_first_address_does_not_speak_of_an_old_one(demo, login):
    client = login("samordnare.torsby")
    first = client.post(reverse("meetings:feed_new"), follow=True)
    assert [str(m) for m in first.context["messages"]] == ["Din kalenderadress skapades."]
    second = client.post(reverse("meetings:feed_new"), follow=True)
    assert [str(m) for m in second.context["messages"]] == [
        "En ny kalenderadress skapades; den gamla fungerar inte längre."
    ]
