"""A report as PDF (WeasyPrint) and as CSV, both from the stored, suppressed figures.

The PDF's metadata is fixed (title, dates from the report, identifier from the figures' digest),
so a report built again gives the same document; the CSV holds exactly the published cells.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sutohamu.fragments import shared_key
from sutohamu.kept import Kept
from sutohamu.pdf import html_to_pdf
from sutohamu.spreadsheet import safe_cell as spreadsheet_cell

from .charts import Chart, charts_for
from .present import Shown, period_label

if TYPE_CHECKING:
    from .models import Report


def shown_for(report: Report) -> Shown:
    return Shown(json.loads(report.figures))


# A built report's figures never change (their digest is stored), so its charts are drawn once
# per language and process: pygal took about 23 ms of the report page's 34 ms of rendering.
_CHARTS: Kept[list[Chart]] = Kept(32)


def charts_of(report: Report, shown: Shown) -> list[Chart]:
    if not report.digest:
        return charts_for(shown)
    return _CHARTS.get((report.pk, report.digest, get_language() or ""), lambda: charts_for(shown))


def context_for(report: Report, shown: Shown) -> dict[str, Any]:
    figures = shown.figures
    return {
        "report": report,
        "shown": shown,
        "period": period_label(figures["period"]),
        "tables": shown.tables,
        "printed_tables": shown.printed_tables(),
        "municipalities": shown.municipalities,
        "measures": shown.measure_rows(),
        "trend": shown.trend(),
        "acknowledge": shown.acknowledge_rows(),
        "charts": charts_of(report, shown),
        "limit": shown.limit,
        "minimum": shown.figures.get("statistic_minimum", shown.limit),
    }


# The report page's body (the figures, the charts, the tables, each municipality's section)
# depends on the built figures and the language only, so it is rendered once per report, digest
# and language and process: at county scale its template took about two thirds of the page's
# CPU. The head of the page (who asked for it, when) is rendered on every view. Above
# `WHOLE_TABLES_UP_TO` municipalities the body holds what the combined PDF holds (each table's
# total row, a municipality picker instead of a section per municipality): at 290 municipalities
# the whole body was about 1.6 MB and the page 0.09 of the floor.
_BODIES: Kept[SafeString] = Kept(32)
# A drawn body is also kept in Django's cache (Redis when REDIS_URL is set) under the same key and
# the templates' digest, so that a process that has not drawn it yet (a new web worker, another
# node) reads it there instead of parsing the figures: at 290 municipalities a first view drew
# for about half a second. A report's figures never change (the digest is in the key).
SHARED_SECONDS = 86400


def _shared(
    kept: Kept[SafeString], name: str, key: tuple[object, ...], render: Callable[[], SafeString]
) -> SafeString:
    """`render()` kept by this process (`kept`) and shared through Django's cache."""
    shared = shared_key(name, *key)

    def read_or_render() -> SafeString:
        html = cache.get(shared)
        if html is not None:
            return mark_safe(html)  # our template's output, as it was rendered
        drawn = render()
        cache.set(shared, str(drawn), timeout=SHARED_SECONDS)
        return drawn

    return kept.get(key, read_or_render)


def page_body(report: Report) -> SafeString:
    """The report page's body (templates/reports/includes/body.html) for a built report."""

    def render() -> SafeString:
        shown = shown_for(report)
        whole = shown.whole_tables
        context = {
            **context_for(report, shown),
            "tables": shown.tables if whole else shown.printed_tables(),
            "sections": shown.sections() if whole else [],
        }
        html = render_to_string("reports/includes/body.html", context)
        return mark_safe(html)  # our template's output, escaped as it was rendered

    if not report.digest:
        return render()
    return _shared(_BODIES, "report-body", (report.pk, report.digest, get_language() or ""), render)


# The municipalities of a built report (code -> name), and each municipality's part of the page
# (its row of every table, its measures), kept like the body: a municipality's page reads the
# figures once per process, and a code the report lacks is told from the kept names alone.
_NAMES: Kept[dict[str, str]] = Kept(32)
_SECTIONS: Kept[SafeString] = Kept(64)


def municipality_names(report: Report) -> dict[str, str]:
    """The report's municipalities, code -> name, in the figures' order."""
    if not report.digest:
        return dict(shown_for(report).municipalities)

    def read() -> dict[str, str]:
        shared = shared_key("report-names", report.pk, report.digest)
        names = cache.get(shared)
        if names is None:
            names = {m["code"]: m["name"] for m in json.loads(report.figures)["municipalities"]}
            cache.set(shared, names, timeout=SHARED_SECONDS)
        return dict(names)

    return _NAMES.get((report.pk, report.digest), read)


