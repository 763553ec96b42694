"""Hand-over: a leaving person's open action items move to the successor; the orphans page
lists open action items whose owner holds no role."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import RoleAssignment, User
from councils.services import handover_role
from meetings.choices import ActionStatus
from meetings.models import ActionItem
from tests.accounts.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def sunne_coordinator_role() -> RoleAssignment:
    return RoleAssignment.objects.active().get(
        user__username="samordnare.sunne", role=Role.COORDINATOR
    )


def test_an_open_action_item_moves_to_the_successor(demo):
    role = sunne_coordinator_role()
    leaving = role.user
    item = ActionItem.objects.filter(owner=leaving).first() or ActionItem.objects.first()
    ActionItem.objects.filter(pk=item.pk).update(owner=leaving, status=ActionStatus.OPEN)
    done = ActionItem.objects.exclude(pk=item.pk).first()
    ActionItem.objects.filter(pk=done.pk).update(owner=leaving, status=ActionStatus.DONE)
    successor = UserFactory(username="ny.samordnare")
    RoleAssignmentFactory(user=successor, role=Role.COORDINATOR, organisation=role.organisation)
    admin = User.objects.get(username="admin")
    handover_role(assignment=role, successor=successor, by=admin)
    item.refresh_from_db()
    assert item.owner == successor
    assert "Överlämning" in (item.history.first().history_change_reason or "")
    assert ActionItem.objects.get(pk=done.pk).owner == leaving  # a done item keeps its owner


def test_the_orphans_page_lists_an_action_item_whose_owner_has_no_role(demo, login):
    item = ActionItem.objects.open().select_related("owner").first()
    RoleAssignment.objects.filter(user=item.owner).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = login("admin").get(reverse("councils:orphans"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="orphans-action_items"' in html
    assert item.title in html
