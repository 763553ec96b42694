import datetime

import factory
from django.utils import timezone

from accounts.capabilities import ROLE_ORGANISATION_KINDS
from accounts.choices import OrganisationKind, Role
from accounts.models import RoleAssignment, User
from tests.councils.factories import MunicipalityFactory, OrganisationFactory, PoliceAreaFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    # Hashed before the INSERT (with the tests' fast hasher): one save, one history row, where
    # setting it after creation cost a second save and a second history row for every user.
    password = factory.django.Password("test-password-1")


def organisation_for(role: Role):
    """An organisation of a kind the role may be held at."""
    kinds = ROLE_ORGANISATION_KINDS[role]
    if kinds is None or OrganisationKind.MUNICIPALITY in kinds:
        return MunicipalityFactory()
    if OrganisationKind.POLICE_AREA in kinds:
        return PoliceAreaFactory()
    return OrganisationFactory(kind=next(iter(kinds)))


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
    organisation = factory.LazyAttribute(lambda o: organisation_for(o.role))
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = None


def user_with_role(role: Role, **kwargs) -> User:
    return RoleAssignmentFactory(role=role, **kwargs).user
