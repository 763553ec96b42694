"""Reach, at sweep time and again at sending: only a person with an active account and a role in
force, who can still reach what a reminder is about, is reminded; action items included, and an
action item's title never goes by mail."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from meetings.models import ActionItem, Meeting
from reminders.models import MailState, OutboxMail, Reminder, ReminderKind
from reminders.services import send_pending, sweep
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.councils.factories import MembershipFactory
from tests.meetings.factories import working_group
from tests.reminders.conftest import Town, followup_case

pytestmark = pytest.mark.django_db


ITEM_TITLE = "Ring rektorn om kameraövervakningen vid skolgården"


def action_item(owner_email: str = "polis@example.se") -> ActionItem:
    body, towns = working_group()
    owner = UserFactory(email=owner_email)
    RoleAssignmentFactory(user=owner, role=Role.COMMUNITY_POLICE)
    MembershipFactory(body=body, user=owner, organisation=towns[0])
    start = timezone.now() - datetime.timedelta(days=30)
    meeting = Meeting.objects.create(
        body=body, starts_at=start, ends_at=start + datetime.timedelta(hours=2), host=towns[0]
    )
    return ActionItem.objects.create(
        meeting=meeting,
        title=ITEM_TITLE,
        owner=owner,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )


def test_an_action_item_reminds_its_owner_in_the_app_and_by_mail_without_its_title():
    item = action_item()
    sweep(timezone.localdate())
    assert send_pending() == 1
    note = Notification.objects.get(user=item.owner)
    assert ITEM_TITLE in note.text  # in the app, where the person sees the meeting
    [message] = mail.outbox
    assert ITEM_TITLE not in f"{message.subject} {message.body}"
    assert reverse("meetings:detail", args=[item.meeting_id]) in message.body


def test_a_deactivated_action_item_owner_gets_nothing():
    item = action_item()
    item.owner.is_active = False
    item.owner.save()
    sweep(timezone.localdate())
    send_pending()
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_an_action_item_owner_whose_roles_ended_gets_nothing():
    item = action_item()
    item.owner.roles.update(
        start_date=datetime.date(2020, 1, 1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    sweep(timezone.localdate())
    assert not Reminder.objects.exists() and mail.outbox == []


def test_an_action_item_owner_no_longer_in_the_body_gets_nothing():
    item = action_item()
    item.owner.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    sweep(timezone.localdate())
    assert not Reminder.objects.exists()


def test_reach_is_checked_again_when_the_mail_is_sent(town: Town):
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    sweep(timezone.localdate())
    assert OutboxMail.objects.filter(state=MailState.PENDING).count() == 1
    # Between the sweep and the sending, the owner's role ends.
    town.owner.roles.update(
        start_date=datetime.date(2020, 1, 1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert send_pending() == 0
    assert mail.outbox == []
    assert OutboxMail.objects.get().state == MailState.SKIPPED


def test_a_deactivated_account_gets_no_mail_already_in_the_outbox(town: Town):
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    sweep(timezone.localdate())
    town.owner.is_active = False
    town.owner.save()
    assert send_pending() == 0 and mail.outbox == []


def test_a_person_without_an_address_is_reminded_in_the_app_only(town: Town):
    town.owner.email = ""
    town.owner.save()
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    result = sweep(timezone.localdate())
    assert (result.recorded, result.emailed) == (1, 0)
    assert Reminder.objects.get().channel == "in_app"
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert not OutboxMail.objects.exists()
    assert Reminder.objects.get().kind == ReminderKind.FOLLOWUP_DUE
