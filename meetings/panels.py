"""The start page's meetings panel: next meetings, the agenda owner's due agenda, lägesbild status.

Named as the `summary` of the "meetings" panel in accounts/panels.py; rendered by
templates/meetings/panel.html.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.capabilities import (
    Capability,
    active_roles,
    capabilities_of,
    organisation_ids_with,
)
from accounts.models import Organisation
from councils.choices import BodyKind

from .choices import MeetingStatus
from .models import AGENDA_DUE_DAYS, Meeting, SituationReport
from .services import reporting

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


def summary(user: AnyUser) -> dict[str, Any]:
    """Three reads: the next meetings, the agendas due, and the person's pictures for them."""
    now = timezone.now()
    coming = list(
        Meeting.objects.of_member(user)
        .coming(now)
        .select_related("body", "host")
        .order_by("starts_at")[:5]
    )
    hosts = organisation_ids_with(user, Capability.PREPARE_MEETINGS)
    soon = now + datetime.timedelta(days=AGENDA_DUE_DAYS)
    agenda_due = [
        m
        for m in coming
        if m.host_id in hosts and m.status == MeetingStatus.PLANNED and m.starts_at <= soon
    ]
    next_wg = next((m for m in coming if m.body.kind == BodyKind.WORKING_GROUP), None)
    return {"coming": coming, "agenda_due": agenda_due, "picture": _picture(user, next_wg)}


def picture_nudge(user: AnyUser) -> dict[str, Any]:
    """The lägesbild alone, for those who bring one but prepare no meetings (Agera,
    Länsstyrelsen); those who prepare meetings see it in `summary`'s panel."""
    if Capability.PREPARE_MEETINGS in capabilities_of(user):
        return {}
    next_wg = (
        Meeting.objects.of_member(user)
        .coming(timezone.now())
        .filter(body__kind=BodyKind.WORKING_GROUP)
        .select_related("body")
        .order_by("starts_at")
        .first()
    )
    picture = _picture(user, next_wg)
    return {"picture": picture} if picture else {}


def _picture(user: AnyUser, next_wg: Meeting | None) -> dict[str, Any] | None:
    """Whether the person's organisations have submitted their picture for the next meeting."""
    if next_wg is None:
        return None
    roles = {a.organisation_id for a in active_roles(user)}
    if not roles:
        return None
    # One query: which of the person's organisations bring a picture, and whether each has.
    done = SituationReport.objects.filter(meeting=next_wg, organisation_id=OuterRef("pk"))
    own = (
        Organisation.objects.filter(reporting(next_wg), pk__in=roles)
        .annotate(done=Exists(done))
        .values_list("done", flat=True)
    )
    submitted = list(own)
    if not submitted:
        return None
    return {"meeting": next_wg, "submitted": any(submitted)}
