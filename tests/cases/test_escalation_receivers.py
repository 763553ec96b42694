"""Who may receive an escalation (`cases.escalation.receiving_people`, used by escalation_open
and the grants): the active people who hold a reviewing role at the receiving organisation
today; with `include_future`, also those whose role starts later (their grant waits for the
role's first day). An ended role, a deactivated account or a role without the reviewing
capability receives nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.choices import Role
from cases.escalation import receiving_people
from tests.accounts.factories import RoleAssignmentFactory
from tests.councils.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def town():
    return MunicipalityFactory()


def _role(town, **kwargs):
    return RoleAssignmentFactory(organisation=town, **kwargs)


def test_the_reviewing_people_of_each_organisation_receive_in_one_answer(town):
    coordinator = _role(town, role=Role.COORDINATOR).user
    other_town = MunicipalityFactory()
    other = _role(other_town, role=Role.COORDINATOR).user
    people = receiving_people([town.pk, other_town.pk])
    assert dict(people) == {town.pk: {coordinator.pk}, other_town.pk: {other.pk}}


def test_a_role_without_the_reviewing_capability_receives_nothing(town):
    _role(town, role=Role.COUNCIL_MEMBER)
    _role(town, role=Role.STEERING_GROUP)
    assert receiving_people([town.pk])[town.pk] == set()


def test_a_deactivated_account_receives_nothing(town):
    role = _role(town, role=Role.COORDINATOR)
    role.user.is_active = False
    role.user.save()
    assert receiving_people([town.pk])[town.pk] == set()
    assert receiving_people([town.pk], include_future=True)[town.pk] == set()


def test_an_ended_role_receives_nothing_even_counting_future_roles(town):
    _role(town, role=Role.COORDINATOR, start_date=_day(-60), end_date=_day(-1))
    assert receiving_people([town.pk])[town.pk] == set()
    assert receiving_people([town.pk], include_future=True)[town.pk] == set()


def test_a_role_ending_today_still_receives_today(town):
    role = _role(town, role=Role.COORDINATOR, start_date=_day(-60), end_date=_day(0))
    assert receiving_people([town.pk])[town.pk] == {role.user_id}
    assert receiving_people([town.pk], include_future=True)[town.pk] == {role.user_id}


def test_a_role_starting_later_receives_only_when_future_roles_are_asked_for(town):
    role = _role(town, role=Role.COORDINATOR, start_date=_day(7))
    assert receiving_people([town.pk])[town.pk] == set()
    assert receiving_people([town.pk], include_future=True)[town.pk] == {role.user_id}


def test_people_of_an_organisation_not_asked_about_are_not_listed(town):
    _role(town, role=Role.COORDINATOR)
    assert dict(receiving_people([MunicipalityFactory().pk])) == {}
