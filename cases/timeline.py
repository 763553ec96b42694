"""One chronological page per case, from the case's own records and their history.

Each source returns entries for one case in one or two queries. Later apps (escalations,
follow-up contacts) add their own source with `register`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sutohamu.templatetags.formats import prose_date

from .choices import CaseStatus
from .models import Case, Consent, Measure, Note, Transition


@dataclass(frozen=True)
class Entry:
    """One event; `date_only` when only its day is known (shown without a time)."""

    when: datetime.datetime
    who: Any
    kind: str
    text: str
    date_only: bool = False

    @classmethod
    def on_day(cls, day: datetime.date, who: Any, kind: str, text: str) -> Entry:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return cls(start, who, kind, text, date_only=True)

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.when)

    def sort_key(self) -> tuple[datetime.date, bool, datetime.datetime]:
        """By day; an event known only by its day comes after the day's timed events (it has
        no time to sort by, and is usually recorded after what led to it)."""
        return (self.day, self.date_only, self.when)


Source = Callable[[Case], list[Entry]]
_sources: dict[str, Source] = {}


def register(key: str, source: Source) -> None:
    _sources[key] = source


def timeline(case: Case) -> list[Entry]:
    entries = [entry for source in _sources.values() for entry in source(case)]
    return sorted(entries, key=Entry.sort_key)


def _transitions(case: Case) -> list[Entry]:
    labels = dict(CaseStatus.choices)
    entries = []
    for t in Transition.objects.filter(case=case).select_related("by"):
        if not t.from_status:
            text = _("Reported")
        else:
            text = _("%(old)s → %(new)s") % {
                "old": labels[t.from_status],
                "new": labels[t.to_status],
            }
        if t.reason:
            text += f". {_('Reason')}: {t.reason}"
        entries.append(Entry(t.at, t.by, _("Status"), text))
    return entries


def _notes(case: Case) -> list[Entry]:
    return [
        Entry(n.created_at, n.author, _("Note"), n.text)
        for n in Note.objects.filter(case=case).select_related("author")
    ]


def _measures(case: Case) -> list[Entry]:
    records = Measure.history.filter(case_id=case.pk).select_related("history_user")
    entries = []
    for r in records.order_by("history_date"):
        verb = {"+": _("Measure added"), "~": _("Measure updated"), "-": _("Measure removed")}
        text = f"{r.get_kind_display()}: {r.get_status_display()}"
        entries.append(Entry(r.history_date, r.history_user, verb[r.history_type], text))
    return entries


def _consents(case: Case) -> list[Entry]:
    records = Consent.history.filter(case_id=case.pk).select_related("history_user")
    entries = []
    for r in records.order_by("history_date"):
        if r.withdrawn_on:
            text = _("Consent withdrawn %(date)s") % {"date": prose_date(r.withdrawn_on)}
        elif r.history_type == "+":
            text = _("Consent given %(date)s") % {"date": prose_date(r.given_on)}
        else:
            text = _("Consent updated")
        entries.append(Entry(r.history_date, r.history_user, _("Consent"), text))
    return entries


def register_own() -> None:
    """The case's own records (called from CasesConfig.ready, before the escalations' source)."""
    register("transitions", _transitions)
    register("notes", _notes)
    register("measures", _measures)
    register("consents", _consents)


def sources() -> list[str]:
    return list(_sources)
