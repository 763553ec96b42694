"""Official records: the sent agenda (kallelse) and the justered minutes (protokoll), frozen.

An official document is the same for everyone who may open it and never changes once sent or
approved. Its content is built here once, from codes and the meeting's own records, without
asking who reads it: a case line is the reference and fixed codes (municipality, areas, setting),
never a summary in a reader's language nor a count of what one reader may not see. The content is
rendered to PDF in Swedish, and the bytes are stored with their SHA-256 (`freeze`); every reader
then downloads those bytes. A draft (an agenda not yet sent, minutes not yet approved) is built
and rendered the same way on each download, marked as a draft.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Escalation
from councils.choices import BodyKind
from councils.models import Body, Medskick
from sutohamu.dates import in_force

from .access import due_for_review
from .choices import ItemKind, RecordKind
from .models import (
    ActionItem,
    AgendaItem,
    AgendaVersion,
    Meeting,
    MinutesVersion,
    SituationReport,
)
from .pdf import record_pdf

# The language official documents are written in (the cooperation's working language).
RECORD_LANGUAGE = "sv"


def case_line(case: Case) -> str:
    """Reference and fixed codes only: the same for every reader, in every language."""
    return " · ".join(
        p
        for p in (case.reference, case.municipality.code, ", ".join(case.area_list), case.setting)
        if p
    )


def official_case_lines(meeting: Meeting) -> list[str]:
    due = (
        due_for_review(meeting)
        .select_related("municipality")
        .only("reference", "areas", "setting", "municipality__code")
        .order_by("reference")
    )
    return [case_line(c) for c in due]


def _escalation_lines(meeting: Meeting) -> list[str]:
    if meeting.body.kind != BodyKind.WORKING_GROUP:
        return []
    marked = (
        Escalation.objects.for_working_group()
        .select_related("case", "receiver")
        .only("kind", "case__reference", "receiver__code", "receiver__name", "created_at")
        .order_by("created_at", "pk")
    )
    return [f"{e.case.reference} → {e.receiver.code or e.receiver.name} ({e.kind})" for e in marked]


def _medskick_lines(meeting: Meeting) -> list[str]:
    items = (
        Medskick.objects.open()
        .for_bodies(Body.objects.filter(pk=meeting.body_id))
        .select_related("sender", "receiver")
        .order_by("sent_at", "pk")
    )
    return [f"{m.title} ({m.sender} → {m.receiver}, {m.get_status_display()})" for m in items]


def _action_lines(meeting: Meeting) -> list[str]:
    earlier = (
        ActionItem.objects.open()
        .filter(meeting__body_id=meeting.body_id, meeting__starts_at__lt=meeting.starts_at)
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    return [
        _("%(title)s – %(owner)s, due %(date)s")
        % {"title": a.title, "owner": a.owner, "date": a.due_date.isoformat()}
        for a in earlier
    ]


def _picture_line(report: SituationReport | None) -> list[str]:
    if report is None:
        return []
    return [
        f"{_('ANDT')}: {report.get_trend_andt_display()} · "
        f"{_('Crime prevention')}: {report.get_trend_crime_display()} · "
        f"{_('Violent extremism')}: {report.get_trend_vbe_display()}"
    ]


def _item_lines(meeting: Meeting, items: list[AgendaItem]) -> dict[int, list[str]]:
    """The standing items' lines, each part read once (only for the kinds on the agenda)."""
    kinds = {i.kind for i in items}
    parts: dict[str, list[str]] = {
        ItemKind.CASES: official_case_lines(meeting) if ItemKind.CASES in kinds else [],
        ItemKind.ESCALATIONS: _escalation_lines(meeting) if ItemKind.ESCALATIONS in kinds else [],
        ItemKind.MEDSKICK: _medskick_lines(meeting) if ItemKind.MEDSKICK in kinds else [],
        ItemKind.ACTION_ITEMS: _action_lines(meeting) if ItemKind.ACTION_ITEMS in kinds else [],
    }
    pictures = {r.organisation_id: r for r in SituationReport.objects.filter(meeting=meeting)}
    lines: dict[int, list[str]] = {}
    for item in items:
        if item.kind in parts:
            lines[item.pk] = parts[item.kind]
        elif item.kind in (ItemKind.SITUATION, ItemKind.REGIONAL) and item.organisation_id:
            lines[item.pk] = _picture_line(pictures.get(item.organisation_id))
        else:
            lines[item.pk] = []
    return lines


