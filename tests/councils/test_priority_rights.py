"""Who keeps priorities (`councils.models.priorities.PriorityRights`, the one rule): a local
priority its municipality's coordinators (those who edit their own bodies), a joint one those who
edit the working group (its seated coordinators and police, or its chair); nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from accounts.choices import Role
from councils.choices import MembershipKind, PriorityScope
from councils.models import Priority
from councils.models.priorities import (
    ERROR_JOINT_PRIORITY_NOT_ALLOWED,
    ERROR_PRIORITY_NOT_ALLOWED,
    priority_rights,
)
from tests.accounts.factories import RoleAssignmentFactory
from tests.councils.factories import MembershipFactory, MunicipalityFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db

LOCAL, JOINT = PriorityScope.LOCAL, PriorityScope.JOINT


def _refusal(rights, scope, municipality_id) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        rights.check(scope, municipality_id)
    return excinfo.value


def test_a_coordinator_keeps_her_municipalitys_local_priorities_only():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    town, other = role.organisation, MunicipalityFactory()
    rights = priority_rights(role.user)
    assert rights.own == frozenset({town.pk}) and not rights.joint
    assert rights.allows(Priority(scope=LOCAL, municipality=town))
    assert not rights.allows(Priority(scope=LOCAL, municipality=other))
    assert not rights.allows(Priority(scope=JOINT))
    rights.check(LOCAL, town.pk)  # allowed: no error
    error = _refusal(rights, LOCAL, other.pk)
    assert [(e.message, e.code) for e in error.error_dict["scope"]] == [
        (ERROR_PRIORITY_NOT_ALLOWED, "not_allowed")
    ]
    error = _refusal(rights, JOINT, None)
    assert [(e.message, e.code) for e in error.error_dict["scope"]] == [
        (ERROR_JOINT_PRIORITY_NOT_ALLOWED, "not_allowed")
    ]


def test_a_coordinator_seated_in_the_working_group_keeps_joint_priorities_too():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    MembershipFactory(body=WorkingGroupFactory(), user=role.user, organisation=role.organisation)
    rights = priority_rights(role.user)
    assert rights.joint
    assert rights.allows(Priority(scope=JOINT))
    rights.check(JOINT, None)
    assert rights.allows_values(LOCAL, role.organisation.pk)
    assert not rights.allows_values(LOCAL, MunicipalityFactory().pk)


def test_a_council_member_keeps_joint_priorities_only_as_the_working_groups_chair():
    role = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER)
    group = WorkingGroupFactory()
    seat = MembershipFactory(body=group, user=role.user, organisation=role.organisation)
    rights = priority_rights(role.user)
    assert rights.own == frozenset() and not rights.joint
    assert not rights.allows_values(LOCAL, role.organisation.pk)
    seat.kind = MembershipKind.CHAIR
    seat.save()
    assert priority_rights(role.user).joint


def test_a_police_area_chief_keeps_no_priority():
    role = RoleAssignmentFactory(role=Role.POLICE_AREA_CHIEF)
    rights = priority_rights(role.user)
    assert rights.own == frozenset() and not rights.joint
    assert not rights.allows_values(LOCAL, role.organisation.pk)
    assert not rights.allows_values(JOINT, None)


def test_an_anonymous_visitor_keeps_nothing():
    rights = priority_rights(AnonymousUser())
    assert rights.own == frozenset() and not rights.joint
    assert not rights.allows_values(JOINT, None)
