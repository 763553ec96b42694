"""The release audit: the attacker reads the report as published, with its linked reports.

A report is released only when an integer-programming attacker (reports/suppression.py) that
reads its CSV, and the CSVs of every linked report already published (the same calendar year,
both scopes), can neither pin a hidden count to one value nor prove a count smaller than the
threshold. The archive is audited again the same way (`audit_archive`): a year whose published
reports fail is built again, report by report in the order they were published, and a report
that can no longer be protected is withdrawn.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Sequence
from typing import Any

from django.utils import translation

from sutohamu.collector import collector_paused

from . import figures
from .figures import SHARES, Linked, Period, share_cells
from .models import PeriodKind, Report, ReportStatus
from .output import figures_csv
from .suppression import Ratio, audit, consistent
from .suppression import threshold as _threshold

HIDDEN = ".."
# A share shown with one decimal lies within ±0.05 of the true per cent.
SHARE_HALF_WIDTH = 0.05


def as_published(data: dict[str, Any]) -> Linked:
    """What a reader learns from a report's CSV: its counts, its hidden cells and its shares."""
    with translation.override("sv"):
        text = figures_csv(data)
    values: dict[str, int] = {}
    hidden: set[str] = set()
    ratios: list[Ratio] = []
    reader = csv.reader(io.StringIO(text), delimiter=";")
    next(reader)
    for table, _title, row, _row_name, column, _column_name, figure in reader:
        if table in ("start_fast", "last_long"):  # medians, percentiles and shares
            if column in SHARES and figure != HIDDEN:
                num, den = share_cells(column, row)
                value = float(figure.replace(",", "."))
                ratios.append(Ratio(num, den, value, SHARE_HALF_WIDTH))
            continue
        if not column or table.startswith(("start_fast", "trend_", "acknowledge")):
            continue
        key = f"{table}|{row}|{column}"
        if figure == HIDDEN:
            hidden.add(key)
        elif figure.isdigit():
            values[key] = int(figure)
        else:  # an old mark ("<5" or the secondary one) is hidden too
            hidden.add(key)
    period = data["period"]
    return Linked(
        scope=data["scope"],
        period=Period(
            period["kind"],
            datetime.date.fromisoformat(period["start"]),
            datetime.date.fromisoformat(period["end"]),
        ),
        values=values,
        hidden=frozenset(hidden),
        ratios=tuple(ratios),
    )


def linked_reports(period: Period, exclude: int | None = None) -> list[Report]:
    """The published reports linked to `period` (its calendar year's), oldest first."""
    found = Report.objects.filter(
        status=ReportStatus.DONE,
        period_kind__in=[PeriodKind.YEAR, PeriodKind.HALF_YEAR],
        start__year=period.start.year,
    ).order_by("finished_at", "pk")
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found)


def audit_published(
    published: Sequence[Linked], joint: figures.LinkedSystem | None = None
) -> dict[str, tuple[int, int]]:
    """The audit of reports as published: for each hidden cell (keys prefixed by each report's
    tag), the least and greatest value found that the attacker cannot rule out (inside its exact
    interval; `suppression.audit`). Raises DisclosureError when one is pinned or a count proved
    small.

    What the attacker knows comes from `published` (the CSVs) only, less any figure that
    today's counts no longer meet (its report published before its data changed:
    `suppression.consistent`); `joint`, the cells over the units that a build already worked
    out, saves reading them again."""
    if joint is None:
        joint = figures.linked_system(figures.municipalities(), None, figures.Draft(), published)
    # A figure that today's counts no longer meet (its report's data changed since) is left
    # out, as in the build (`suppression.consistent`); every figure still true is read.
    values, hidden, ratios = consistent(joint.system, *figures.knowledge(published))
    return audit(
        joint.system, values, hidden, ratios, _threshold(), joint.unmarked, joint.witnesses
    )


def release(
    scope: str,
    period: Period,
    progress: figures.Progress | None = None,
    *,
    linked: Sequence[Linked] = (),
    protected: bool = True,
) -> dict[str, Any]:
    """The figures of a report, built against the linked reports and audited as published."""
    with collector_paused():
        data, joint = figures.build_joint(
            scope, period, progress, linked=linked, protected=protected
        )
        audit_published([*linked, as_published(data)], joint)
    return data


def is_current(report: Report) -> bool:
    """Built by today's rules: a period of the grid and figures of the current format."""
    period = Period(report.period_kind, report.start, report.end)
    return period.on_grid and json.loads(report.figures or "{}").get("format") == figures.FORMAT
