"""The start page's meetings panel: next meetings, the agenda owner's due agenda, lägesbild status.

Named as the `summary` of the "meetings" panel in accounts/panels.py; rendered by
templates/meetings/panel.html.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.capabilities import Capability, active_roles, organisation_ids_with
from councils.choices import BodyKind

from .choices import MeetingStatus
from .models import AGENDA_DUE_DAYS, Meeting, SituationReport
from .services import expected_reporters

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
    picture: dict[str, Any] | None = None
    own: set[int] = set()
    if next_wg is not None:
        roles = {a.organisation_id for a in active_roles(user)}
        own = {o.pk for o in expected_reporters(next_wg) if o.pk in roles}
    if next_wg is not None and own:
        submitted = set(
            SituationReport.objects.filter(meeting=next_wg, organisation_id__in=own).values_list(
                "organisation_id", flat=True
            )
        )
        picture = {"meeting": next_wg, "submitted": bool(submitted)}
    return {"coming": coming, "agenda_due": agenda_due, "picture": picture}
