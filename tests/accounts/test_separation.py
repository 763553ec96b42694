"""Separation of duties: the administrator and the DPO never hold a role that reads cases."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.capabilities import CASE_CONTENT_CAPABILITIES, capabilities_of
from accounts.choices import Role
from accounts.models import RoleAssignment
from tests.accounts.factories import RoleAssignmentFactory, organisation_for

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


@pytest.mark.parametrize("separated", [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER])
@pytest.mark.parametrize(
    "content", [Role.COORDINATOR, Role.AGERA, Role.COMMUNITY_POLICE, Role.CONTACT_PERSON]
)
def test_a_case_role_beside_administrator_or_dpo_is_refused(separated, content):
    held = RoleAssignmentFactory(role=separated)
    extra = RoleAssignment(user=held.user, role=content, organisation=organisation_for(content))
    with pytest.raises(ValidationError) as excinfo:
        extra.full_clean()
    assert _codes(excinfo.value) == {"separation_of_duties"}


def test_the_refusal_works_the_other_way_round_too():
    coordinator = RoleAssignmentFactory(role=Role.COORDINATOR)
    admin = RoleAssignment(
        user=coordinator.user,
        role=Role.ADMINISTRATOR,
        organisation=coordinator.organisation,
    )
    with pytest.raises(ValidationError) as excinfo:
        admin.full_clean()
    assert _codes(excinfo.value) == {"separation_of_duties"}


def test_roles_that_do_not_overlap_in_time_are_allowed():
    today = timezone.localdate()
    old = RoleAssignmentFactory(
        role=Role.COORDINATOR,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=1),
    )
    admin = RoleAssignment(
        user=old.user, role=Role.ADMINISTRATOR, organisation=old.organisation, start_date=today
    )
    admin.full_clean()  # no error: she left case work yesterday


def test_a_conflicting_row_written_around_validation_still_opens_nothing():
    """Defence in depth: if both rows exist anyway, the case capabilities are dropped."""
    admin = RoleAssignmentFactory(role=Role.ADMINISTRATOR)
    RoleAssignmentFactory(user=admin.user, role=Role.COORDINATOR)  # factory skips full_clean
    assert not capabilities_of(admin.user) & CASE_CONTENT_CAPABILITIES
