"""A municipality with two coordinators, and cases in follow-up built without the demo."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.choices import Role
from accounts.models import Organisation, User
from cases.choices import CaseStatus
from cases.models import Case, FollowUpPlan
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.cases.factories import CaseFactory
from tests.councils.factories import MunicipalityFactory

SECRET_TITLE = "Hemlig problembild om skolgården"
SECRET_TEXT = "Beskrivningen som aldrig får stå i ett mejl."


@dataclass
class Town:
    municipality: Organisation
    owner: User
    colleague: User


def make_town() -> Town:
    town = MunicipalityFactory()
    owner = UserFactory(email="owner@example.se")
    colleague = UserFactory(email="colleague@example.se")
    for user in (owner, colleague):
        RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organisation=town)
    return Town(town, owner, colleague)


def followup_case(town: Town, next_contact: datetime.date, **extra: object) -> Case:
    case = CaseFactory(
        municipality=town.municipality,
        owner=town.owner,
        status=CaseStatus.FOLLOW_UP,
        title=SECRET_TITLE,
        description=SECRET_TEXT,
        **extra,
    )
    FollowUpPlan.objects.create(
        case=case,
        started_on=next_contact - datetime.timedelta(days=60),
        next_contact_on=next_contact,
    )
    return case


@pytest.fixture
def town(db) -> Town:
    return make_town()
