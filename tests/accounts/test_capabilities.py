"""The role module: what each role may do, and that ended roles grant nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.capabilities import (
    CASE_CONTENT_CAPABILITIES,
    Capability,
    can_read_case_content,
    capabilities_of,
    forget_roles,
    has_capability,
    organisation_ids_with,
)
from accounts.choices import OrganisationKind, Role
from accounts.models import RoleAssignment
from tests.accounts.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.councils.factories import MunicipalityFactory, OrganisationFactory

C = Capability

# Role -> exactly the capabilities it must have. A change here is a change of policy.
EXPECTED = {
    Role.COORDINATOR: {
        C.VIEW_COOPERATION,
        C.EDIT_OWN_BODIES,
        C.PREPARE_MEETINGS,
        C.REPORT_CONCERN,
        C.FOLLOW_OWN_REPORTS,
        C.WORK_CASES,
        C.REVIEW_ESCALATIONS,
        C.VIEW_STATUS_REPORTS,
    },
    Role.COUNCIL_MEMBER: {C.VIEW_COOPERATION, C.REPORT_CONCERN, C.FOLLOW_OWN_REPORTS},
    Role.COMMUNITY_POLICE: {
        C.VIEW_COOPERATION,
        C.EDIT_OWN_BODIES,
        C.PREPARE_MEETINGS,
        C.REVIEW_ESCALATIONS,
        C.RECORD_SECURITY_SERVICE_NOTICE,
    },
    Role.POLICE_AREA_CHIEF: {C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_STATUS_REPORTS},
    Role.AGERA: {C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_VBE_STATUS_REPORTS},
    Role.COUNTY_BOARD: {C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_STATUS_REPORTS},
    Role.STEERING_GROUP: {C.VIEW_COOPERATION, C.VIEW_STATUS_REPORTS},
    Role.CONTACT_PERSON: {C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS},
    Role.ADMINISTRATOR: {C.VIEW_COOPERATION, C.MANAGE_ACCOUNTS, C.MANAGE_REFERENCE_DATA},
    Role.DATA_PROTECTION_OFFICER: {C.READ_ACCESS_LOG},
}


def test_every_role_is_in_the_table():
    assert set(EXPECTED) == set(Role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_role_grants_exactly_its_capabilities(role):
    user = user_with_role(role)
    assert capabilities_of(user) == frozenset(EXPECTED[role])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start_offset", "end_offset"),
    [(-60, -1), (1, None), (5, 30)],
    ids=["ended-yesterday", "starts-tomorrow", "future-period"],
)
def test_role_outside_its_dates_grants_nothing(start_offset, end_offset):
    today = timezone.localdate()
    assignment = RoleAssignmentFactory(
        role=Role.COORDINATOR,
        start_date=today + datetime.timedelta(days=start_offset),
        end_date=None if end_offset is None else today + datetime.timedelta(days=end_offset),
    )
    assert capabilities_of(assignment.user) == frozenset()
    assert not has_capability(assignment.user, C.WORK_CASES)


@pytest.mark.django_db
def test_role_ending_today_still_counts_today():
    assignment = RoleAssignmentFactory(role=Role.AGERA, end_date=timezone.localdate())
    assert has_capability(assignment.user, C.REVIEW_ESCALATIONS)


@pytest.mark.django_db
def test_ending_a_role_takes_its_capabilities_away():
    assignment = RoleAssignmentFactory(role=Role.COORDINATOR)
    user = assignment.user
    assert has_capability(user, C.WORK_CASES)
    assignment.end_date = timezone.localdate() - datetime.timedelta(days=1)
    assignment.save()
    forget_roles(user)
    assert not has_capability(user, C.WORK_CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER])
def test_administrator_and_dpo_never_reach_case_content(role):
    user = user_with_role(role)
    assert not can_read_case_content(user)
    assert not capabilities_of(user) & CASE_CONTENT_CAPABILITIES


@pytest.mark.django_db
def test_superuser_flag_opens_no_case_content():
    user = UserFactory(is_superuser=True, is_staff=True)
    assert not can_read_case_content(user)
    assert capabilities_of(user) == frozenset()


@pytest.mark.django_db
def test_capability_is_scoped_to_the_role_organisation():
    assignment = RoleAssignmentFactory(role=Role.COORDINATOR)
    other = MunicipalityFactory()
    user = assignment.user
    assert has_capability(user, C.WORK_CASES, assignment.organisation)
    assert not has_capability(user, C.WORK_CASES, other)
    assert organisation_ids_with(user, C.WORK_CASES) == {assignment.organisation_id}


@pytest.mark.django_db
def test_two_roles_add_up():
    assignment = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER)
    RoleAssignmentFactory(user=assignment.user, role=Role.STEERING_GROUP)
    assert capabilities_of(assignment.user) == frozenset(
        EXPECTED[Role.COUNCIL_MEMBER] | EXPECTED[Role.STEERING_GROUP]
    )


@pytest.mark.django_db
def test_inactive_account_has_no_capabilities():
    assignment = RoleAssignmentFactory(role=Role.COORDINATOR, user__is_active=False)
    assert capabilities_of(assignment.user) == frozenset()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "kind", "fits"),
    [
        (Role.COORDINATOR, OrganisationKind.MUNICIPALITY, True),
        (Role.COORDINATOR, OrganisationKind.CIVIL_SOCIETY, False),
        (Role.COMMUNITY_POLICE, OrganisationKind.POLICE_AREA, True),
        (Role.COMMUNITY_POLICE, OrganisationKind.MUNICIPALITY, False),
        (Role.AGERA, OrganisationKind.CIVIL_SOCIETY, True),
        (Role.COUNTY_BOARD, OrganisationKind.COUNTY_BOARD, True),
        (Role.ADMINISTRATOR, OrganisationKind.NATIONAL_CENTRE, True),
    ],
)
def test_role_must_fit_its_organisation(role, kind, fits):
    if kind == OrganisationKind.MUNICIPALITY:
        organisation = MunicipalityFactory()
    else:
        organisation = OrganisationFactory(kind=kind)
    assignment = RoleAssignment(
        user=UserFactory(), role=role, organisation=organisation, start_date=timezone.localdate()
    )
    if fits:
        assignment.full_clean()
    else:
        with pytest.raises(ValidationError) as excinfo:
            assignment.full_clean()
        assert "organisation" in excinfo.value.message_dict


@pytest.mark.django_db
def test_role_cannot_end_before_it_starts():
    assignment = RoleAssignmentFactory.build(
        user=UserFactory(),
        organisation=MunicipalityFactory(),
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        assignment.full_clean()
    assert "end_date" in excinfo.value.message_dict
