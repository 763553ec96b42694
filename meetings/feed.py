"""A person's private calendar (.ics): their meetings, and what other apps register.

An app above meetings (follow-up dates, say) adds events with `register_source(fn)`, where
`fn(user)` returns `(uid, date, summary, url)` tuples; a summary names a case by reference only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import User

from .models import Meeting

FeedEvent = tuple[str, datetime.date, str, str]
Source = Callable[[User], Iterable[FeedEvent]]
_sources: list[Source] = []


def register_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def meetings_of(user: User) -> list[Meeting]:
    """The person's meetings from a year back: those of the bodies where they sit today."""
    since = timezone.now() - datetime.timedelta(days=365)
    return list(
        Meeting.objects.of_member(user).filter(starts_at__gte=since).select_related("body", "host")
    )


def calendar_for(user: User, base_url: str) -> bytes:
    """The feed; each event has a stable UID, so a calendar updates it instead of adding one."""
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
    for source in _sources:
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
