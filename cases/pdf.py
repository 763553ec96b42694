"""The case summary as PDF (WeasyPrint); the caller logs the read."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from sutohamu.pdf import html_to_pdf

from .models import Case
from .selectors import flags_for
from .timeline import timeline


def case_pdf(case: Case) -> bytes:
    consents = list(case.consents.select_related("subject"))
    html = render_to_string(
        "cases/pdf/case.html",
        {
            "case": case,
            "subjects": case.subjects.select_related("residence"),
            "measures": case.measures.select_related("responsible"),
            "consents": consents,
            "entries": timeline(case),
            "flags": flags_for(case, consents),
            "printed": timezone.localtime(),
        },
    )
    return html_to_pdf(html)
