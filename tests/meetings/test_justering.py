"""Justering: the chair and one or two justerare among those present; the justerare approve the
minutes (never their author alone), only after the meeting has started; decisions and action
items are recorded from the start."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from meetings import services
from meetings.choices import MeetingStatus
from meetings.models import Meeting, MinutesChecker

from .conftest import coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(coming):
    """The working group's next meeting with everyone present; the host's coordinator writes."""
    secretary = User.objects.get(username=coordinator_of(coming.host))
    seats = services.seats_of(coming)
    services.attendance_record(
        meeting=coming, present=[s.user_id for s in seats], guests=[], by=secretary
    )
    others = [u for u in services.present_people(coming) if u.pk != secretary.pk]
    return coming, secretary, others


def after_start(meeting: Meeting):
    return time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=5), tick=False)


def test_before_the_start_nothing_is_recorded_or_approved_and_the_page_says_why(held, login):
    meeting, secretary, others = held
    services.justering_set(meeting=meeting, chair=others[0], checkers=others[1:3], by=secretary)
    for call in (
        lambda: services.decision_add(meeting=meeting, text="Beslut.", by=secretary),
        lambda: services.action_item_add(
            meeting=meeting,
            title="Göra något",
            owner=others[0],
            due_date=meeting.day,
            by=secretary,
        ),
        lambda: services.minutes_approve(meeting=meeting, by=others[1]),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "not_started"
    page = login(secretary.username).get(reverse("meetings:minutes", args=[meeting.pk]))
    html = page.content.decode()
    assert 'id="not-started"' in html
    assert reverse("meetings:decision_add", args=[meeting.pk]) not in html
    assert 'id="approval-refused"' in html and "inte börjat" in html
    response = login(others[1].username).post(
        reverse("meetings:minutes_approve", args=[meeting.pk])
    )
    assert response.status_code == 400 and "inte börjat" in response.content.decode()
    assert not meeting.decisions.exists() and not meeting.action_items.exists()
    assert not MinutesChecker.objects.filter(meeting=meeting, approved_at__isnull=False).exists()


def test_the_justerare_are_named_among_those_present_and_not_the_secretary(held):
    meeting, secretary, others = held
    with pytest.raises(ValidationError) as refused:
        services.justering_set(meeting=meeting, chair=others[0], checkers=[secretary], by=secretary)
    assert refused.value.error_dict["checkers"][0].code == "secretary_checks"
    with pytest.raises(ValidationError) as refused:
        services.justering_set(meeting=meeting, chair=others[0], checkers=others[1:4], by=secretary)
    assert refused.value.error_dict["checkers"][0].code == "checker_count"
    absent = User.objects.exclude(pk__in=[u.pk for u in others] + [secretary.pk]).first()
    with pytest.raises(ValidationError) as refused:
        services.justering_set(meeting=meeting, chair=others[0], checkers=[absent], by=secretary)
    assert refused.value.code == "not_present"
    assert not meeting.checkers.exists()


def test_the_justerare_approve_never_the_author_alone(held, login):
    meeting, secretary, others = held
    chair, first, second = others[0], others[1], others[2]
    with after_start(meeting):
        with pytest.raises(ValidationError) as refused:
            services.minutes_approve(meeting=meeting, by=first)
        assert refused.value.code == "no_checkers"
        services.decision_add(meeting=meeting, text="Lägesbilden delas.", by=secretary)
        services.justering_set(meeting=meeting, chair=chair, checkers=[first, second], by=secretary)
        # The author alone: refused, in Swedish, nothing changed.
        response = login(secretary.username).post(
            reverse("meetings:minutes_approve", args=[meeting.pk])
        )
        assert response.status_code == 400
        assert "sekreteraren ensam" in response.content.decode()
        with pytest.raises(ValidationError) as refused:
            services.minutes_approve(meeting=meeting, by=secretary)
        assert refused.value.code == "own_minutes"
        with pytest.raises(ValidationError) as refused:
            services.minutes_approve(meeting=meeting, by=chair)
        assert refused.value.code == "not_a_checker"
        assert services.minutes_approve(meeting=meeting, by=first) is None
        meeting.refresh_from_db()
        assert meeting.status != MeetingStatus.MINUTES_APPROVED and not meeting.versions.exists()
        with pytest.raises(ValidationError) as refused:
            services.minutes_approve(meeting=meeting, by=first)
        assert refused.value.code == "already_approved"
        response = login(second.username).post(
            reverse("meetings:minutes_approve", args=[meeting.pk])
        )
        assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_APPROVED and meeting.approved_by == second
    version = meeting.versions.get()
    assert version.content["checkers"] == [str(first), str(second)]
    assert version.content["chair"] == str(chair)
    assert version.content["secretary"] == str(secretary)


def test_the_demos_minutes_were_justered_by_others_than_their_secretary(demo):
    approved = Meeting.objects.filter(status=MeetingStatus.MINUTES_APPROVED)
    assert approved.exists()
    for meeting in approved.prefetch_related("checkers"):
        checkers = list(meeting.checkers.all())
        assert 1 <= len(checkers) <= 2 and meeting.chair_id
        assert all(c.approved_at and c.user_id != meeting.secretary_id for c in checkers)
        assert meeting.versions.filter(number=1).exclude(sha256="").exists()
