"""The lägesbild history: rows per meeting and a small server-side chart per area (pygal SVG).

The chart is an image (<img>) beside a text alternative and the data table, drawn by the one
chart helper (sutohamu.charts), so it needs no script and no inline style on the page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from sutohamu import charts

from .choices import TREND_VALUE
from .models import SituationReport

AREAS: list[tuple[str, object]] = [
    ("andt", gettext_lazy("ANDT")),
    ("crime", gettext_lazy("Crime prevention")),
    ("vbe", gettext_lazy("Violent extremism")),
]


@dataclass(frozen=True)
class Row:
    report: SituationReport

    @property
    def day(self) -> datetime.date:
        return self.report.meeting.day

    def trend(self, area: str) -> str:
        return str(getattr(self.report, f"trend_{area}"))

    def label(self, area: str) -> str:
        return str(getattr(self.report, f"get_trend_{area}_display")())

    @property
    def trends(self) -> list[tuple[str, str]]:
        return [(area, self.label(area)) for area, _label in AREAS]


def history_rows(organisation: Organisation, *, limit: int) -> list[Row]:
    """The organisation's last `limit` pictures, oldest first."""
    reports = list(
        SituationReport.objects.filter(organisation=organisation)
        .select_related("meeting", "submitted_by")
        .order_by("-meeting__starts_at")[:limit]
    )
    return [Row(r) for r in reversed(reports)]


def latest_rows(organisations: list[Organisation], *, meetings: int) -> dict[int, list[Row]]:
    """Each organisation's pictures at the working group's last `meetings` meetings with any
    (two reads, whatever the number of organisations)."""
    recent = list(
        SituationReport.objects.filter(organisation__in=organisations)
        .order_by("-meeting__starts_at")
        .values_list("meeting_id", flat=True)
        .distinct()[: meetings * 3]
    )
    rows: dict[int, list[Row]] = {o.pk: [] for o in organisations}
    reports = (
        SituationReport.objects.filter(organisation__in=organisations, meeting_id__in=recent)
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    for report in reports:
        rows[report.organisation_id].append(Row(report))
    return {pk: found[-meetings:] for pk, found in rows.items()}


def describe(rows: list[Row], area: str) -> str:
    """The chart's text alternative: the trend at each meeting, in words."""
    if not rows:
        return _("No pictures yet.")
    return "; ".join(f"{r.day:%Y-%m-%d}: {r.label(area)}" for r in rows)


def trend_chart(organisation: Organisation, area: str, rows: list[Row]) -> bytes:
    label = str(dict(AREAS)[area])
    drawn = charts.chart(
        "line",
        key=f"trend-{organisation.pk}-{area}",
        title=f"{organisation.name}: {label}",
        width=420,
        height=180,
        range=(-1, 1),
        show_legend=False,
        y_labels=[-1, 0, 1],
        show_minor_x_labels=True,
        x_label_rotation=30,
        print_values=False,
    )
    drawn.y_labels_major = [-1, 0, 1]
    drawn.value_formatter = lambda v: {1: _("Rising"), 0: _("Unchanged"), -1: _("Falling")}.get(
        v, ""
    )
    drawn.x_labels = [f"{r.day:%Y-%m-%d}" for r in rows]
    drawn.add(label, [TREND_VALUE.get(r.trend(area), 0) for r in rows])
    return charts.render(drawn).encode()