def _header(meeting: Meeting) -> dict[str, Any]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return {
        "body": meeting.body.name,
        "date": start.date().isoformat(),
        "when": f"{date_format(start, 'l j F Y')}, {start:%H:%M}–{end:%H:%M}",
        "place": meeting.place,
        "host": meeting.host.name if meeting.host else "",
    }


def _items(items: list[AgendaItem], lines: dict[int, list[str]]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "position": item.position,
            "heading": item.heading,
            "text": item.text,
            "notes": item.notes,
            "lines": lines.get(item.pk, []),
        }
        for item in items
    ]


def agenda_content(meeting: Meeting) -> dict[str, Any]:
    """What the kallelse says: who is called, and each item with its lines."""
    with translation.override(RECORD_LANGUAGE):
        items = list(meeting.items.select_related("organisation").order_by("position", "pk"))
        seats = (
            meeting.body.memberships.filter(in_force(meeting.day))
            .select_related("user", "organisation")
            .order_by("kind", "user__first_name", "user__last_name")
        )
        return {
            "kind": RecordKind.AGENDA,
            **_header(meeting),
            "called": [f"{s.user}, {s.organisation.name} ({s.get_kind_display()})" for s in seats],
            "items": _items(items, _item_lines(meeting, items)),
        }


def _agenda_lines(meeting: Meeting) -> dict[int, list[str]] | None:
    """The lines of the agenda as sent: what the meeting had in front of it."""
    sent = meeting.agenda_versions.order_by("-number").first()
    if sent is None:
        return None
    return {item["id"]: item["lines"] for item in sent.content.get("items", [])}


def minutes_content(meeting: Meeting) -> dict[str, Any]:
    """What the protokoll says: justering, attendance, items with notes, decisions, actions.

    The standing items' lines are those of the sent agenda (the meeting reviewed that list);
    without a sent agenda, those of the day the minutes are approved.
    """
    with translation.override(RECORD_LANGUAGE):
        items = list(meeting.items.select_related("organisation").order_by("position", "pk"))
        lines = _agenda_lines(meeting)
        if lines is None:
            lines = _item_lines(meeting, items)
        checkers = list(meeting.checkers.select_related("user").order_by("pk"))
        decisions = list(meeting.decisions.select_related("item", "case").order_by("number"))
        return {
            "kind": RecordKind.MINUTES,
            **_header(meeting),
            "chair": str(meeting.chair or ""),
            "secretary": str(meeting.secretary or ""),
            "checkers": [str(c.user) for c in checkers],
            "approved_on": [
                timezone.localdate(c.approved_at).isoformat() for c in checkers if c.approved_at
            ],
            "attendance": [
                (f"{a.user}, " if a.user_id else "")
                + f"{a.organisation.name} – {a.get_kind_display()}"
                + ((", " + (_("present") if a.present else _("absent"))) if a.user_id else "")
                for a in meeting.attendance.select_related("user", "organisation")
            ],
            "items": _items(items, lines),
            "decisions": [
                {
                    "reference": d.reference,
                    "item": d.item.position if d.item else None,
                    "kind": d.kind,
                    "case": d.case.reference if d.case else "",
                    "text": d.text,
                }
                for d in decisions
            ],
            "action_items": [
                {"title": a.title, "owner": str(a.owner), "due_date": a.due_date.isoformat()}
                for a in meeting.action_items.select_related("owner").order_by("pk")
            ],
        }


def render(
    content: dict[str, Any], *, number: int = 0, reason: str = "", history: Any = ()
) -> bytes:
    """The PDF of a record's content (number 0: a draft)."""
    with translation.override(RECORD_LANGUAGE):
        return record_pdf(
            content,
            number=number,
            reason=reason,
            history=[(v.number, v.created_at, v.reason) for v in history],
        )


def freeze(
    model: type[AgendaVersion] | type[MinutesVersion],
    *,
    meeting: Meeting,
    content: dict[str, Any],
    by: User,
    reason: str = "",
) -> AgendaVersion | MinutesVersion:
    """The next version of the record, rendered once, stored with its SHA-256."""
    earlier = list(model.objects.filter(meeting=meeting).order_by("number"))
    number = (model.objects.filter(meeting=meeting).aggregate(m=Max("number"))["m"] or 0) + 1
    version = model(meeting=meeting, number=number, reason=reason, content=content, created_by=by)
    version.full_clean(exclude=["meeting", "created_by", "pdf", "sha256"])
    version.created_at = timezone.now()
    version.pdf = render(content, number=number, reason=reason, history=earlier)
    version.sha256 = hashlib.sha256(version.pdf).hexdigest()
    version.save()
    return version


__all__ = ["agenda_content", "freeze", "minutes_content", "render"]
