"""HTML to PDF with WeasyPrint, imported on first use, with one font set-up per thread.

Importing WeasyPrint (its CSS engine, Pango and fontconfig bindings) costs about 0.6 s of CPU
and tens of MiB in each process that loads it, and most processes never render a PDF (a web
worker serving pages, a reminder worker, every `manage.py` command). So it is imported in the two
functions below, when a document is first rendered, not when the app loads.

WeasyPrint sets up fontconfig and Pango's font map for each document unless it is given a
FontConfiguration; one per thread (the object is not documented as thread-safe) is reused by every
render of that thread: the same bytes, about a fifth less CPU per document.

A render runs with Python's cyclic garbage collector paused (`sutohamu.collector`): WeasyPrint
allocates a few hundred thousand small boxes, styles and text runs per document, and each
collection they trigger walks every object the process holds (the app, and in the demo's seed
or a test process much more). Reference counting frees what a render drops; the first
collection after it finds any cycle it left.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings

from .collector import collector_paused

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_fonts = threading.local()


def _font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def html_to_pdf(html: str, **options: Any) -> bytes:
    """The document, its relative links (the static fonts and styles) resolved from the
    project's folder; `options` go to WeasyPrint's `write_pdf` (e.g. `pdf_tags`)."""
    from weasyprint import HTML

    with collector_paused():
        pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=_font_config(), **options
        )
    return pdf
