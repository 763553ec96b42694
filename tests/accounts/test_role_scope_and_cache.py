"""The role module's helpers: organisation scope, the 403 door, the per-day cache of roles."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.capabilities import (
    Capability,
    active_roles,
    can_read_case_content,
    capabilities_of,
    capability_required,
    forget_roles,
    has_capability,
    organisation_ids_with,
    organisations_with,
    require,
    role_fits_organisation,
)
from accounts.choices import OrganisationKind, Role
from tests.accounts.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.councils.factories import MunicipalityFactory, OrganisationFactory, PoliceAreaFactory

C = Capability


@pytest.mark.django_db
def test_role_fits_only_the_organisation_kinds_listed_for_it():
    municipality, police = MunicipalityFactory(), PoliceAreaFactory()
    assert role_fits_organisation(Role.COORDINATOR, municipality) is True
    assert role_fits_organisation(Role.COORDINATOR, police) is False
    assert role_fits_organisation(Role.COMMUNITY_POLICE, police) is True
    assert role_fits_organisation(Role.COMMUNITY_POLICE, municipality) is False
    assert role_fits_organisation(Role.STEERING_GROUP, municipality) is True
    assert role_fits_organisation(Role.STEERING_GROUP, police) is True
    county_board = OrganisationFactory(kind=OrganisationKind.COUNTY_BOARD)
    assert role_fits_organisation(Role.ADMINISTRATOR, county_board) is True
    assert role_fits_organisation(Role.DATA_PROTECTION_OFFICER, police) is True


@pytest.mark.django_db
def test_capability_at_an_organisation_accepts_the_object_or_its_id():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    other = MunicipalityFactory()
    user, home = role.user, role.organisation
    assert has_capability(user, C.WORK_CASES, home) is True
    assert has_capability(user, C.WORK_CASES, home.pk) is True
    assert has_capability(user, C.WORK_CASES, other) is False
    assert has_capability(user, C.WORK_CASES, other.pk) is False
    assert has_capability(user, C.READ_ACCESS_LOG, home) is False


@pytest.mark.django_db
def test_organisations_with_lists_each_organisation_once_sorted_by_name():
    user = UserFactory()
    torsby = MunicipalityFactory(name="Torsby test")
    hagfors = MunicipalityFactory(name="Hagfors test")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organisation=torsby)
    RoleAssignmentFactory(user=user, role=Role.STEERING_GROUP, organisation=torsby)
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organisation=hagfors)
    RoleAssignmentFactory(user=user, role=Role.COUNCIL_MEMBER, organisation=MunicipalityFactory())
    assert organisations_with(user, C.WORK_CASES) == [hagfors, torsby]
    assert organisations_with(user, C.VIEW_STATUS_REPORTS) == [hagfors, torsby]
    assert organisation_ids_with(user, C.WORK_CASES) == frozenset({hagfors.pk, torsby.pk})
    assert organisations_with(user, C.READ_ACCESS_LOG) == []


@pytest.mark.django_db
def test_ended_role_gives_no_organisation():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    role = RoleAssignmentFactory(role=Role.COORDINATOR, end_date=yesterday)
    assert organisations_with(role.user, C.WORK_CASES) == []
    assert organisation_ids_with(role.user, C.WORK_CASES) == frozenset()


@pytest.mark.django_db
def test_require_passes_silently_with_the_capability_and_refuses_without():
    coordinator = user_with_role(Role.COORDINATOR)
    require(coordinator, C.WORK_CASES)  # returns quietly
    with pytest.raises(PermissionDenied):
        require(user_with_role(Role.COUNCIL_MEMBER), C.WORK_CASES)
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), C.VIEW_COOPERATION)


def _view(request, value):
    return HttpResponse(f"ok {value}")


@pytest.mark.django_db
def test_capability_required_lets_the_role_through_with_the_view_arguments():
    request = RequestFactory().get("/x/")
    request.user = user_with_role(Role.COORDINATOR)
    response = capability_required(C.WORK_CASES)(_view)(request, value=7)
    assert response.status_code == 200
    assert response.content == b"ok 7"


@pytest.mark.django_db
def test_capability_required_refuses_a_role_without_it():
    request = RequestFactory().get("/x/")
    request.user = user_with_role(Role.STEERING_GROUP)
    with pytest.raises(PermissionDenied):
        capability_required(C.WORK_CASES)(_view)(request, value=7)


def test_capability_required_sends_the_anonymous_to_sign_in():
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    response = capability_required(C.WORK_CASES)(_view)(request, value=7)
    assert response.status_code == 302


def test_anonymous_has_no_roles_and_no_case_content():
    assert active_roles(AnonymousUser()) == []
    assert capabilities_of(AnonymousUser()) == frozenset()
    assert can_read_case_content(AnonymousUser()) is False


@pytest.mark.django_db
def test_inactive_account_has_no_active_roles():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    role.user.is_active = False
    assert active_roles(role.user) == []


@pytest.mark.django_db
def test_case_content_follows_the_working_roles():
    assert can_read_case_content(user_with_role(Role.COORDINATOR)) is True
    assert can_read_case_content(user_with_role(Role.COUNCIL_MEMBER)) is False
    assert can_read_case_content(user_with_role(Role.STEERING_GROUP)) is False


@pytest.mark.django_db
def test_roles_are_read_once_until_forgotten(django_assert_num_queries):
    role = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER)
    user = role.user
    assert [a.pk for a in active_roles(user)] == [role.pk]
    with django_assert_num_queries(0):  # the cached list, same day
        assert [a.pk for a in active_roles(user)] == [role.pk]
    second = RoleAssignmentFactory(user=user, role=Role.COORDINATOR)
    assert has_capability(user, C.WORK_CASES) is False  # still the cached roles
    forget_roles(user)
    assert {a.pk for a in active_roles(user)} == {role.pk, second.pk}
    assert has_capability(user, C.WORK_CASES) is True


@pytest.mark.django_db
def test_cached_roles_of_another_day_are_read_again():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    user = role.user
    user._active_roles_cache = (datetime.date(2000, 1, 1), [])
    assert [a.pk for a in active_roles(user)] == [role.pk]
    assert has_capability(user, C.WORK_CASES) is True


def test_forgetting_roles_of_a_user_without_a_cache_is_harmless():
    user = AnonymousUser()
    forget_roles(user)
    assert active_roles(user) == []
