"""Notifications: rendered in the reader's language, gone when their target is out of reach,
never a link to a 404; the bell, the list, mark one or all read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification, User
from accounts.notifications import UnknownNotification, mark_all_read, notify, visible_to
from cases.choices import CaseStatus, EscalationStatus
from cases.models import Escalation
from tests.accounts.factories import UserFactory
from tests.cases.factories import CaseFactory
from tests.councils.factories import MunicipalityFactory
from tests.reminders.conftest import Town

pytestmark = pytest.mark.django_db
PAST = datetime.date(2021, 1, 1)  # a role that ended long ago


def forget_roles(user) -> None:
    user.__dict__.pop("_active_roles_cache", None)


def test_a_notification_is_rendered_in_the_readers_language(town: Town):
    case = CaseFactory(municipality=town.municipality, owner=town.owner)
    note = notify(town.owner, "cases.new_case", params={"reference": case.reference}, target=case)
    with translation.override("en"):
        assert note.message == f"New case {case.reference} is yours"
    with translation.override("sv"):
        assert note.message != f"New case {case.reference} is yours"
        assert case.reference in note.message
    assert Notification.objects.get(pk=note.pk).params == {"reference": case.reference}


def test_an_unregistered_kind_is_refused(town: Town):
    with pytest.raises(UnknownNotification):
        notify(town.owner, "no.such.kind")


def test_a_closed_escalation_part_leaves_new_for_you_and_a_lost_role_leaves_the_list(
    town: Town,
):
    case = CaseFactory(municipality=MunicipalityFactory(), status=CaseStatus.MEASURES)
    escalation = Escalation.objects.create(
        case=case,
        receiver=town.municipality,
        kind="neighbour",
        reason="r",
        request="q",
        created_by=UserFactory(),
    )
    notify(
        town.owner, "cases.new_escalation", params={"reference": case.reference}, target=escalation
    )
    assert visible_to(town.owner, live=True).count() == 1
    Escalation.objects.filter(pk=escalation.pk).update(status=EscalationStatus.CLOSED)
    assert visible_to(town.owner, live=True).count() == 0
    assert visible_to(town.owner).count() == 1  # its own part stays reachable
    town.owner.roles.update(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1)
    )
    forget_roles(town.owner)
    assert visible_to(town.owner).count() == 0


def test_after_a_hand_over_no_notification_leads_to_a_404(client, town: Town):
    case = CaseFactory(municipality=town.municipality, owner=town.owner)
    note = notify(
        town.owner,
        "cases.case_is_yours",
        params={"reference": case.reference},
        link=reverse("cases:detail", args=[case.reference]),
        target=case,
    )
    town.owner.roles.update(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1)
    )
    client.force_login(town.owner)
    page = client.get(reverse("notifications"))
    assert page.status_code == 200 and case.reference not in page.content.decode()
    opened = client.post(reverse("open_notification", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("notifications")


def test_the_bell_counts_unread_and_mark_all_read_clears_it(client, town: Town):
    case = CaseFactory(municipality=town.municipality, owner=town.owner)
    for _ in range(2):
        notify(town.owner, "cases.new_case", params={"reference": case.reference}, target=case)
    client.force_login(town.owner)
    with translation.override("en"):
        body = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="notification-bell__count"' in body
    first = Notification.objects.filter(user=town.owner).first()
    client.post(reverse("mark_notification_read", args=[first.pk]))
    assert visible_to(town.owner).unread().count() == 1
    response = client.post(reverse("mark_all_notifications_read"))
    assert response.status_code == 302
    assert visible_to(town.owner).unread().count() == 0
    assert mark_all_read(town.owner) == 0
    body = client.get(reverse("notifications")).content.decode()
    assert 'class="notification-bell__count"' not in body


def test_someone_elses_notification_cannot_be_marked(client, town: Town):
    note = notify(town.colleague, "cases.new_case", params={"reference": "X"})
    client.force_login(town.owner)
    assert client.post(reverse("mark_notification_read", args=[note.pk])).status_code == 404


def test_the_reminders_menu_lists_the_persons_reminders_with_the_settings_one_click_away(
    demo, login
):
    user = User.objects.get(username="samordnare.sunne")
    Notification.objects.create(
        user=user,
        kind="reminders.consent_expiring",
        params={"reference": "SUN-2026-0099", "date": "1 jan"},
    )
    Notification.objects.create(
        user=user, kind="cases.new_case", params={"reference": "SUN-2026-0098"}
    )
    client = login("samordnare.sunne")
    start = client.get(reverse("home")).content.decode()
    menu = f'href="{reverse("notifications")}?visa=paminnelser"'
    assert menu in start and ">Påminnelser</a>" in start
    page = client.get(reverse("notifications"), {"visa": "paminnelser"})
    html = page.content.decode()
    assert "SUN-2026-0099" in html and "SUN-2026-0098" not in html
    assert f'href="{reverse("reminders:preferences")}"' in html
    assert "SUN-2026-0098" in client.get(reverse("notifications")).content.decode()
