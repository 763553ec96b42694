"""Helpers over the demo's meetings."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from accounts.models import RoleAssignment
from councils.choices import BodyKind
from meetings.choices import MeetingStatus
from meetings.models import Meeting


def next_working_group_meeting() -> Meeting:
    return (
        Meeting.objects.filter(body__kind=BodyKind.WORKING_GROUP, status=MeetingStatus.PLANNED)
        .select_related("body", "host")
        .order_by("starts_at")
        .first()
    )


def last_approved_working_group_meeting() -> Meeting:
    return (
        Meeting.objects.filter(
            body__kind=BodyKind.WORKING_GROUP, status=MeetingStatus.MINUTES_APPROVED
        )
        .select_related("body", "host")
        .order_by("-starts_at")
        .first()
    )


def coordinator_of(organisation) -> str:
    return (
        RoleAssignment.objects.filter(role=Role.COORDINATOR, organisation=organisation)
        .order_by("pk")
        .first()
        .user.username
    )


@pytest.fixture
def coming(demo) -> Meeting:
    return next_working_group_meeting()
