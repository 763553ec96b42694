import pytest

from accounts.choices import Role
from tests.accounts.factories import RoleAssignmentFactory
from tests.councils.conftest import demo, login  # noqa: F401 - shared fixtures


@pytest.fixture
def coordinator(db):
    """A coordinator and her municipality."""
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    return role.user, role.organisation
