"""List pages use a constant number of queries whatever the row count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from councils.choices import Area, MembershipKind
from councils.models import ActionPlanAssignment, Handover
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.councils.factories import (
    CitizenPromiseFactory,
    LocalCouncilFactory,
    MedskickFactory,
    MembershipFactory,
    PriorityFactory,
    PromiseActivityFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

# Every signed-in request costs 8: savepoint, session, user, the user's active roles, release;
# then the session is saved for idle expiry (savepoint, update, release). Pages add their own.


def coordinator():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    return role.user, role.organisation


def admin():
    return RoleAssignmentFactory(role=Role.ADMINISTRATOR).user


def build_medskick(n):
    user, town = coordinator()
    council, group = LocalCouncilFactory(municipality=town), WorkingGroupFactory()
    MembershipFactory(body=council, user=user, organisation=town)
    MembershipFactory(body=group, user=user, organisation=town)
    for _ in range(n):
        MedskickFactory(sender=council, receiver=group, handler=user)
    return user, reverse("councils:medskick_list")


def build_priorities(n):
    user, _town = coordinator()
    for _ in range(n):
        PriorityFactory(year=2026)
    return user, reverse("councils:priorities") + "?ar=2026"


def build_promises(n):
    user, _town = coordinator()
    for _ in range(n):
        CitizenPromiseFactory()
    return user, reverse("councils:promises")


def build_promise_activities(n):
    user, town = coordinator()
    promise = CitizenPromiseFactory(municipality=town)
    for _ in range(n):
        PromiseActivityFactory(promise=promise)
    return user, reverse("councils:promise", args=[promise.pk])


def build_overview(n):
    user, town = coordinator()
    for _ in range(n):
        MembershipFactory(user=user, organisation=town)
    return user, reverse("councils:overview")


def build_body(n):
    user, town = coordinator()
    council = LocalCouncilFactory(municipality=town)
    MembershipFactory(body=council, user=user, organisation=town, kind=MembershipKind.CHAIR)
    group = WorkingGroupFactory()
    for _ in range(n):
        MembershipFactory(body=council, organisation=town)
        MedskickFactory(sender=council, receiver=group)
    return user, reverse("councils:body", args=[council.pk])


def build_action_plans(n):
    user, _town = coordinator()
    for _ in range(n):
        role = RoleAssignmentFactory(role=Role.COORDINATOR)
        ActionPlanAssignment.objects.create(
            municipality=role.organisation, area=Area.VBE, coordinator=role.user
        )
    return user, reverse("councils:action_plans")


def build_handovers(n):
    user = admin()
    role = RoleAssignmentFactory(role=Role.AGERA)
    for _ in range(n):
        Handover.objects.create(
            role_assignment=role, from_user=role.user, to_user=UserFactory(), performed_by=user
        )
    return user, reverse("councils:handovers")


def build_orphans(n):
    user = admin()
    for _ in range(n):
        MembershipFactory()  # a seat held by a person with no role at all
    return user, reverse("councils:orphans")


# page builder, most queries allowed (the same for 5 and for 200 rows)
PAGES = {
    "medskick_list": (build_medskick, 11),  # + member bodies, body ids, medskick with bodies
    "priorities": (build_priorities, 9),  # + priorities with municipality
    "promises": (build_promises, 9),  # + promises with municipality and police area
    "promise_detail": (build_promise_activities, 11),  # + promise, activities, promise history
    "overview": (build_overview, 10),  # + bodies with member counts, agreement
    "body_detail": (build_body, 14),  # + body, members, plan, can_edit, history, medskick
    "action_plans": (build_action_plans, 10),  # + municipalities, plan lines with people
    "handovers": (build_handovers, 9),  # + hand-overs with people and roles
    "orphans": (build_orphans, 12),  # + one query per hand-over step (four)
}


def queries_for(client, builder, n):
    user, url = builder(n)
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", list(PAGES))
def test_list_page_query_count_does_not_grow_with_rows(client, page):
    builder, _limit = PAGES[page]
    assert queries_for(client, builder, 5) == queries_for(client, builder, 200)


@pytest.mark.parametrize("rows", [5, 200])
@pytest.mark.parametrize("page", list(PAGES))
def test_list_page_stays_within_its_query_budget(client, django_assert_max_num_queries, page, rows):
    builder, limit = PAGES[page]
    user, url = builder(rows)
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
