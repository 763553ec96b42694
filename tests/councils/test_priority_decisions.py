"""A joint priority cites the working group's priority decision, not just any decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from councils.choices import PriorityScope
from councils.models import Priority
from councils.services import priority_save
from meetings.choices import DecisionKind
from meetings.models import Decision

pytestmark = pytest.mark.django_db


def joint(reference: str) -> Priority:
    return Priority(
        year=2026,
        scope=PriorityScope.JOINT,
        area="crime",
        title="Gemensam fråga",
        decision_reference=reference,
    )


def test_a_joint_priority_cites_a_priority_decision(demo):
    coordinator = User.objects.get(username="samordnare.sunne")
    priority = Decision.objects.filter(kind=DecisionKind.PRIORITY).select_related("meeting")[0]
    other = Decision.objects.filter(kind=DecisionKind.GENERAL).first()
    with pytest.raises(ValidationError) as refused:
        priority_save(priority=joint(other.reference), by=coordinator)
    assert refused.value.error_dict["decision_reference"][0].code == "not_a_priority_decision"
    assert not Priority.objects.filter(title="Gemensam fråga").exists()
    saved = priority_save(priority=joint(priority.reference.lower()), by=coordinator)
    assert (saved.decision_reference, saved.decision_date) == (
        priority.reference,
        priority.meeting.day,
    )
