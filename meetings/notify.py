"""Notifications of meetings: the agenda sent to the members (rendered in the reader's language)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from accounts.models import Notification, User
from accounts.notifications import build, register_kind, register_target

from .models import Meeting

AGENDA_SENT = "meetings.agenda_sent"
AGENDA_DUE = "meetings.agenda_due"
ACTION_DUE = "meetings.action_item_due"


def register() -> None:
    """The meetings' notification kinds and target (called from MeetingsConfig.ready)."""
    register_kind(AGENDA_SENT, gettext_lazy("Agenda of %(body)s on %(date)s"))
    register_kind(AGENDA_DUE, gettext_lazy("The agenda of %(body)s on %(date)s is due"))
    register_kind(ACTION_DUE, gettext_lazy("Action item due %(date)s: %(title)s"))
    register_target(
        Meeting,
        reachable=lambda user: Meeting.objects.visible_to(user),
        live=lambda user: Meeting.objects.visible_to(user).not_cancelled(),
    )


def notify_agenda_sent(meeting: Meeting, people: Iterable[User]) -> int:
    params = {"body": meeting.body.name, "date": date_format(meeting.day, "DATE_FORMAT")}
    link = reverse("meetings:detail", args=[meeting.pk])
    rows = [build(p, AGENDA_SENT, link=link, params=params, target=meeting) for p in people]
    Notification.objects.bulk_create(rows)
    return len(rows)
