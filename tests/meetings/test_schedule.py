"""The yearly schedule: the agenda owners' rotation across years, moves, cancellations, a fifth
municipality; quotas; regenerating never deletes a meeting with minutes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import Role
from councils.services import meeting_plan_save
from meetings import services
from meetings.choices import MeetingStatus
from meetings.models import AgendaRotation, Meeting
from meetings.schedule import generate_year
from tests.accounts.factories import UserFactory, user_with_role
from tests.councils.factories import LocalCouncilFactory, MunicipalityFactory

from .factories import working_group

pytestmark = pytest.mark.django_db


def hosts(body, year: int) -> list[int]:
    return list(
        Meeting.objects.filter(body=body)
        .in_year(year)
        .order_by("starts_at")
        .values_list("host_id", flat=True)
    )


def test_monthly_without_july_rotating_and_continuing_into_the_next_year():
    body, towns = working_group()
    ids = [t.pk for t in towns]
    created = generate_year(body=body, year=2025, by=None)
    assert len(created) == 11
    assert 7 not in {m.day.month for m in created}
    assert all(
        m.starts_at.hour == 12 or timezone.localtime(m.starts_at).hour == 13 for m in created
    )
    assert hosts(body, 2025) == [ids[i % 4] for i in range(11)]  # Sunne, Torsby, Hagfors, ...
    generate_year(body=body, year=2026, by=None)
    # 2025 ended with the third municipality: 2026 starts with the fourth.
    assert hosts(body, 2026)[:3] == [ids[3], ids[0], ids[1]]


def test_moving_or_cancelling_a_meeting_keeps_the_rotation_of_the_others():
    body, towns = working_group()
    user = user_with_role(Role.COORDINATOR)
    generate_year(body=body, year=2025, by=None)
    before = hosts(body, 2025)
    meetings = list(Meeting.objects.filter(body=body).order_by("starts_at"))
    march, may = meetings[2], meetings[4]
    services.meeting_move(
        meeting=march,
        starts_at=march.starts_at + datetime.timedelta(days=21),  # into April
        ends_at=march.ends_at + datetime.timedelta(days=21),
        place="Torsby",
        by=user,
    )
    services.meeting_cancel(meeting=may, reason="Krockar med skolavslutningen.", by=user)
    assert generate_year(body=body, year=2025, by=None) == []  # nothing re-created
    assert hosts(body, 2025) == before
    assert Meeting.objects.get(pk=may.pk).status == MeetingStatus.CANCELLED
    generate_year(body=body, year=2026, by=None)
    assert hosts(body, 2026)[0] == towns[3].pk


def test_a_fifth_municipality_joins_the_rotation_as_data():
    body, towns = working_group()
    generate_year(body=body, year=2025, by=None)  # ends with the third (index 2)
    fifth = MunicipalityFactory()
    AgendaRotation.objects.create(body=body, municipality=fifth, position=5)
    generate_year(body=body, year=2026, by=None)
    ids = [t.pk for t in towns] + [fifth.pk]
    assert hosts(body, 2026)[:6] == [ids[3], ids[4], ids[0], ids[1], ids[2], ids[3]]


def test_regenerating_never_deletes_a_meeting_with_minutes():
    body, _towns = working_group()
    user = user_with_role(Role.COORDINATOR)
    generate_year(body=body, year=2025, by=None, skipped_months=[])
    december = Meeting.objects.filter(body=body, starts_at__month=12).get()
    services.decision_add(meeting=december, text="Beslut om utbildning.", by=user)
    july = Meeting.objects.filter(body=body, starts_at__month=7).get()
    # Skip July and December now: July (no minutes) goes, December (a decision) stays.
    generate_year(body=body, year=2025, by=None, skipped_months=[7, 12])
    assert Meeting.objects.filter(pk=december.pk).exists()
    assert not Meeting.objects.filter(pk=july.pk).exists()


def test_local_council_follows_its_plan_and_quota_is_refused():
    council = LocalCouncilFactory()
    meeting_plan_save(body=council, year=2025, planned_meetings=3, by=UserFactory())
    created = generate_year(body=council, year=2025, by=None)
    assert len(created) == 3
    assert {m.host_id for m in created} == {council.municipality_id}
    user = user_with_role(Role.COORDINATOR)
    start = datetime.datetime(2025, 12, 1, 15, tzinfo=timezone.get_current_timezone())
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            body=council,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            place="",
            by=user,
        )
    assert refused.value.code == "quota"


def test_working_group_beyond_its_plan_is_refused():
    body, _towns = working_group()
    meeting_plan_save(body=body, year=2025, planned_meetings=11, by=UserFactory())
    with pytest.raises(ValidationError) as refused:
        generate_year(body=body, year=2025, by=None, skipped_months=[])
    assert refused.value.code == "quota"
    assert not Meeting.objects.filter(body=body).exists()


def test_a_meeting_cannot_end_before_it_starts():
    body, _towns = working_group()
    user = user_with_role(Role.COORDINATOR)
    start = datetime.datetime(2025, 3, 4, 13, tzinfo=timezone.get_current_timezone())
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            body=body,
            starts_at=start,
            ends_at=start - datetime.timedelta(hours=1),
            place="",
            by=user,
        )
    assert "ends_at" in refused.value.message_dict
