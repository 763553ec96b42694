"""A person's private calendar (.ics): their meetings and their follow-up contact dates.

Both sources sit at or below meetings, so the feed reads them directly (no registry): the
meetings of the bodies where the person sits, and the next contact date of each case in follow-up
the person owns and still may see. A follow-up event names the case by reference only: a
calendar is read on phones and shared screens, so no case text goes into it.

icalendar is imported when a feed is first made (as WeasyPrint, SciPy and pypdf are): its time
zone tables cost every process about 0.08 s of CPU at start, for a page a person's calendar
fetches now and then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.choices import CaseStatus
from cases.models import Case, FollowUpPlan

from .models import Meeting

FeedEvent = tuple[str, datetime.date, str, str]


def meetings_of(user: User) -> list[Meeting]:
    """The person's meetings from a year back: those of the bodies where they sit today."""
    since = timezone.now() - datetime.timedelta(days=365)
    return list(
        Meeting.objects.of_member(user).filter(starts_at__gte=since).select_related("body", "host")
    )


def followup_dates(user: User) -> list[FeedEvent]:
    """(uid, date, summary, url) of the person's next follow-up contacts: reference only."""
    plans = (
        FollowUpPlan.objects.filter(
            case__in=Case.objects.visible_to(user).filter(owner=user, status=CaseStatus.FOLLOW_UP)
        )
        .select_related("case")
        .only("next_contact_on", "case__reference")
        .order_by("next_contact_on", "pk")
    )
    return [
        (
            f"followup-{plan.pk}",
            plan.next_contact_on,
            _("Follow-up contact: %(reference)s") % {"reference": plan.case.reference},
            reverse("cases:detail", args=[plan.case.reference]),
        )
        for plan in plans
    ]


SOURCES: tuple[Callable[[User], Iterable[FeedEvent]], ...] = (followup_dates,)


def calendar_for(user: User, base_url: str) -> bytes:
    """The feed; each event has a stable UID, so a calendar updates it instead of adding one."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//SuToHaMu//Möten//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "SuToHaMu")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    domain = base_url.split("//", 1)[-1].split("/", 1)[0] or "sutohamu"
    for meeting in meetings_of(user):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", meeting.body.name)
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.host_id:
            event.add("description", _("Agenda owner: %s") % meeting.host)
        event.add("url", f"{base_url}/moten/{meeting.pk}/")
        event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
        cal.add_component(event)
    for source in SOURCES:
        for uid, day, summary, url in source(user):
            event = Event()
            event.add("uid", f"{uid}@{domain}")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
            event.add("summary", summary)
            if url:
                event.add("url", url if "//" in url else f"{base_url}{url}")
            cal.add_component(event)
    return cal.to_ical()
