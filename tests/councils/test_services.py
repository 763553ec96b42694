"""assign_owner, hand-over and the orphan finder."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.capabilities import Capability, forget_roles, has_capability
from accounts.choices import Role
from accounts.models import RoleAssignment
from cases.choices import CaseStatus
from councils.choices import Area, MembershipKind
from councils.models import ActionPlanAssignment, Handover, Membership
from councils.services import assign_owner, find_orphans, handover_role
from tests.accounts.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.cases.factories import CaseFactory
from tests.councils.factories import (
    LocalCouncilFactory,
    MedskickFactory,
    MembershipFactory,
    MunicipalityFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def coordinator_of(municipality, **kwargs):
    return RoleAssignmentFactory(role=Role.COORDINATOR, organisation=municipality, **kwargs).user


def test_new_case_goes_to_the_planned_coordinator():
    town = MunicipalityFactory()
    planned, other = coordinator_of(town), coordinator_of(town)
    ActionPlanAssignment.objects.create(
        municipality=town, area=Area.VBE, coordinator=planned, fallback=other
    )
    assert assign_owner(town, Area.VBE) == planned


def test_new_case_goes_to_the_fallback_when_the_planned_coordinator_has_left():
    town = MunicipalityFactory()
    planned, fallback = coordinator_of(town), coordinator_of(town)
    ActionPlanAssignment.objects.create(
        municipality=town, area=Area.CRIME, coordinator=planned, fallback=fallback
    )
    RoleAssignment.objects.filter(user=planned).update(
        end_date=(timezone.localdate() - datetime.timedelta(days=1))
    )
    assert assign_owner(town, Area.CRIME) == fallback


def test_without_a_plan_line_the_longest_serving_coordinator_takes_it():
    town = MunicipalityFactory()
    newer = coordinator_of(town, start_date=datetime.date(2026, 1, 1))
    older = coordinator_of(town, start_date=datetime.date(2020, 1, 1))
    assert assign_owner(town, Area.ANDT) == older
    assert newer != older


def test_no_coordinator_no_owner():
    town = MunicipalityFactory()
    coordinator_of(MunicipalityFactory())  # another town's coordinator never gets it
    assert assign_owner(town, Area.ANDT) is None


def test_assign_owner_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    town = MunicipalityFactory()
    for _ in range(5):
        coordinator_of(town)
    # 1: active coordinators with users, 2: the plan line
    with django_assert_max_num_queries(2):
        assign_owner(town, Area.VBE)


@pytest.fixture
def leaving():
    """A coordinator holding a council seat, a working-group seat, plan lines and a medskick."""
    town = MunicipalityFactory()
    old = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town)
    new = coordinator_of(town)
    council = LocalCouncilFactory(municipality=town)
    group = WorkingGroupFactory()
    MembershipFactory(body=council, user=old.user, organisation=town, kind=MembershipKind.CHAIR)
    MembershipFactory(body=group, user=old.user, organisation=town)
    ActionPlanAssignment.objects.create(municipality=town, area=Area.VBE, coordinator=old.user)
    ActionPlanAssignment.objects.create(
        municipality=town, area=Area.ANDT, coordinator=new, fallback=old.user
    )
    item = MedskickFactory(sender=group, receiver=council, handler=old.user)
    cases = [CaseFactory(municipality=town, owner=old.user) for _ in range(2)]
    closed = CaseFactory(municipality=town, owner=old.user, status=CaseStatus.CLOSED)
    return {
        "town": town,
        "old": old,
        "new": new,
        "council": council,
        "item": item,
        "cases": cases,
        "closed": closed,
    }


def test_hand_over_moves_everything_and_ends_the_role(leaving):
    admin = user_with_role(Role.ADMINISTRATOR)
    old, new = leaving["old"], leaving["new"]
    done = handover_role(assignment=old, successor=new, by=admin)

    assert done.moved == {
        "memberships": 2,
        "action_plan": 2,
        "medskick": 1,
        "cases": 2,
        "escalations_sent": 0,
        "escalations": 0,
        "action_items": 0,
    }
    for case in leaving["cases"]:
        case.refresh_from_db()
        assert case.owner == new
    leaving["closed"].refresh_from_db()
    assert leaving["closed"].owner == old.user  # a closed case keeps who owned it
    assert Membership.objects.active().filter(user=old.user).count() == 0
    seats = Membership.objects.active().filter(user=new)
    assert seats.count() == 2
    assert seats.get(body=leaving["council"]).kind == MembershipKind.CHAIR
    lines = {line.area: line for line in ActionPlanAssignment.objects.all()}
    assert lines[Area.VBE].coordinator == new
    assert lines[Area.ANDT].coordinator == new and lines[Area.ANDT].fallback is None
    leaving["item"].refresh_from_db()
    assert leaving["item"].handler == new

    old.refresh_from_db()
    forget_roles(old.user)
    assert old.end_date is not None and not old.is_active()
    assert not has_capability(old.user, Capability.WORK_CASES)
    assert Handover.objects.get().performed_by == admin
    assert all(not group.rows for group in find_orphans())


def test_hand_over_is_recorded_in_each_moved_row_history(leaving):
    handover_role(
        assignment=leaving["old"],
        successor=leaving["new"],
        by=user_with_role(Role.ADMINISTRATOR),
    )
    latest = leaving["item"].history.first()
    assert latest.history_change_reason.startswith("Överlämning från")
    assert latest.handler_id == leaving["new"].pk


def test_hand_over_to_someone_without_the_role_is_refused_and_nothing_moves(leaving):
    stranger = user_with_role(Role.AGERA)
    with pytest.raises(ValidationError) as excinfo:
        handover_role(
            assignment=leaving["old"],
            successor=stranger,
            by=user_with_role(Role.ADMINISTRATOR),
        )
    assert "har inte rollen samordnare" in str(excinfo.value)
    assert Membership.objects.active().filter(user=leaving["old"].user).count() == 2
    leaving["old"].refresh_from_db()
    assert leaving["old"].end_date is None
    assert not Handover.objects.exists()


def test_hand_over_to_a_coordinator_of_another_municipality_is_refused(leaving):
    elsewhere = coordinator_of(MunicipalityFactory())
    with pytest.raises(ValidationError):
        handover_role(
            assignment=leaving["old"],
            successor=elsewhere,
            by=user_with_role(Role.ADMINISTRATOR),
        )


def test_hand_over_to_oneself_is_refused(leaving):
    with pytest.raises(ValidationError) as excinfo:
        handover_role(
            assignment=leaving["old"],
            successor=leaving["old"].user,
            by=user_with_role(Role.ADMINISTRATOR),
        )
    assert "successor" in excinfo.value.message_dict


def test_an_ended_role_leaves_orphans_until_handed_over(leaving):
    leaving["old"].end_date = timezone.localdate() - datetime.timedelta(days=1)
    leaving["old"].save()
    found = {group.key: group.rows for group in find_orphans()}
    assert len(found["memberships"]) == 2
    assert len(found["action_plan"]) == 2
    assert found["medskick"] == [leaving["item"]]


def test_orphan_finder_uses_one_query_per_kind(django_assert_max_num_queries):
    for _ in range(10):
        town = MunicipalityFactory()
        gone = RoleAssignmentFactory(
            role=Role.COORDINATOR,
            organisation=town,
            end_date=(timezone.localdate() - datetime.timedelta(days=1)),
        )
        MembershipFactory(
            user=gone.user, organisation=town, body=LocalCouncilFactory(municipality=town)
        )
        ActionPlanAssignment.objects.create(municipality=town, area=Area.VBE, coordinator=gone.user)
        CaseFactory(municipality=town, owner=gone.user)
    # memberships, action-plan lines, medskick, cases, escalations sent, escalation queues,
    # action items: one query each
    with django_assert_max_num_queries(7):
        groups = find_orphans()
        assert sum(len(g.rows) for g in groups) == 30
    assert len({g.key: g for g in groups}["cases"].rows) == 10


def test_person_without_any_role_cannot_receive_a_hand_over(leaving):
    with pytest.raises(ValidationError):
        handover_role(
            assignment=leaving["old"],
            successor=UserFactory(),
            by=user_with_role(Role.ADMINISTRATOR),
        )
