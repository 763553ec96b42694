"""The yearly schedule of a body's meetings and the agenda owners' rotation.

The working group meets one afternoon a month (not in July unless told), and the municipalities
take turns owning the agenda in the body's rotation (rows, so a fifth municipality joins as data),
continuing after the host of the body's last earlier meeting. The steering group's and the local
councils' meetings follow the body's yearly plan. A meeting once created keeps its host: moving or
cancelling one never shifts the others, and regenerating never deletes a meeting past "planned".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from councils.choices import BodyKind
from councils.models import Body
from sutohamu.history import set_history_user

from .choices import MeetingStatus
from .models import AgendaRotation, Meeting

DEFAULT_SKIPPED_MONTHS: tuple[int, ...] = (7,)


@dataclass(frozen=True)
class Slot:
    """When a body usually meets: the nth weekday of the month, from start to end."""

    weekday: int  # Monday 0
    nth: int
    start: datetime.time
    end: datetime.time


SLOTS: dict[str, Slot] = {
    BodyKind.WORKING_GROUP: Slot(1, 2, datetime.time(13, 0), datetime.time(16, 0)),
    BodyKind.STEERING_GROUP: Slot(3, 2, datetime.time(9, 0), datetime.time(11, 0)),
    BodyKind.LOCAL_COUNCIL: Slot(2, 3, datetime.time(15, 0), datetime.time(17, 0)),
}


def rotation_order(body: Body) -> list[int]:
    """The ids of the body's agenda owners in turn (empty: the body has no rotation)."""
    return list(
        AgendaRotation.objects.filter(body=body)
        .order_by("position")
        .values_list("municipality_id", flat=True)
    )


def next_host(order: list[int], previous: int | None) -> int | None:
    if not order:
        return None
    if previous in order:
        return order[(order.index(previous) + 1) % len(order)]
    return order[0]


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    if day.month != month:  # a fifth weekday that does not exist: the last one instead
        day -= datetime.timedelta(days=7)
    return day


def spread(available: list[int], count: int) -> list[int]:
    """`count` months spread evenly over the available ones (e.g. 2 of 11: March and September)."""
    if count >= len(available):
        return available
    step = len(available) / count
    return [available[int(step * i + step / 2)] for i in range(count)]


def allowed_count(body: Body, year: int) -> int:
    """The body's yearly plan, or its upper bound when no plan is set."""
    plan = body.meeting_plans.filter(year=year).first()
    return plan.planned_meetings if plan else body.max_meetings_per_year


def wanted_months(body: Body, year: int, skipped: Iterable[int]) -> list[int]:
    skip = set(skipped)
    available = [m for m in range(1, 13) if m not in skip]
    if not available:
        raise ValidationError(_("At least one month must be left."), code="no_months")
    if body.kind == BodyKind.WORKING_GROUP:
        months = available
    else:
        plan = body.meeting_plans.filter(year=year).first()
        months = spread(available, plan.planned_meetings if plan else body.min_meetings_per_year)
    body.check_meeting_count(len(months))
    allowed = allowed_count(body, year)
    if len(months) > allowed:
        raise ValidationError(
            _("%(body)s plans %(allowed)s meetings in %(year)s; %(count)s do not fit.")
            % {"body": body.name, "allowed": allowed, "year": year, "count": len(months)},
            code="quota",
        )
    return months


def _has_record(meeting: Meeting) -> bool:
    """A meeting with minutes, decisions, pictures or a sent agenda is never deleted."""
    return (
        meeting.status != MeetingStatus.PLANNED
        or meeting.versions.exists()
        or meeting.decisions.exists()
        or meeting.situation_reports.exists()
        or meeting.items.exclude(notes="").exists()
    )


def generate_year(
    *,
    body: Body,
    year: int,
    by: User | None,
    skipped_months: Iterable[int] = DEFAULT_SKIPPED_MONTHS,
    place: str = "",
) -> list[Meeting]:
    """Create the year's missing meetings; returns the meetings created."""
    months = wanted_months(body, year, skipped_months)
    slot = SLOTS[body.kind]
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()  # one generation at a time
        kept: list[Meeting] = []
        for meeting in Meeting.objects.filter(body=body).in_year(year):
            if meeting.day.month not in months and not _has_record(meeting):
                meeting.delete()
            else:
                kept.append(meeting)
        covered = {m.day.month for m in kept}
        missing = [m for m in months if m not in covered][: max(0, len(months) - len(kept))]
        tz = timezone.get_current_timezone()
        created: list[Meeting] = []
        for month in missing:
            day = nth_weekday(year, month, slot.weekday, slot.nth)
            meeting = Meeting(
                body=body,
                starts_at=datetime.datetime.combine(day, slot.start, tzinfo=tz),
                ends_at=datetime.datetime.combine(day, slot.end, tzinfo=tz),
                place=place,
                host=body.municipality if body.kind == BodyKind.LOCAL_COUNCIL else None,
            )
            meeting.full_clean()
            set_history_user(meeting, by)
            created.append(meeting)
        _assign_hosts(body, year, kept, created)
        for meeting in created:
            meeting.save()
    return created


def _assign_hosts(body: Body, year: int, kept: list[Meeting], created: list[Meeting]) -> None:
    """New meetings take the next turn after the meeting before them; kept ones keep theirs."""
    order = rotation_order(body)
    if not order:
        return
    start = datetime.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
    before = (
        Meeting.objects.filter(body=body, starts_at__lt=start, host__isnull=False)
        .order_by("-starts_at")
        .values_list("host_id", flat=True)
        .first()
    )
    cursor = before
    new = {id(m) for m in created}
    for meeting in sorted([*kept, *created], key=lambda m: m.starts_at):
        if id(meeting) in new or meeting.host_id is None:
            meeting.host_id = next_host(order, cursor)
            if id(meeting) not in new:
                meeting.save(update_fields=["host"])
        cursor = meeting.host_id
