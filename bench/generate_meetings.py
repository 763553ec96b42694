"""Generated meetings: the demo's bodies over the scale's years, every past meeting held with
minutes, decisions and action items, and every working-group meeting with its lägesbilder.

Meetings are few (about 25 a year), so they go through the meetings app's own services, as the
demo does; only the cases are bulk-inserted.
"""

from __future__ import annotations

from django.utils import timezone

from councils.models import Body
from meetings import demo as meetings_demo
from meetings.choices import MeetingStatus
from meetings.models import Meeting
from meetings.schedule import generate_year

from .generate import Context, register


@register
def meetings(context: Context) -> None:
    bodies = list(Body.objects.select_related("municipality"))
    today = timezone.localdate()
    first = today.year - context.scale.years + 1
    for body in bodies:
        for year in range(first, today.year - 1):  # the demo holds last year onwards
            meetings_demo._plan(body, year)
            generate_year(body=body, year=year, by=None)
        meetings_demo._places(body)
    secretaries = {b.pk: meetings_demo._secretary(b) for b in bodies}
    held = 0
    for meeting in (
        Meeting.objects.filter(ends_at__lt=timezone.now(), starts_at__year__lt=today.year - 1)
        .exclude(status__in=[MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED])
        .select_related("body", "host")
        .order_by("starts_at")
    ):
        meetings_demo._hold(meeting, secretaries[meeting.body_id], pictures=True)
        held += 1
    context.counts.update(meetings=Meeting.objects.count(), meetings_held_generated=held)
