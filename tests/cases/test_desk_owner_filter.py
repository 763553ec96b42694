"""The desk's owner filter offers exactly the owners of the person's workable cases (read as a skip
scan of the index (municipality, owner), so it must agree with `changeable_by`, the one rule)."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from accounts.models import User
from cases.access import owners_to_filter
from cases.models import Case
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.cases.factories import CaseFactory


def owners_by_rule(user: User) -> list[User]:
    ids = Case.objects.changeable_by(user).exclude(owner=None).values("owner")
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name"))


@pytest.mark.django_db
def test_the_owner_filter_offers_the_owners_of_every_workable_municipality():
    first = RoleAssignmentFactory(role=Role.COORDINATOR)
    user, town = first.user, first.organisation
    other_town = RoleAssignmentFactory(role=Role.COORDINATOR, user=user).organisation
    elsewhere = RoleAssignmentFactory(role=Role.COORDINATOR).organisation
    owners = [UserFactory(first_name=name) for name in ("Cecilia", "Anna", "Bertil", "Doris")]
    for owner in owners[:2]:
        CaseFactory.create_batch(3, municipality=town, owner=owner)
    CaseFactory(municipality=other_town, owner=owners[2])
    CaseFactory(municipality=other_town, owner=owners[0])
    CaseFactory(municipality=town, owner=None)
    CaseFactory(municipality=elsewhere, owner=owners[3])  # not workable: not offered
    offered = list(owners_to_filter(user))
    assert offered == owners_by_rule(user)
    assert [u.first_name for u in offered] == ["Anna", "Bertil", "Cecilia"]
    # Someone who works no municipality is offered nobody.
    assert list(owners_to_filter(UserFactory())) == []


def test_the_owner_filter_agrees_with_the_rule_for_every_demo_person(demo):
    for user in User.objects.all():
        assert list(owners_to_filter(user)) == owners_by_rule(user), user.username
