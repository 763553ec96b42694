"""The receivers' escalation queue as a cached part (sutohamu.fragments): served from the cache
until a write bumps the version of what the lists of cases show (`CASES_LISTED`: every
escalation write, a case's title or status, a handover of the queue), per person and roles, page
and minute (it words each escalation's age).

Each write below is made inside `committed()` (tests/caching.py): its on-commit steps run as a
commit would run them, so the queue that follows is served from the cache, and shows the change
only because the service bumped the version.
"""

from __future__ import annotations

import datetime
import html

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from cases import escalation as escalations
from cases import services
from cases.choices import CaseStatus
from cases.handover import _move_queue
from cases.models import Case, Escalation
from councils.handover import HandoverContext
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.caching import committed
from tests.cases.factories import CaseFactory
from tests.demo_objects import org

pytestmark = pytest.mark.django_db
TITLE = "Klotter vid fritidsgården"


def queue(client, query: str = "") -> str:
    response = client.get(reverse("cases:queue") + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def waiting(client, demo):
    """A Hagfors case escalated to Agera, Agera's queue in the cache."""
    sender = User.objects.get(username="samordnare.hagfors")
    with committed():
        case = CaseFactory(
            municipality=org("HAG"), owner=sender, status=CaseStatus.MEASURES, title=TITLE
        )
        sent = escalations.escalation_open(
            case=case, receiver=org("AGERA"), by=sender, reason="Råd", request="Förslag"
        )
    agera = User.objects.get(username="agera")
    client.force_login(agera)
    assert TITLE in queue(client)
    return sender, agera, case, sent


def test_the_queue_comes_from_the_cache_until_an_escalation_write(client, waiting):
    _sender, agera, case, sent = waiting
    Case.objects.filter(pk=case.pk).update(title="Ändrad utan tjänsten")  # no bump
    assert TITLE in queue(client)
    with committed():
        escalations.escalation_acknowledge(escalation=sent, by=agera)
    page = queue(client)
    assert "Ändrad utan tjänsten" in page
    assert html.escape(str(agera)) in page  # the handler


def test_a_new_escalation_shows(client, waiting):
    sender, _agera, _case, _sent = waiting
    with committed():
        other = CaseFactory(
            municipality=org("HAG"), owner=sender, status=CaseStatus.MEASURES, title="Ny oro"
        )
        escalations.escalation_open(
            case=other, receiver=org("AGERA"), by=sender, reason="Råd", request="Förslag"
        )
    assert "Ny oro" in queue(client)


def test_a_withdrawn_escalation_leaves_the_open_queue(client, waiting):
    sender, _agera, _case, sent = waiting
    with committed():
        escalations.escalation_withdraw(escalation=sent, by=sender)
    assert TITLE not in queue(client)


def test_an_edited_title_shows(client, waiting):
    sender, _agera, case, _sent = waiting
    with committed():
        services.case_update(case=case, by=sender, version=case.version, title="Skadegörelse")
    assert "Skadegörelse" in queue(client)


def test_a_handed_over_queue_names_the_new_handler(client, waiting):
    _sender, agera, _case, sent = waiting
    with committed():
        escalations.escalation_acknowledge(escalation=sent, by=agera)
    queue(client)
    successor = UserFactory(first_name="Hugo", last_name="Ny")
    RoleAssignmentFactory(user=successor, role=Role.AGERA, organisation=org("AGERA"))
    assignment = agera.roles.get(organisation=org("AGERA"))
    with committed():
        _move_queue(HandoverContext(assignment, agera, successor, timezone.localdate()))
    assert "Hugo Ny" in queue(client)


def test_the_pages_and_the_closed_ones_are_parts_of_their_own(client, waiting):
    _sender, agera, _case, sent = waiting
    with committed():
        escalations.escalation_close(escalation=sent, by=agera)
    assert TITLE not in queue(client)
    assert f"/eskalering/{sent.pk}/" in queue(client, "?alla=1")


def test_another_receiver_never_gets_the_parts_of_agera(client, waiting):
    kommunpolis = User.objects.get(username="kommunpolis")
    client.force_login(kommunpolis)
    assert TITLE not in queue(client)


def test_the_age_is_worded_anew_each_minute(client, waiting):
    _sender, _agera, _case, sent = waiting
    with time_machine.travel(timezone.now(), tick=False) as clock:
        queue(client)
        Escalation.objects.filter(pk=sent.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=3)
        )  # no bump
        assert "3\xa0dagar" not in queue(client)  # the same minute: from the cache
        clock.shift(datetime.timedelta(minutes=1))
        assert "3\xa0dagar" in queue(client)


def test_a_warm_queue_keeps_its_query_budget(client, waiting, django_assert_max_num_queries):
    queue(client)
    # savepoint and release (the atomic request), session, user, roles, the bell's stored
    # counts and its reachable count: the counts and the rows read nothing (10 when cold).
    with django_assert_max_num_queries(7):
        queue(client)
