"""Reminders of an escalation nobody has acknowledged: the receiver's people after five working
days, the sending side after ten, and each only while they may still reach it."""

from __future__ import annotations

import datetime

import pytest

from accounts.choices import Role
from cases.choices import EscalationStatus
from cases.models import Escalation
from reminders.models import Reminder
from reminders.services import sweep
from tests.accounts.factories import RoleAssignmentFactory
from tests.councils.factories import MunicipalityFactory
from tests.reminders.conftest import followup_case

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 11, 16, 10, tzinfo=datetime.UTC)
TEN_WORKING_DAYS_LATER = datetime.date(2026, 11, 30)


def unacknowledged_escalation(town) -> int:
    """An escalation to a neighbouring municipality, sent on MONDAY; its receiver's user id."""
    case = followup_case(town, datetime.date(2027, 1, 29))
    neighbour = MunicipalityFactory()
    receiver = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=neighbour).user
    Escalation.objects.create(
        case=case,
        receiver=neighbour,
        kind="neighbour",
        reason="Flytt.",
        request="Följ upp.",
        created_by=town.owner,
        created_at=MONDAY,
        status=EscalationStatus.NEW,
    )
    return receiver.pk


def test_the_sender_who_no_longer_works_the_municipalitys_cases_is_not_reminded(town):
    receiver = unacknowledged_escalation(town)
    town.owner.roles.update(start_date=datetime.date(2026, 1, 1), end_date=MONDAY.date())
    sweep(TEN_WORKING_DAYS_LATER)
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {receiver}


def test_the_sender_who_still_works_the_municipalitys_cases_is_reminded(town):
    receiver = unacknowledged_escalation(town)
    sweep(TEN_WORKING_DAYS_LATER)
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {receiver, town.owner.pk}
