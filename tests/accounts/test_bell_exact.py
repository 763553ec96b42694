"""The bell's figure is exact at once after every change of what the person may reach.

The bell runs the reachability rules as SQL built once per person, active roles and day
(`accounts.notifications._compiled`), so a repeat page view pays a query, not the ORM. Each test
reads the bell once (the statement is kept), changes reachability through a service, and reads
it again on a fresh person object (the next request), expecting the new figure, which is also
what a count of the reachable unread notifications says.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.capabilities import active_roles, fragment_scope
from accounts.choices import Role
from accounts.models import User
from accounts.notifications import (
    _built,
    _live,
    _reachable,
    mark_read,
    newest_unread,
    notify,
    unread_count,
    visible_to,
)
from cases.escalation import escalation_answer, escalation_close, escalation_open
from cases.models import Case
from councils.services import handover_role
from meetings.models import Meeting
from meetings.services import meeting_cancel
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.cases.factories import CaseFactory
from tests.councils.factories import MembershipFactory, MunicipalityFactory
from tests.meetings.factories import working_group

pytestmark = pytest.mark.django_db


def bell(user: User) -> int:
    """The figure on the next page: a fresh person object, as a new request loads it; checked
    against the list (through the kept statements too) and a count built from scratch."""
    fresh = User.objects.get(pk=user.pk)
    figure = unread_count(fresh)
    assert figure == visible_to(fresh).unread().count()
    rebuilt = _built(User.objects.get(pk=user.pk), live=False, labels=_reachable)
    assert figure == rebuilt.unread().count()
    return figure


def coordinator(town) -> User:
    person = UserFactory()
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR, organisation=town)
    return person


@pytest.fixture
def sharing():
    """A case of one municipality, its owner, and a coordinator of the neighbour it can go to."""
    home, neighbour = MunicipalityFactory(), MunicipalityFactory()
    owner, reviewer = coordinator(home), coordinator(neighbour)
    case = CaseFactory(municipality=home, owner=owner)
    return case, owner, reviewer, neighbour


def _escalate(case: Case, owner: User, neighbour):
    return escalation_open(
        case=case, receiver=neighbour, by=owner, reason="Samma adress.", request="Råd."
    )


def test_a_notification_made_or_read_shows_on_the_next_page(sharing):
    case, owner, _reviewer, _neighbour = sharing
    note = notify(owner, "cases.case_is_yours", params={"reference": case.reference}, target=case)
    assert bell(owner) == 1
    notify(owner, "cases.new_case", params={"reference": case.reference}, target=case)
    assert bell(owner) == 2
    mark_read(owner, note)
    assert bell(owner) == 1


def test_an_escalation_opened_and_closed_opens_and_shuts_the_case_for_the_receiver(sharing):
    case, owner, reviewer, neighbour = sharing
    # About the case, before it is shared: not counted (it would lead to a 404).
    notify(reviewer, "cases.case_is_yours", params={"reference": case.reference}, target=case)
    assert bell(reviewer) == 0
    escalation = _escalate(case, owner, neighbour)
    # The new escalation's notification, and the case now shared with the receiver.
    assert bell(reviewer) == 2
    escalation_close(escalation=escalation, by=reviewer, note="Klart.")
    # The escalation stays visible to its receiver; the case is no longer shared.
    assert bell(reviewer) == 1


def test_an_escalation_answered_tells_the_owner_at_once(sharing):
    case, owner, reviewer, neighbour = sharing
    escalation = _escalate(case, owner, neighbour)
    assert bell(owner) == 0
    escalation_answer(escalation=escalation, by=reviewer, text="Prata med skolan.")
    assert bell(owner) == 1


def test_a_role_ended_or_added_changes_the_figure_at_once(sharing):
    case, owner, _reviewer, _neighbour = sharing
    notify(owner, "cases.case_is_yours", params={"reference": case.reference}, target=case)
    assert bell(owner) == 1
    owner.roles.update(
        start_date=timezone.localdate() - datetime.timedelta(days=60),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert bell(owner) == 0
    RoleAssignmentFactory(user=owner, role=Role.COORDINATOR, organisation=case.municipality)
    assert bell(owner) == 1


def test_a_case_handed_over_leaves_the_leavers_figure(sharing):
    case, owner, _reviewer, _neighbour = sharing
    successor = coordinator(case.municipality)
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.ADMINISTRATOR)
    notify(owner, "cases.case_is_yours", params={"reference": case.reference}, target=case)
    assert bell(owner) == 1 and bell(successor) == 0
    handover_role(assignment=owner.roles.get(), successor=successor, by=admin)
    case.refresh_from_db()
    assert case.owner == successor
    assert bell(owner) == 0


def _meeting_notice():
    body, towns = working_group(2)
    member = UserFactory()
    RoleAssignmentFactory(user=member, role=Role.COORDINATOR, organisation=towns[0])
    seat = MembershipFactory(body=body, user=member, organisation=towns[0])
    chair = UserFactory()
    RoleAssignmentFactory(user=chair, role=Role.COORDINATOR, organisation=towns[1])
    MembershipFactory(body=body, user=chair, organisation=towns[1], kind="chair")
    start = timezone.now() + datetime.timedelta(days=20)
    meeting = Meeting.objects.create(
        body=body, starts_at=start, ends_at=start + datetime.timedelta(hours=2), host=towns[0]
    )
    notify(member, "meetings.agenda_sent", params={"body": "AG", "date": "x"}, target=meeting)
    return meeting, member, seat, chair


def test_a_cancelled_meeting_stays_counted_but_leaves_new_for_you():
    meeting, member, _seat, chair = _meeting_notice()
    assert bell(member) == 1
    assert len(newest_unread(User.objects.get(pk=member.pk))) == 1
    meeting_cancel(meeting=meeting, reason="Inställt.", by=chair)
    # Still reachable (the meeting page says it is cancelled), no longer new.
    assert bell(member) == 1
    assert newest_unread(User.objects.get(pk=member.pk)) == []


def test_a_seat_ended_takes_the_meeting_out_of_the_figure():
    _meeting, member, seat, _chair = _meeting_notice()
    assert bell(member) == 1
    seat.end_date = timezone.localdate() - datetime.timedelta(days=1)
    seat.save()
    assert bell(member) == 0


def test_the_start_page_lists_what_the_bell_counts_through_the_kept_statements(sharing, client):
    case, owner, _reviewer, _neighbour = sharing
    notify(owner, "cases.case_is_yours", params={"reference": case.reference}, target=case)
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert case.reference in page
    case.status = "closed"
    case.save(update_fields=["status"])
    # Closed: still reachable (the bell counts it), no longer "New for you".
    page = client.get(reverse("home")).content.decode()
    assert case.reference not in page
    assert bell(owner) == 1


def test_building_the_rules_reads_no_rows(sharing):
    """The statements are kept per person, roles and day: a rule that read rows in Python while
    it was built would freeze them into the statement, so building must run no query."""
    _case, owner, reviewer, _neighbour = sharing
    for person in (owner, reviewer):
        active_roles(person), fragment_scope(person)  # the roles, read once per request anyway
        with CaptureQueriesContext(connection) as queries:
            for rules in (_reachable, _live):
                for rule in rules.values():
                    # A rule that can match nothing raises EmptyResultSet: nothing read either.
                    with contextlib.suppress(EmptyResultSet):
                        rule(person).query.sql_with_params()
        assert queries.captured_queries == []
