"""Charts of a report, drawn on the server as SVG (pygal) from the published figures only.

No JavaScript in the SVG (`js=[]`), no XML declaration, and a fixed id instead of pygal's random
one, so that the same figures draw the same chart. A suppressed figure is left out of the chart
(and said so in the text alternative); each chart has its data table on the page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from .figures import TOTAL
from .present import Shown

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#555555",
    # Dark enough against white for the 3:1 of WCAG 1.4.11, and apart from each other.
    colors=("#1d4e89", "#b5400b", "#2f6b2f", "#6a2c70", "#7a5c00"),
    font_family="DejaVu Sans, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)


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


def _config(title: str) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "height": 360,
        "print_values": True,
        "legend_at_bottom": True,
        "show_y_guides": True,
        "explicit_size": True,
    }


def _render(chart: pygal.graph.graph.Graph, key: str) -> str:
    chart.uuid = f"report-{key}"
    return chart.render(is_unicode=True)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def new_cases_chart(shown: Shown) -> Chart | None:
    table = shown.table("cases_new")
    if table is None:
        return None
    index = [c for c, _label in table.columns].index(TOTAL)
    rows = [r for r in table.rows if not r.is_total]
    title = _("New cases per municipality")
    chart = pygal.Bar(**_config(title), show_legend=False)
    chart.x_labels = [r.label for r in rows]
    chart.add(_("New cases"), [_number(r.cells[index]) for r in rows])
    parts = [f"{r.label}: {r.cells[index]}" for r in rows]
    alt = _("Bar chart. New cases per municipality: %(values)s.") % {"values": "; ".join(parts)}
    if any(_number(r.cells[index]) is None for r in rows):
        alt += " " + _("Suppressed figures are not drawn.")
    return Chart("cases_new", title, alt, _render(chart, "cases_new"))


def open_cases_chart(shown: Shown) -> Chart | None:
    table = shown.table("cases_open")
    if table is None:
        return None
    total = table.row(TOTAL)
    if total is None:
        return None
    columns = [(i, label) for i, (c, label) in enumerate(table.columns) if c != TOTAL]
    title = _("Open cases at the end of the period, by state")
    chart = pygal.Bar(**_config(title), show_legend=False)
    chart.x_labels = [label for _i, label in columns]
    chart.add(_("Open cases"), [_number(total.cells[i]) for i, _label in columns])
    parts = [f"{label}: {total.cells[i]}" for i, label in columns]
    alt = _("Bar chart. Open cases by state, whole report: %(values)s.") % {
        "values": "; ".join(parts)
    }
    return Chart("cases_open", title, alt, _render(chart, "cases_open"))


def trend_chart(shown: Shown, group: str) -> Chart:
    trend = shown.trend()
    title = _("Snabb start: trend") if group == "start_fast" else _("Långsiktighet: trend")
    chart = pygal.Line(**_config(title))
    chart.x_labels = trend["labels"]
    parts = []
    for series_group, name, texts, values in trend["series"]:
        if series_group != group:
            continue
        chart.add(name, [float(v) if v is not None else None for v in values])
        parts.append(
            f"{name}: " + "; ".join(f"{p} {t}" for p, t in zip(trend["labels"], texts, strict=True))
        )
    alt = _("Line chart over the last five periods. %(values)s.") % {"values": ". ".join(parts)}
    return Chart(f"trend_{group}", title, alt, _render(chart, f"trend_{group}"))


def charts_for(shown: Shown) -> list[Chart]:
    found = [new_cases_chart(shown), open_cases_chart(shown)]
    found += [trend_chart(shown, "start_fast"), trend_chart(shown, "last_long")]
    return [c for c in found if c is not None]
