"""The roles read on every page (accounts.capabilities.active_roles) through the kept statement:
the same assignments, organisations and order as the ORM's own read, in one query."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.capabilities import _roles_of, active_roles, forget_roles
from accounts.choices import Role
from accounts.models import User
from tests.accounts.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


DAY = datetime.timedelta(days=1)


def test_the_kept_read_equals_the_orms_read_for_roles_in_force_ended_and_to_come():
    person = UserFactory()
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR)
    RoleAssignmentFactory(user=person, role=Role.COUNCIL_MEMBER)
    RoleAssignmentFactory(
        user=person, role=Role.STEERING_GROUP, end_date=timezone.localdate()
    )  # last day
    RoleAssignmentFactory(
        user=person,
        role=Role.AGERA,
        start_date=timezone.localdate() - 9 * DAY,
        end_date=timezone.localdate() - DAY,
    )
    RoleAssignmentFactory(
        user=person, role=Role.COUNTY_BOARD, start_date=timezone.localdate() + DAY
    )
    someone_else = UserFactory()
    RoleAssignmentFactory(user=someone_else, role=Role.COORDINATOR)

    fresh = User.objects.get(pk=person.pk)
    with CaptureQueriesContext(connection) as queries:
        kept = active_roles(fresh)
    assert len(queries.captured_queries) == 1
    expected = list(_roles_of(person, timezone.localdate()))
    assert [r.pk for r in kept] == [r.pk for r in expected]
    assert {r.role for r in kept} == {Role.COORDINATOR, Role.COUNCIL_MEMBER, Role.STEERING_GROUP}
    for got, want in zip(kept, expected, strict=True):
        assert got.role == want.role
        assert (got.start_date, got.end_date) == (want.start_date, want.end_date)
        with CaptureQueriesContext(connection) as queries:
            assert got.organisation.name == want.organisation.name  # loaded with the role
            assert got.user == fresh
        assert queries.captured_queries == []


def test_a_person_without_roles_reads_none_and_a_new_role_shows_after_forgetting():
    person = UserFactory()
    assert active_roles(person) == []
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR)
    forget_roles(person)
    assert [r.role for r in active_roles(person)] == [Role.COORDINATOR]
