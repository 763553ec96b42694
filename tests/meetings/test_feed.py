"""The private calendar feed: parsed back with its meetings; a revoked address answers 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import RoleAssignment, User
from cases.choices import CaseStatus
from cases.models import FollowUpPlan
from meetings import feed, services
from meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_feed_lists_the_persons_meetings_and_follow_up_dates_and_revoking_gives_404(demo, login):
    user = User.objects.get(username="samordnare.sunne")
    signed_in = login("samordnare.sunne")
    client = Client()  # a calendar program: not signed in
    assert signed_in.post(reverse("meetings:feed_new")).status_code == 302
    token = CalendarFeed.objects.active().get(user=user).token
    response = client.get(reverse("meetings:feed_ics", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    found = [e for e in calendar.walk("VEVENT")]
    meetings = feed.meetings_of(user)
    plans = list(
        FollowUpPlan.objects.filter(
            case__owner=user, case__status=CaseStatus.FOLLOW_UP
        ).select_related("case")
    )
    assert plans, "the demo's Sunne coordinator follows cases up"
    uids = {str(e["UID"]).split("@")[0] for e in found}
    expected = {f"meeting-{m.pk}" for m in meetings} | {f"followup-{p.pk}" for p in plans}
    assert expected == uids
    assert any(str(e["SUMMARY"]) == "SuToHaMu-gruppen" for e in found)
    assert all(e.get("DTSTART") and e.get("DTSTAMP") for e in found)
    # A follow-up event: the contact date, the case's reference and nothing of its text.
    events = {str(e["UID"]).split("@")[0]: e for e in found}
    for plan in plans:
        event = events[f"followup-{plan.pk}"]
        assert event.decoded("DTSTART") == plan.next_contact_on
        assert str(event["SUMMARY"]) == f"Uppföljningskontakt: {plan.case.reference}"
        assert plan.case.title not in response.content.decode()
        assert "DESCRIPTION" not in event

    assert signed_in.post(reverse("meetings:feed_new")).status_code == 302  # a new address
    assert client.get(reverse("meetings:feed_ics", args=[token])).status_code == 404
    fresh = CalendarFeed.objects.active().get(user=user).token
    assert client.get(reverse("meetings:feed_ics", args=[fresh])).status_code == 200
    signed_in.post(reverse("meetings:feed_revoke"))
    assert client.get(reverse("meetings:feed_ics", args=[fresh])).status_code == 404


def test_a_person_without_a_role_gets_no_feed(demo, login):
    """Refused with a clear message (code `no_role`) and no address made; an old one answers
    404 once the role has ended."""
    user = User.objects.get(username="samordnare.sunne")
    old = services.feed_create(by=user)
    RoleAssignment.objects.filter(user=user).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    user = User.objects.get(pk=user.pk)  # roles are cached per user object
    with pytest.raises(ValidationError) as refused:
        services.feed_create(by=user)
    assert refused.value.code == "no_role"
    assert "roll" in refused.value.messages[0]  # the Swedish message names the missing role
    assert CalendarFeed.objects.active().filter(user=user).get() == old
    assert login("samordnare.sunne").post(reverse("meetings:feed_new")).status_code == 403
    assert CalendarFeed.objects.active().filter(user=user).get() == old
    assert Client().get(reverse("meetings:feed_ics", args=[old.token])).status_code == 404


def test_the_first_address_does_not_speak_of_an_old_one(demo, login):
    client = login("samordnare.torsby")
    first = client.post(reverse("meetings:feed_new"), follow=True)
    assert [str(m) for m in first.context["messages"]] == ["Din kalenderadress skapades."]
    second = client.post(reverse("meetings:feed_new"), follow=True)
    assert [str(m) for m in second.context["messages"]] == [
        "En ny kalenderadress skapades; den gamla fungerar inte längre."
    ]