def municipality_body(report: Report, code: str) -> SafeString:
    """A municipality's part of a built report's page (templates/reports/includes/
    municipality.html): its measures and its row of every table, a table too wide for a page one
    line per column, as its document prints them. `code` must be one of the report's."""

    def render() -> SafeString:
        shown = shown_for(report)
        context = {
            "report": report,
            "shown": shown,
            "section": shown.section(code),
            "parts": shown.printed_section(code),
            "limit": shown.limit,
            "minimum": shown.figures.get("statistic_minimum", shown.limit),
        }
        return mark_safe(render_to_string("reports/includes/municipality.html", context))

    if not report.digest:
        return render()
    key = (report.pk, report.digest, get_language() or "", code)
    return _shared(_SECTIONS, "report-section", key, render)


# A document drawn on download (a municipality's; a whole report that was built without its PDF,
# as the demo's are) is the same bytes for every reader, so each process keeps the last few it
# drew: WeasyPrint takes about a second for the demo's report.
_DOCUMENTS: Kept[bytes] = Kept(8)


def _document(
    report: Report, template: str, context: Callable[[], dict], *, keep: bool, part: str = ""
) -> bytes:
    """A report's PDF: stamped with when it was ordered and identified by its digest, so that the
    same report gives the same bytes to every reader."""

    def draw() -> bytes:
        created = timezone.localtime(report.requested_at).replace(microsecond=0).isoformat()
        html = render_to_string(template, {**context(), "created": created})
        return html_to_pdf(html, pdf_identifier=report.digest[:32].encode() or None, pdf_tags=True)

    if not (keep and report.digest):
        return draw()
    return _DOCUMENTS.get((report.pk, report.digest, get_language() or "", part), draw)


def report_pdf(report: Report, *, keep: bool = False) -> bytes:
    """The whole report's document; `keep` for a download (the build stores its own copy)."""

    def context() -> dict:
        return context_for(report, shown_for(report))

    return _document(report, "reports/pdf/report.html", context, keep=keep)


def municipality_pdf(report: Report, code: str) -> bytes:
    """One municipality's document: its row of every table and its measures (the combined PDF
    holds the tables whole but no section per municipality, so it stays short at any scale)."""

    def context() -> dict:
        shown = shown_for(report)
        return {
            "report": report,
            "period": period_label(shown.figures["period"]),
            "section": shown.section(code),
            "parts": shown.printed_section(code),
            "limit": shown.limit,
            "minimum": shown.figures.get("statistic_minimum", shown.limit),
        }

    return _document(report, "reports/pdf/municipality.html", context, keep=True, part=code)


def report_csv(report: Report) -> str:
    """One line per published figure: table, row, column, the figure as shown on the page."""
    return figures_csv(json.loads(report.figures))


def _checked_once() -> Callable[[object], str]:
    """`safe_cell`, each distinct value (by type and value: 1 and True are two) checked once."""
    seen: dict[tuple[type, object], str] = {}

    def cell(value: object) -> str:
        try:
            return seen[type(value), value]
        except KeyError:
            text = seen[type(value), value] = spreadsheet_cell(value)
            return text
        except TypeError:  # not hashable: checked as it is
            return spreadsheet_cell(value)

    return cell


def figures_csv(figures: dict[str, Any]) -> str:
    """The CSV of a report's figures (what the release audit reads back)."""
    # Each distinct text checked once per CSV (its titles, labels, keys and figures repeat: a
    # national report's holds about a million cells, read back twice a build); the texts are
    # the figures' own, no case's, and are dropped with the CSV.
    safe_cell = _checked_once()
    shown = Shown(figures)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("table"),
            _("table title"),
            _("row"),
            _("row name"),
            _("column"),
            _("column name"),
            _("figure"),
        ]
    )
    for table in shown.tables:
        for row in table.rows:
            for (column, label), cell in zip(table.columns, row.cells, strict=True):
                writer.writerow(
                    [
                        safe_cell(x)
                        for x in (table.key, table.title, row.key, row.label, column, label, cell)
                    ]
                )
    for row_key, row_name in [*shown.municipalities, ("total", _("Total"))]:
        for group, key, label, value in shown.measure_rows(row_key):
            writer.writerow(
                [safe_cell(x) for x in (group, label, row_key, row_name, key, "", value)]
            )
    for label, value in shown.acknowledge_rows():
        writer.writerow(
            [
                safe_cell(x)
                for x in (
                    "acknowledge_median_days",
                    _("Median days to acknowledge an escalation"),
                    "",
                    label,
                    "",
                    "",
                    value,
                )
            ]
        )
    trend = shown.trend()
    for group, name, texts, _values in trend["series"]:
        for period, text in zip(trend["labels"], texts, strict=True):
            writer.writerow(
                [
                    safe_cell(x)
                    for x in (f"trend_{group}", name, "total", _("Total"), "", period, text)
                ]
            )
    return out.getvalue()
