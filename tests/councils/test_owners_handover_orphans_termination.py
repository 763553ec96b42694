"""Councils services at their edges: owners, hand-over, orphans, the agreement's termination."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import Role
from councils.choices import Area, MembershipKind
from councils.models import ActionPlanAssignment, Handover, Membership
from councils.services import (
    agreement_terminate,
    assign_owner,
    find_orphans,
    handover_role,
)
from tests.accounts.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.councils.factories import (
    AgreementFactory,
    LocalCouncilFactory,
    MedskickFactory,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db


def coordinator_of(municipality, **kwargs):
    return RoleAssignmentFactory(role=Role.COORDINATOR, organisation=municipality, **kwargs)


def admin():
    """Someone else performs a hand-over: nobody hands over their own roles."""
    return user_with_role(Role.ADMINISTRATOR)


def orphans(key):
    return next(group.rows for group in find_orphans() if group.key == key)


def test_a_deactivated_planned_coordinator_gives_the_case_to_the_fallback():
    town = MunicipalityFactory()
    planned = coordinator_of(
        town, start_date=timezone.localdate() - datetime.timedelta(days=900)
    ).user
    fallback = coordinator_of(town).user
    ActionPlanAssignment.objects.create(
        municipality=town, area=Area.VBE, coordinator=planned, fallback=fallback
    )
    assert assign_owner(town, Area.VBE) == planned
    planned.is_active = False
    planned.save()
    assert assign_owner(town, Area.VBE) == fallback


def test_the_longest_serving_coordinator_takes_what_the_plan_does_not_cover():
    town = MunicipalityFactory()
    newer = coordinator_of(town, start_date=timezone.localdate() - datetime.timedelta(days=10)).user
    older = coordinator_of(
        town, start_date=timezone.localdate() - datetime.timedelta(days=400)
    ).user
    ActionPlanAssignment.objects.create(municipality=town, area=Area.ANDT, coordinator=newer)
    assert assign_owner(town, Area.VBE) == older
    assert assign_owner(town, Area.ANDT) == newer


def test_a_plan_naming_only_people_without_the_role_falls_back_to_the_longest_serving():
    town = MunicipalityFactory()
    gone = coordinator_of(town, end_date=(timezone.localdate() - datetime.timedelta(days=1))).user
    also_gone = coordinator_of(
        town, end_date=(timezone.localdate() - datetime.timedelta(days=1))
    ).user
    present = coordinator_of(town).user
    ActionPlanAssignment.objects.create(
        municipality=town, area=Area.VBE, coordinator=gone, fallback=also_gone
    )
    assert assign_owner(town, Area.VBE) == present


def test_a_municipality_with_only_ended_coordinators_gets_no_owner():
    town = MunicipalityFactory()
    coordinator_of(town, end_date=(timezone.localdate() - datetime.timedelta(days=1)))
    assert assign_owner(town, Area.VBE) is None


@pytest.fixture
def leaving():
    town = MunicipalityFactory()
    old = coordinator_of(town)
    new = coordinator_of(town).user
    return town, old, new


def test_an_ended_role_cannot_be_handed_over(leaving):
    town, _old, new = leaving
    ended = coordinator_of(
        town,
        start_date=timezone.localdate() - datetime.timedelta(days=60),
        end_date=(timezone.localdate() - datetime.timedelta(days=1)),
    )
    with pytest.raises(ValidationError) as excinfo:
        handover_role(assignment=ended, successor=new, by=admin())
    assert set(excinfo.value.error_dict) == {"assignment"}
    assert not Handover.objects.exists()


def test_a_deactivated_successor_is_refused_even_with_the_role(leaving):
    _town, old, new = leaving
    new.is_active = False
    new.save()
    with pytest.raises(ValidationError) as excinfo:
        handover_role(assignment=old, successor=new, by=admin())
    assert set(excinfo.value.error_dict) == {"successor"}
    old.refresh_from_db()
    assert old.end_date is None


def test_a_successor_with_another_role_in_the_same_municipality_is_refused(leaving):
    town, old, _new = leaving
    member = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER, organisation=town).user
    with pytest.raises(ValidationError) as excinfo:
        handover_role(assignment=old, successor=member, by=admin())
    assert set(excinfo.value.error_dict) == {"successor"}


def test_hand_over_ends_the_role_and_records_who_did_what(leaving):
    _town, old, new = leaving
    performer = admin()
    done = handover_role(assignment=old, successor=new, by=performer)
    assert (done.from_user, done.to_user, done.performed_by) == (old.user, new, performer)
    assert done.role_assignment == old
    old.refresh_from_db()
    assert old.end_date is not None
    assert old.end_date <= timezone.localdate()


def test_a_successor_already_on_the_body_gets_no_second_seat(leaving):
    town, old, new = leaving
    council = LocalCouncilFactory(municipality=town)
    MembershipFactory(body=council, user=old.user, organisation=town, kind=MembershipKind.CHAIR)
    MembershipFactory(body=council, user=new, organisation=town)
    done = handover_role(assignment=old, successor=new, by=admin())
    assert done.moved["memberships"] == 1
    assert Membership.objects.active().filter(body=council, user=new).count() == 1
    assert not Membership.objects.active().filter(user=old.user).exists()


def test_the_action_plan_line_where_the_successor_is_fallback_loses_its_fallback(leaving):
    town, old, new = leaving
    third = coordinator_of(town).user
    both = ActionPlanAssignment.objects.create(
        municipality=town, area=Area.VBE, coordinator=old.user, fallback=new
    )
    fallback_only = ActionPlanAssignment.objects.create(
        municipality=town, area=Area.ANDT, coordinator=third, fallback=old.user
    )
    untouched = ActionPlanAssignment.objects.create(
        municipality=town, area=Area.CRIME, coordinator=third, fallback=new
    )
    done = handover_role(assignment=old, successor=new, by=admin())
    assert done.moved["action_plan"] == 2
    both.refresh_from_db()
    fallback_only.refresh_from_db()
    untouched.refresh_from_db()
    assert (both.coordinator, both.fallback) == (new, None)
    assert (fallback_only.coordinator, fallback_only.fallback) == (third, new)
    assert (untouched.coordinator, untouched.fallback) == (third, new)


def test_hand_over_moves_only_the_leaving_persons_medskick(leaving):
    town, old, new = leaving
    council = LocalCouncilFactory(municipality=town)
    mine = MedskickFactory(sender=council, handler=old.user)
    theirs = MedskickFactory(sender=council, handler=new)
    done = handover_role(assignment=old, successor=new, by=admin())
    assert done.moved["medskick"] == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.handler == new and theirs.handler == new


def test_a_seat_held_without_a_role_at_its_organisation_is_an_orphan():
    town, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    council = LocalCouncilFactory(municipality=town)
    person = coordinator_of(elsewhere).user  # a role, but not at the seat's organisation
    seat = MembershipFactory(body=council, user=person, organisation=town)
    seated = coordinator_of(town).user
    fine = MembershipFactory(body=council, user=seated, organisation=town)
    rows = orphans("memberships")
    assert seat in rows
    assert fine not in rows


def test_a_plan_line_whose_fallback_left_is_an_orphan_and_no_fallback_is_fine():
    town = MunicipalityFactory()
    present = coordinator_of(town).user
    gone = coordinator_of(town, end_date=(timezone.localdate() - datetime.timedelta(days=1))).user
    left_fallback = ActionPlanAssignment.objects.create(
        municipality=town, area=Area.VBE, coordinator=present, fallback=gone
    )
    no_fallback = ActionPlanAssignment.objects.create(
        municipality=town, area=Area.ANDT, coordinator=present
    )
    rows = orphans("action_plan")
    assert left_fallback in rows
    assert no_fallback not in rows


def test_an_open_medskick_handled_by_someone_without_a_role_is_an_orphan():
    town = MunicipalityFactory()
    council = LocalCouncilFactory(municipality=town)
    nobody = UserFactory()
    orphaned = MedskickFactory(sender=council, handler=nobody)
    handled = MedskickFactory(sender=council, handler=coordinator_of(town).user)
    unhandled = MedskickFactory(sender=council, handler=None)
    rows = orphans("medskick")
    assert orphaned in rows
    assert handled not in rows and unhandled not in rows


# The agreement's termination


def terminate(agreement, party, **kwargs):
    values = {"on": datetime.date(2026, 1, 1), "reason": " Budgetskäl ", "by": admin()}
    values.update(kwargs)
    return agreement_terminate(agreement=agreement, party=party, **values)


def field_codes(error):
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_a_party_terminates_the_agreement_for_everyone_with_a_stripped_reason():
    agreement = AgreementFactory()
    party = agreement.parties.first()
    done = terminate(agreement, party)
    agreement.refresh_from_db()
    assert agreement.in_force is False
    assert (done.terminated_by, done.termination_reason) == (party, "Budgetskäl")


def test_a_termination_before_the_agreement_started_is_refused():
    agreement = AgreementFactory(start_date=datetime.date(2024, 3, 1))
    with pytest.raises(ValidationError) as excinfo:
        terminate(agreement, agreement.parties.first(), on=datetime.date(2024, 2, 29))
    assert field_codes(excinfo.value) == {"on": ["ends_before_start"]}
    agreement.refresh_from_db()
    assert agreement.in_force is True


def test_a_termination_on_the_first_day_is_accepted():
    agreement = AgreementFactory(start_date=datetime.date(2024, 3, 1))
    assert terminate(agreement, agreement.parties.first(), on=datetime.date(2024, 3, 1)).pk


def test_only_a_party_terminates_and_only_once():
    agreement = AgreementFactory()
    with pytest.raises(ValidationError) as excinfo:
        terminate(agreement, MunicipalityFactory())
    assert field_codes(excinfo.value) == {"party": ["not_a_party"]}
    terminate(agreement, agreement.parties.first())
    with pytest.raises(ValidationError) as excinfo:
        terminate(agreement, agreement.parties.first())
    assert excinfo.value.code == "already_terminated"


def test_a_blank_termination_reason_is_refused():
    agreement = AgreementFactory()
    with pytest.raises(ValidationError) as excinfo:
        terminate(agreement, agreement.parties.first(), reason="   ")
    assert field_codes(excinfo.value) == {"reason": ["reason_missing"]}
