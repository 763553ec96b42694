"""The start page's meetings panel: next meetings, the agenda owner's due agenda, lägesbild status.

Named as the `summary` of the "meetings" panel in accounts/panels.py; rendered by
templates/meetings/panel.html. Its statements are compiled once per person, roles and day
(sutohamu.statements) and run against the live rows: the ORM's building of the member's
meetings and the lägesbild's organisations cost about 5 ms a page, running them well under one.
The templates get plain data (`ComingMeeting`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.capabilities import (
    Capability,
    active_roles,
    capabilities_of,
    fragment_scope,
    organisation_ids_with,
)
from accounts.models import Organisation
from councils.choices import BodyKind
from councils.models import Body
from sutohamu import statements

from .choices import MeetingStatus
from .models import AGENDA_DUE_DAYS, Meeting, SituationReport
from .services import reporting

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

COMING = 5
_COLUMNS = (
    "pk",
    "starts_at",
    "status",
    "host_id",
    "host__name",
    "body_id",
    "body__name",
    "body__kind",
)


@dataclass(frozen=True)
class ComingMeeting:
    """What the panels show of a meeting: no model instance, no lazy relation."""

    pk: int
    starts_at: datetime.datetime
    status: str
    host_id: int | None
    host_name: str
    body_id: int
    body_name: str
    body_kind: str

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.starts_at)

    @classmethod
    def of(cls, row: dict[str, Any]) -> ComingMeeting:
        return cls(
            pk=row["pk"],
            starts_at=row["starts_at"],
            status=row["status"],
            host_id=row["host_id"],
            host_name=row["host__name"] or "",
            body_id=row["body_id"],
            body_name=row["body__name"],
            body_kind=row["body__kind"],
        )


def coming_meetings(
    user: AnyUser, key: str, narrow: Any = None, limit: int = COMING
) -> list[ComingMeeting]:
    """The next meetings of `Meeting.objects.<key>(user)` (of_member, visible_to), narrowed by
    `narrow` (keyword filters, named in the statement's key), soonest first."""
    return statements.run(coming_meetings_plan(user, key, narrow, limit))


def coming_meetings_plan(
    user: AnyUser, key: str, narrow: Any = None, limit: int = COMING
) -> statements.Plan[list[ComingMeeting]]:
    """`coming_meetings` as a plan (sutohamu.statements): its statement runs with others'."""
    extra = dict(narrow or {})

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        meetings = getattr(Meeting.objects, key)(user).coming(now).filter(**extra)
        return meetings.order_by("starts_at").values(*_COLUMNS)[:limit]

    scope = ("meetings.coming", key, fragment_scope(user), timezone.localdate(), limit)
    statement = statements.compiled((*scope, tuple(sorted(extra.items()))), build)
    if statement is None:
        return []
    (rows,) = yield [statements.Ask(statement, timezone.now())]
    return [ComingMeeting.of(row) for row in rows]


def summary(user: AnyUser) -> dict[str, Any]:
    """Three reads: the next meetings, the agendas due, and the person's pictures for them."""
    return statements.run(summary_plan(user))


def summary_plan(user: AnyUser) -> statements.Plan[dict[str, Any]]:
    """`summary` as a plan (the start page runs its first statement with the other panels')."""
    now = timezone.now()
    coming = yield from coming_meetings_plan(user, "of_member")
    hosts = organisation_ids_with(user, Capability.PREPARE_MEETINGS)
    soon = now + datetime.timedelta(days=AGENDA_DUE_DAYS)
    agenda_due = [
        m
        for m in coming
        if m.host_id in hosts and m.status == MeetingStatus.PLANNED and m.starts_at <= soon
    ]
    next_wg = next((m for m in coming if m.body_kind == BodyKind.WORKING_GROUP), None)
    picture = yield from _picture_plan(user, next_wg)
    return {"coming": coming, "agenda_due": agenda_due, "picture": picture}


def picture_nudge(user: AnyUser) -> dict[str, Any]:
    """The lägesbild alone, for those who bring one but prepare no meetings (Agera,
    Länsstyrelsen); those who prepare meetings see it in `summary`'s panel."""
    return statements.run(picture_nudge_plan(user))


def picture_nudge_plan(user: AnyUser) -> statements.Plan[dict[str, Any]]:
    """`picture_nudge` as a plan (the start page runs its statements with the other panels')."""
    if Capability.PREPARE_MEETINGS in capabilities_of(user):
        return {}
    found = yield from coming_meetings_plan(
        user, "of_member", narrow={"body__kind": BodyKind.WORKING_GROUP}, limit=1
    )
    next_wg = found[0] if found else None
    picture = yield from _picture_plan(user, next_wg)
    return {"picture": picture} if picture else {}


def _picture_plan(
    user: AnyUser, next_wg: ComingMeeting | None
) -> statements.Plan[dict[str, Any] | None]:
    """Whether the person's organisations have submitted their picture for the next meeting."""
    if next_wg is None:
        return None
    roles = sorted({a.organisation_id for a in active_roles(user)})
    if not roles:
        return None
    # The working group's meeting as `reporting` reads it: its body's kind and its day, from
    # the row already read (no read of the body).
    body = Body(pk=next_wg.body_id, kind=next_wg.body_kind)
    meeting = Meeting(pk=next_wg.pk, body=body, starts_at=next_wg.starts_at)

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        # One query: which of the person's organisations bring a picture, and whether each has.
        done = SituationReport.objects.filter(meeting_id=meeting.pk, organisation_id=OuterRef("pk"))
        return (
            Organisation.objects.filter(reporting(meeting), pk__in=roles)
            .annotate(done=Exists(done))
            .values("done")
        )

    key = (
        "meetings.picture",
        tuple(roles),
        next_wg.pk,
        next_wg.body_id,
        next_wg.body_kind,
        next_wg.day,
    )
    statement = statements.compiled(key, build)
    if statement is None:
        return None
    (rows,) = yield [statements.Ask(statement)]
    submitted = [row["done"] for row in rows]
    if not submitted:
        return None
    return {"meeting": next_wg, "submitted": any(submitted)}
