"""One date format per kind of place: ISO in tables and forms, long Swedish in running text.

`{% load formats %}` then `{{ day|table_date }}` (2026-11-25) or `{{ day|prose_date }}`
(25 november 2026 in Swedish, November 25, 2026 in English). Times keep the date's format and add
HH:MM. Empty values render as an en dash so that a table cell is never blank.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()
EMPTY = "–"


def _local(value: datetime.date | datetime.datetime) -> datetime.date | datetime.datetime:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def table_date(value: datetime.date | datetime.datetime | None, part: str = "") -> str:
    """ISO date; a moment also gets its local time unless `part` is "day"."""
    if not value:
        return EMPTY
    value = _local(value)
    if isinstance(value, datetime.datetime):
        if part == "day":
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


@register.filter
def prose_date(value: datetime.date | datetime.datetime | None) -> str:
    if not value:
        return EMPTY
    value = _local(value)
    text = date_format(value, "j F Y")
    if isinstance(value, datetime.datetime):
        text = f"{text} {value.strftime('%H:%M')}"
    return text


@register.filter
def reference(value: str) -> SafeString:
    """A case or decision reference that never breaks at its hyphens."""
    return format_html('<span class="ref">{}</span>', value)
