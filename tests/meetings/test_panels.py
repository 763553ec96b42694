"""The start page's meetings panel and the querysets the reminders read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.models import AGENDA_DUE_DAYS, ActionItem, Meeting, SituationReport
from meetings.panels import picture_nudge, summary

from .conftest import coordinator_of

pytestmark = pytest.mark.django_db


def test_next_meetings_agenda_due_and_lagesbild_status(coming):
    start = timezone.now() + datetime.timedelta(days=10)
    Meeting.objects.filter(pk=coming.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    owner = User.objects.get(username=coordinator_of(coming.host))
    figures = summary(owner)
    assert coming.pk in [m.pk for m in figures["coming"]]
    assert [m.pk for m in figures["agenda_due"]] == [coming.pk]
    sunne = summary(User.objects.get(username="samordnare.sunne"))
    assert sunne["picture"]["submitted"] is True  # the demo's Sunne picture
    other = "samordnare.hagfors" if coming.host.code != "HAG" else "samordnare.munkfors"
    assert summary(User.objects.get(username=other))["picture"]["submitted"] is False
    assert summary(User.objects.get(username="admin"))["coming"] == []


def test_reminder_querysets(coming):
    day = coming.day - datetime.timedelta(days=AGENDA_DUE_DAYS)
    assert coming in Meeting.objects.agenda_due_on(day)
    assert coming not in Meeting.objects.agenda_due_on(day + datetime.timedelta(days=1))
    item = ActionItem.objects.open().order_by("due_date").first()
    assert item is not None
    assert item in ActionItem.objects.due_by(item.due_date)
    assert item not in ActionItem.objects.due_by(item.due_date - datetime.timedelta(days=1))
    assert not ActionItem.objects.due_by(timezone.localdate()).exclude(status="open").exists()


@pytest.mark.parametrize("username", ["agera", "lansstyrelsen"])
def test_the_regional_partners_start_page_nudges_for_their_lagesbild(coming, login, username):
    SituationReport.objects.filter(meeting=coming).delete()
    page = login(username).get(reverse("home")).content.decode()
    assert 'id="panel-picture"' in page
    assert "är inte lämnad ännu" in page
    assert f'href="{reverse("meetings:picture_submit", args=[coming.pk])}"' in page


def test_those_who_prepare_meetings_get_the_nudge_only_in_the_meetings_panel(coming, login):
    page = login("samordnare.sunne").get(reverse("home")).content.decode()
    assert 'id="panel-meetings"' in page and 'id="panel-picture"' not in page
    assert picture_nudge(User.objects.get(username="rektor.sunne")) == {}
