"""Who may see a case, and what each person may do with it: the owning municipality's
coordinators work it whole; the people who review at the receiver of an open escalation hold
what the escalation's kind carries (cases/rights.py), and nothing once it closes; everyone else
sees nothing (`Case.objects.reachable_by`, `cases.access.access_to` and `case_for`)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.choices import OrganisationKind, Role
from cases.access import access_to, case_for
from cases.choices import ReadKind
from cases.escalation import escalation_acknowledge, escalation_close, escalation_open
from cases.models import Case, CaseRead
from cases.rights import Right
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import CaseFactory
from tests.councils.factories import MunicipalityFactory, OrganisationFactory, PoliceAreaFactory

pytestmark = pytest.mark.django_db

SHARED = (Right.VIEW, Right.ADD_MEASURE, Right.ADD_NOTE)


def _receiver(kind: str, role: str):
    if kind == OrganisationKind.MUNICIPALITY:
        organisation = MunicipalityFactory()
    elif kind == OrganisationKind.POLICE_AREA:
        organisation = PoliceAreaFactory()
    else:
        organisation = OrganisationFactory(kind=kind)
    return organisation, RoleAssignmentFactory(role=role, organisation=organisation).user


@pytest.fixture
def owned(coordinator):
    user, town = coordinator
    return user, CaseFactory(municipality=town, owner=user)


def _escalate(case: Case, owner, receiver):
    return escalation_open(case=case, receiver=receiver, by=owner, reason="Oro.", request="Hjälp.")


def _rights(user, case: Case) -> set[Right]:
    access = access_to(user, case)
    return {right for right in Right if access.can(right)}


def test_the_owning_municipalitys_coordinator_works_the_whole_case(owned):
    user, case = owned
    access = access_to(user, case)
    assert access.works
    assert _rights(user, case) == set(Right)
    assert list(Case.objects.visible_to(user)) == [case]
    assert list(Case.objects.changeable_by(user)) == [case]
    assert list(Case.objects.reachable_by(user, Right.WORK)) == [case]


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        (OrganisationKind.MUNICIPALITY, Role.COORDINATOR, set(SHARED)),
        (OrganisationKind.CIVIL_SOCIETY, Role.AGERA, {Right.VIEW, Right.ADD_MEASURE}),
        (OrganisationKind.POLICE_AREA, Role.COMMUNITY_POLICE, {Right.VIEW}),
    ],
)
def test_a_receiver_holds_what_the_open_escalations_kind_carries(owned, kind, role, expected):
    owner, case = owned
    organisation, receiver = _receiver(kind, role)
    _escalate(case, owner, organisation)
    access = access_to(receiver, case)
    assert not access.works
    assert _rights(receiver, case) == expected
    assert list(Case.objects.visible_to(receiver)) == [case]
    assert not Case.objects.changeable_by(receiver).exists()
    for right in SHARED:
        assert Case.objects.shared_with(receiver, right).exists() == (right in expected)
        assert Case.objects.reachable_by(receiver, right).exists() == (right in expected)
    assert not Case.objects.reachable_by(receiver, Right.WORK).exists()


def test_a_closed_escalation_takes_every_right_back(owned):
    owner, case = owned
    organisation, receiver = _receiver(OrganisationKind.MUNICIPALITY, Role.COORDINATOR)
    escalation = _escalate(case, owner, organisation)
    escalation_acknowledge(escalation=escalation, by=receiver)
    assert _rights(receiver, case) == set(SHARED)
    escalation_close(escalation=escalation, by=receiver)
    assert _rights(receiver, case) == set()
    assert not Case.objects.visible_to(receiver).exists()
    with pytest.raises(Http404):
        case_for(receiver, case.reference)


def test_a_receiver_at_another_organisation_sees_nothing(owned):
    owner, case = owned
    organisation, _receiver_there = _receiver(OrganisationKind.MUNICIPALITY, Role.COORDINATOR)
    _escalate(case, owner, organisation)
    _other, outsider = _receiver(OrganisationKind.MUNICIPALITY, Role.COORDINATOR)
    assert _rights(outsider, case) == set()
    assert not Case.objects.visible_to(outsider).exists()
    assert not Case.objects.shared_with(outsider).exists()


def test_an_anonymous_visitor_sees_no_case(owned):
    _owner, _case = owned
    anonymous = AnonymousUser()
    assert not Case.objects.visible_to(anonymous).exists()
    assert not Case.objects.shared_with(anonymous).exists()


def test_the_door_logs_a_receivers_page_read_as_the_shared_part(owned):
    owner, case = owned
    organisation, receiver = _receiver(OrganisationKind.MUNICIPALITY, Role.COORDINATOR)
    _escalate(case, owner, organisation)
    fetched = case_for(receiver, case.reference, log=ReadKind.PAGE)
    assert fetched == case and fetched.access.can(Right.ADD_NOTE)
    case_for(owner, case.reference, log=ReadKind.PAGE)
    case_for(owner, case.reference)  # no log asked: nothing written
    assert set(CaseRead.objects.values_list("user", "kind")) == {
        (receiver.pk, ReadKind.SHARED),
        (owner.pk, ReadKind.PAGE),
    }
    assert CaseRead.objects.count() == 2


def test_the_door_asks_for_the_right_the_page_needs(owned):
    owner, case = owned
    organisation, receiver = _receiver(OrganisationKind.POLICE_AREA, Role.COMMUNITY_POLICE)
    _escalate(case, owner, organisation)
    assert case_for(receiver, case.reference) == case
    for right in (Right.ADD_NOTE, Right.ADD_MEASURE, Right.WORK):
        with pytest.raises(Http404):
            case_for(receiver, case.reference, need=right)
    assert case_for(owner, case.reference, need=Right.WORK).access.works
