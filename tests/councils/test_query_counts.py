"""List pages use a constant number of queries whatever the row count."""

import pytest
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

# Every signed-in request costs 9: savepoint, session, user, the user's active roles, release;
# then the session is saved for idle expiry (savepoint, update, release); the notification bell
# in base.html counts the unread notifications. Pages add their own.


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
    rows = [MedskickFactory(sender=council, receiver=group, handler=user) for _ in range(n)]
    return user, reverse("councils:medskick_list"), [m.title for m in rows]


def build_priorities(n):
    user, _town = coordinator()
    rows = [PriorityFactory(year=2026) for _ in range(n)]
    return user, reverse("councils:priorities") + "?ar=2026", [p.title for p in rows]


def build_promises(n):
    user, _town = coordinator()
    rows = [CitizenPromiseFactory() for _ in range(n)]
    return user, reverse("councils:promises"), [p.title for p in rows]


def build_promise_activities(n):
    user, town = coordinator()
    promise = CitizenPromiseFactory(municipality=town)
    rows = [PromiseActivityFactory(promise=promise) for _ in range(n)]
    return user, reverse("councils:promise", args=[promise.pk]), [a.title for a in rows]


def build_overview(n):
    user, town = coordinator()
    rows = [MembershipFactory(user=user, organisation=town) for _ in range(n)]
    return user, reverse("councils:overview"), [m.body.name for m in rows]


def build_body(n):
    user, town = coordinator()
    council = LocalCouncilFactory(municipality=town)
    MembershipFactory(body=council, user=user, organisation=town, kind=MembershipKind.CHAIR)
    group = WorkingGroupFactory()
    shown = []
    for i in range(n):
        member = MembershipFactory(
            body=council, organisation=town, user__last_name=f"Ledamot {i:04d}"
        )
        shown += [member.user.last_name, MedskickFactory(sender=council, receiver=group).title]
    return user, reverse("councils:body", args=[council.pk]), shown


def build_action_plans(n):
    user, _town = coordinator()
    shown = []
    for i in range(n):
        role = RoleAssignmentFactory(role=Role.COORDINATOR, user__last_name=f"Ansvarig {i:04d}")
        ActionPlanAssignment.objects.create(
            municipality=role.organisation, area=Area.VBE, coordinator=role.user
        )
        shown.append(role.user.last_name)
    return user, reverse("councils:action_plans"), shown


def build_handovers(n):
    user = admin()
    role = RoleAssignmentFactory(role=Role.AGERA)
    shown = []
    for i in range(n):
        successor = UserFactory(last_name=f"Efterträdare {i:04d}")
        Handover.objects.create(
            role_assignment=role, from_user=role.user, to_user=successor, performed_by=user
        )
        shown.append(successor.last_name)
    return user, reverse("councils:handovers"), shown


def build_orphans(n):
    user = admin()
    # Each a seat held by a person with no role at all.
    rows = [MembershipFactory(user__last_name=f"Rollös {i:04d}") for i in range(n)]
    return user, reverse("councils:orphans"), [m.user.last_name for m in rows]


# page builder, most queries allowed (the same for 5 and for 80 rows)
PAGES = {
    "medskick_list": (build_medskick, 12),  # + member bodies, body ids, medskick with bodies
    "priorities": (build_priorities, 11),  # + priorities with municipality, may edit joint
    "promises": (build_promises, 11),  # + promises with municipality and police area, may add
    "promise_detail": (build_promise_activities, 12),  # + promise, activities, promise history
    "overview": (build_overview, 12),  # + bodies with member counts, own bodies, agreement
    "body_detail": (build_body, 15),  # + body, members, plan, can_edit, history, medskick
    "action_plans": (build_action_plans, 11),  # + municipalities, plan lines with people
    "handovers": (build_handovers, 10),  # + hand-overs with people and roles
    "orphans": (build_orphans, 16),  # + one query per hand-over step (seven)
}


def queries_for(client, builder, n, at_most):
    """The page's queries with n rows built (within its budget), every row on the page."""
    user, url, shown = builder(n)
    client.force_login(user)
    with at_most as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert_rows_shown(response, shown, n)
    return [query["sql"] for query in captured.captured_queries]


def assert_rows_shown(response, shown, n):
    """Every row built is on the page: an empty page must not pass a query budget."""
    assert len(shown) >= n
    body = response.content.decode()
    missing = [text for text in shown if text not in body]
    assert missing == [], f"{len(missing)} of {len(shown)} rows not shown, e.g. {missing[:3]}"


# One test per page for both promises: building rows is most of the cost, so the same two pages
# (5 and 80 rows) serve the constant count and the budget.
@pytest.mark.parametrize("page", list(PAGES))
def test_list_page_query_count_does_not_grow_with_rows_and_stays_within_its_budget(
    client, django_assert_max_num_queries, page
):
    builder, limit = PAGES[page]
    few = queries_for(client, builder, 5, django_assert_max_num_queries(limit))
    many = queries_for(client, builder, 80, django_assert_max_num_queries(limit))
    assert len(few) == len(many), "\n".join(many)
