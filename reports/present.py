"""The stored figures as people read them: labels in the reader's language, suppression marks.

The page, the PDF and the CSV all read the figures through here, so they show exactly the same
suppressed figures. The figures themselves stay language-free (codes only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseStatus, EscalationKind, MeasureKind
from councils.choices import ActivityStatus, Area, PriorityOutcome

from .figures import TOTAL

# The one mark of a figure not published: a suppressed count, a statistic over too few values,
# a share whose counts are hidden. Zeros are published.
HIDDEN_MARK = ".."

TABLE_TITLES: dict[str, Promise] = {
    "cases_new": gettext_lazy("New cases by area"),
    "cases_flow": gettext_lazy("Cases reported, closed and reopened"),
    "cases_open": gettext_lazy("Open cases at the end of the period, by state"),
    "cases_open_area": gettext_lazy("Open cases at the end of the period, by area"),
    "escalations_kind": gettext_lazy("Escalations by receiver"),
    "measures_kind": gettext_lazy("Measures under way, by kind"),
    "measures_responsible": gettext_lazy("Measures under way, by responsible organisation"),
    "follow_up": gettext_lazy("Long-term follow-up: the counts behind the shares"),
    "contacts": gettext_lazy("Follow-up contacts held against planned"),
    "closures": gettext_lazy("Closures before the minimum follow-up period"),
    "meetings": gettext_lazy("Meetings held against planned"),
    "pictures": gettext_lazy("Lägesbilder submitted against expected"),
    "medskick": gettext_lazy("Medskick"),
    "priorities": gettext_lazy("Priorities by status"),
    "activities": gettext_lazy("Citizen promise activities by status"),
}

UNIT_LABELS: dict[str, Promise] = {
    "cases": gettext_lazy("cases"),
    "escalations": gettext_lazy("escalations"),
    "measures": gettext_lazy("measures"),
    "contacts": gettext_lazy("contacts"),
    "meetings": gettext_lazy("meetings"),
    "medskick": gettext_lazy("medskick"),
    "priorities": gettext_lazy("priorities"),
    "activities": gettext_lazy("activities"),
}


def _choices(*lists: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for choices in lists:
        out.update(dict(choices.choices))
    return out


COLUMN_LABELS: dict[str, Any] = {
    **_choices(Area, CaseStatus, EscalationKind, MeasureKind, PriorityOutcome, ActivityStatus),
    "new": gettext_lazy("Reported"),
    "closed": gettext_lazy("Closed"),
    "reopened": gettext_lazy("Reopened"),
    "sent": gettext_lazy("Sent"),
    "answered": gettext_lazy("Answered"),
    "open": gettext_lazy("Open at the end"),
    "in_follow_up": gettext_lazy("In follow-up"),
    "contacts_held": gettext_lazy("Contacts held"),
    "contacts_planned": gettext_lazy("Contacts planned"),
    "met_minimum": gettext_lazy("Closed after the minimum period"),
    "followed": gettext_lazy("Followed up"),
    "kept_cadence": gettext_lazy("Kept the cadence"),
    "with_decision": gettext_lazy("With a decision"),
    "without_decision": gettext_lazy("Without a decision"),
    "held": gettext_lazy("Held"),
    "planned": gettext_lazy("Planned"),
    "submitted": gettext_lazy("Submitted"),
    "expected": gettext_lazy("Expected"),
    TOTAL: gettext_lazy("Total"),
}
# The combined PDF prints the tables of municipalities whole while they are a few rows (the
# cooperation's four municipalities, and room for twice as many); with more (a county's 16, a
# national scale's 290) it is a summary: each table's total row, and each municipality's rows a
# document of their own, the report page and the CSV holding every row side by side. A table
# wider than fits across the page is printed one line per column. At the national scale the whole
# tables ran past 1.3 GiB within half a minute (WeasyPrint keeps every page's layout until the
# document is written); at county they were 13 pages, about 5 times the plain ten-page document.
WHOLE_TABLES_UP_TO = 8
COLUMNS_ACROSS_UP_TO = 20

# The first column of a table printed one line per column.
UNIT_HEADINGS: dict[str, Promise] = {
    "measures_responsible": gettext_lazy("Responsible organisation"),
}

# Area codes double as column keys; in a table the short name reads better.
SHORT_AREA = {
    Area.ANDT.value: gettext_lazy("ANDT"),
    Area.CRIME.value: gettext_lazy("Crime prevention"),
    Area.VBE.value: gettext_lazy("Violent extremism"),
}


def shown(cell: dict[str, Any], limit: int = 5) -> str:
    """A cell as published: the figure (one decimal for a share), or ".." when not published."""
    if cell.get("s") is not None or cell.get("v") is None:
        return HIDDEN_MARK
    value = cell["v"]
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)


@dataclass
class Row:
    key: str
    label: str
    cells: list[str]
    is_total: bool


@dataclass
class Table:
    key: str
    title: str
    unit: str
    protected: bool
    columns: list[tuple[str, str]]
    rows: list[Row]
    raw: dict[str, Any]
    # What the first column's rows are when they are not municipalities nor areas (a table
    # printed one line per column).
    heading: str = ""

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def wide(self) -> bool:
        return len(self.columns) > COLUMNS_ACROSS_UP_TO

    def only(self, kept: list[Row]) -> Table:
        """The table with `kept` rows only, one line per column if it is too wide for a page."""
        if not self.wide:
            return replace(self, rows=kept)
        return replace(
            self,
            columns=[(r.key, r.label) for r in kept],
            rows=[
                Row(key, label, [r.cells[i] for r in kept], key == TOTAL)
                for i, (key, label) in enumerate(self.columns)
            ],
            heading=str(UNIT_HEADINGS.get(self.key, "")),
        )


class Shown:
    """A report's figures, labelled, for templates, the PDF, the CSV and the charts."""

    def __init__(self, figures: dict[str, Any]) -> None:
        self.figures = figures
        self.limit = int(figures["threshold"])
        self.municipalities = [(m["code"], m["name"]) for m in figures["municipalities"]]
        self.names = dict(self.municipalities)
        self.tables = [self._table(t) for t in figures["tables"]]

    def label(self, key: str, table: dict[str, Any] | None = None) -> str:
        if table and key in table.get("labels", {}):
            return str(table["labels"][key])
        if key in self.names:
            return self.names[key]
        if key in SHORT_AREA:
            return str(SHORT_AREA[key])
        return str(COLUMN_LABELS.get(key, key))

    def _table(self, t: dict[str, Any]) -> Table:
        rows = [
            Row(r, self.label(r, t), [shown(c, self.limit) for c in line], r == TOTAL)
            for r, line in zip(t["rows"], t["cells"], strict=True)
        ]
        return Table(
            key=t["key"],
            title=str(TABLE_TITLES.get(t["key"], t["key"])),
            unit=str(UNIT_LABELS.get(t["unit"], t["unit"])),
            protected=bool(t["protected"]),
            columns=[(c, self.label(c, t)) for c in t["columns"]],
            rows=rows,
            raw=t,
        )

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def whole_tables(self) -> bool:
        """Whether the combined PDF prints the tables of municipalities whole."""
        return len(self.municipalities) <= WHOLE_TABLES_UP_TO

    def printed_tables(self) -> list[Table]:
        """The combined PDF's tables: whole (wide ones one line per column) while the
        municipalities are few, else without the municipalities' rows (each table's total
        row, and the rows of partners, areas and bodies as they are)."""
        if self.whole_tables:
            return [table.only(table.rows) for table in self.tables]
        return [
            table.only([r for r in table.rows if r.key not in self.names]) for table in self.tables
        ]

    def printed_section(self, code: str) -> list[Table]:
        """A municipality's row of every table that has municipality rows, as its document
        prints them: a table too wide for a page one line per column."""
        return [t.only([r]) for t in self.tables if (r := t.row(code)) is not None]

    def sections(self) -> list[dict[str, Any]]:
        """One section per municipality: its row of every table that has municipality rows."""
        return [self.section(code) for code, _name in self.municipalities]

    def section(self, code: str) -> dict[str, Any]:
        """A municipality's row of every table that has municipality rows, and its measures."""
        parts = [(t, r) for t in self.tables if (r := t.row(code)) is not None]
        return {
            "code": code,
            "name": self.names[code],
            "parts": parts,
            "measures": self.measure_rows(code),
        }

    # The two measures of success.

    def measure_rows(self, row: str = TOTAL) -> list[tuple[str, str, str, str]]:
        """(measure, key, label, published value) for one row of the current period."""
        current = self.figures["measures"]["current"]
        sf, ll = current["start_fast"], current["last_long"]
        lim = self.limit
        return [
            (
                "start_fast",
                "to_measure_median",
                _("Days to the first measure started, median"),
                shown(sf["to_measure"][row]["median"], lim),
            ),
            (
                "start_fast",
                "to_measure_p90",
                _("Days to the first measure started, 90th percentile"),
                shown(sf["to_measure"][row]["p90"], lim),
            ),
            (
                "start_fast",
                "to_acknowledged_median",
                _("Days to the first escalation acknowledged, median"),
                shown(sf["to_acknowledged"][row]["median"], lim),
            ),
            (
                "start_fast",
                "to_acknowledged_p90",
                _("Days to the first escalation acknowledged, 90th percentile"),
                shown(sf["to_acknowledged"][row]["p90"], lim),
            ),
            (
                "last_long",
                "months_in_follow_up",
                _("Months in follow-up, median"),
                shown(ll["months_in_follow_up"][row], lim),
            ),
            (
                "last_long",
                "met_minimum",
                _("Closed cases that met the minimum follow-up period, per cent"),
                shown(ll["met_minimum"][row], lim),
            ),
            (
                "last_long",
                "kept_cadence",
                _("Cases whose follow-up kept its cadence, per cent"),
                shown(ll["kept_cadence"][row], lim),
            ),
        ]

    def trend(self) -> dict[str, Any]:
        """The five periods, oldest first, with each measure's published values and numbers."""
        periods = self.figures["measures"]["trend"]
        labels = [period_label(p["period"]) for p in periods]
        series: list[tuple[str, str, list[dict[str, Any]]]] = [
            (
                "start_fast",
                _("Days to the first measure started, median"),
                [p["start_fast"]["to_measure"][TOTAL]["median"] for p in periods],
            ),
            (
                "start_fast",
                _("Days to the first escalation acknowledged, median"),
                [p["start_fast"]["to_acknowledged"][TOTAL]["median"] for p in periods],
            ),
            (
                "last_long",
                _("Months in follow-up, median"),
                [p["last_long"]["months_in_follow_up"][TOTAL] for p in periods],
            ),
            (
                "last_long",
                _("Closed cases that met the minimum follow-up period, per cent"),
                [p["last_long"]["met_minimum"][TOTAL] for p in periods],
            ),
            (
                "last_long",
                _("Cases whose follow-up kept its cadence, per cent"),
                [p["last_long"]["kept_cadence"][TOTAL] for p in periods],
            ),
        ]
        return {
            "labels": labels,
            "series": [
                (group, name, [shown(c, self.limit) for c in cells], [c["v"] for c in cells])
                for group, name, cells in series
            ],
        }

    def acknowledge_rows(self) -> list[tuple[str, str]]:
        data = self.figures["acknowledge_median_days"]["by_kind"]
        return [(self.label(k), shown(v, self.limit)) for k, v in data.items()]


def period_label(period: dict[str, str]) -> str:
    start, end = period["start"], period["end"]
    if period["kind"] == "half_year":
        half = 1 if start[5:7] == "01" else 2
        return _("%(year)s, half-year %(half)s") % {"year": start[:4], "half": half}
    if period["kind"] == "year":
        return start[:4]
    return f"{start} – {end}"  # a withdrawn custom period of the old archive
