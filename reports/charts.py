"""Charts of a report, drawn on the server as SVG (pygal) from the published figures only.

Drawn by the one chart helper (sutohamu.charts: no script, no XML declaration, a fixed id, so that
the same figures draw the same chart). A suppressed figure is left out of the chart
(and said so in the text alternative); each chart has its data table on the page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sutohamu import charts

from .figures import TOTAL
from .present import Shown, Table

# A bar per municipality reads up to about this many (a county's 16); beyond (a national scale's
# 290) the chart of new cases is by area, each municipality's rows being in its own document.
BARS_UP_TO = 40

if TYPE_CHECKING:
    from pygal.graph.graph import Graph  # pygal is imported on the first chart (sutohamu.charts)


@dataclass
class Chart:
    key: str
    title: str
    alt: str
    svg: str

    @property
    def data_uri(self) -> str:
        """For an <img>: the page's Content-Security-Policy allows data: images, no inline code."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _chart(kind: str, key: str, title: str, **options: object) -> Graph:
    """The common chart (sutohamu.charts) with what a report's charts add: values and guides."""
    return charts.chart(
        kind,
        key=f"report-{key}",
        title=title,
        print_values=True,
        legend_at_bottom=True,
        show_y_guides=True,
        **options,
    )


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def new_cases_chart(shown: Shown) -> Chart | None:
    table = shown.table("cases_new")
    if table is None:
        return None
    if len(shown.municipalities) > BARS_UP_TO:
        return new_cases_by_area_chart(table)
    index = [c for c, _label in table.columns].index(TOTAL)
    rows = [r for r in table.rows if not r.is_total]
    title = _("New cases per municipality")
    drawn = _chart("bar", "cases_new", title, show_legend=False)
    drawn.x_labels = [r.label for r in rows]
    drawn.add(_("New cases"), [_number(r.cells[index]) for r in rows])
    parts = [f"{r.label}: {r.cells[index]}" for r in rows]
    alt = _("Bar chart. New cases per municipality: %(values)s.") % {"values": "; ".join(parts)}
    if any(_number(r.cells[index]) is None for r in rows):
        alt += " " + _("Suppressed figures are not drawn.")
    return Chart("cases_new", title, alt, charts.render(drawn))


def new_cases_by_area_chart(table: Table) -> Chart | None:
    """The whole report's new cases by area: a bar per municipality does not read at a
    national scale (their rows are in each municipality's document)."""
    title = _("New cases by area")
    drawn = _total_bars(table, "cases_new", title, _("New cases"))
    if drawn is None:
        return None
    chart, parts, suppressed = drawn
    alt = _("Bar chart. New cases by area, whole report: %(values)s.") % {"values": parts}
    if suppressed:
        alt += " " + _("Suppressed figures are not drawn.")
    return Chart("cases_new", title, alt, charts.render(chart))


def open_cases_chart(shown: Shown) -> Chart | None:
    table = shown.table("cases_open")
    title = _("Open cases at the end of the period, by state")
    drawn = None if table is None else _total_bars(table, "cases_open", title, _("Open cases"))
    if drawn is None:
        return None
    chart, parts, _suppressed = drawn
    alt = _("Bar chart. Open cases by state, whole report: %(values)s.") % {"values": parts}
    return Chart("cases_open", title, alt, charts.render(chart))


def _total_bars(table: Table, name: str, title: str, series: str) -> tuple[Graph, str, bool] | None:
    """A bar per column of the table's total row: the chart, its values as text for the
    alternative text, and whether a suppressed figure was left out; None without a total."""
    total = table.row(TOTAL)
    if total is None:
        return None
    columns = [(i, label) for i, (c, label) in enumerate(table.columns) if c != TOTAL]
    chart = _chart("bar", name, title, show_legend=False)
    chart.x_labels = [label for _i, label in columns]
    chart.add(series, [_number(total.cells[i]) for i, _label in columns])
    parts = "; ".join(f"{label}: {total.cells[i]}" for i, label in columns)
    suppressed = any(_number(total.cells[i]) is None for i, _label in columns)
    return chart, parts, suppressed


def trend_chart(shown: Shown, group: str) -> Chart:
    trend = shown.trend()
    title = _("Snabb start: trend") if group == "start_fast" else _("Långsiktighet: trend")
    drawn = _chart("line", f"trend_{group}", title)
    drawn.x_labels = trend["labels"]
    parts = []
    for series_group, name, texts, values in trend["series"]:
        if series_group != group:
            continue
        drawn.add(name, [float(v) if v is not None else None for v in values])
        parts.append(
            f"{name}: " + "; ".join(f"{p} {t}" for p, t in zip(trend["labels"], texts, strict=True))
        )
    alt = _("Line chart over the last five periods. %(values)s.") % {"values": ". ".join(parts)}
    return Chart(f"trend_{group}", title, alt, charts.render(drawn))


def charts_for(shown: Shown) -> list[Chart]:
    found = [new_cases_chart(shown), open_cases_chart(shown)]
    found += [trend_chart(shown, "start_fast"), trend_chart(shown, "last_long")]
    return [c for c in found if c is not None]
