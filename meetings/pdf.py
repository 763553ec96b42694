"""The agenda (kallelse) and the minutes (protokoll) as PDF (WeasyPrint, Debian's DejaVu fonts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from sutohamu.pdf import html_to_pdf


def _render(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, {**context, "printed": timezone.localtime()})
    return html_to_pdf(html)


def record_pdf(
    content: dict[str, Any], *, number: int, reason: str, history: list[tuple[Any, ...]]
) -> bytes:
    """An agenda or minutes from its frozen content only (meetings/records.py); no live rows."""
    template = (
        "meetings/pdf/agenda.html" if content["kind"] == "agenda" else "meetings/pdf/minutes.html"
    )
    return _render(
        template, {"doc": content, "number": number, "reason": reason, "history": history}
    )


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
