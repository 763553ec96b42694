"""The report's documents when the municipalities are many (a national scale): the combined PDF
prints each table's total row and no municipality's row, a table too wide for a page one line
per column; each municipality's document holds its rows. The figures are the demo report's,
spread over more municipalities than the combined PDF prints whole (and as many responsible
organisations as columns), so that every printed figure can be found again."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reports.charts import BARS_UP_TO, charts_for
from reports.figures import TOTAL
from reports.models import Report, ReportStatus
from reports.output import municipality_pdf, report_pdf
from reports.present import COLUMNS_ACROSS_UP_TO, WHOLE_TABLES_UP_TO, Shown

MANY = max(WHOLE_TABLES_UP_TO, COLUMNS_ACROSS_UP_TO, BARS_UP_TO) + 5


def spread(figures: dict[str, Any], count: int) -> dict[str, Any]:
    """The figures with `count` municipalities: each new one takes an old one's rows, with every
    count raised by its number so that no two rows print alike; a table whose columns are
    municipalities (the responsible organisations) gets a column for each."""
    out = copy.deepcopy(figures)
    old = [m["code"] for m in figures["municipalities"]]
    codes = [f"X{i:03d}" for i in range(1, count + 1)]
    out["municipalities"] = [{"code": c, "name": f"Provkommun {c[1:]}"} for c in codes]

    def raised(cells: list[dict[str, Any]], by: int) -> list[dict[str, Any]]:
        return [
            {**c, "v": c["v"] + by} if isinstance(c.get("v"), int) and c.get("s") is None else c
            for c in cells
        ]

    for table in out["tables"]:
        rows = dict(zip(table["rows"], table["cells"], strict=True))
        if not set(rows) & set(old):
            continue
        if all(c in old or c == TOTAL for c in table["columns"]):
            width = len(table["columns"]) - 1
            table["columns"] = [*codes, TOTAL]
            rows = {
                r: [cells[i % width] for i in range(count)] + cells[-1:]
                for r, cells in rows.items()
            }
        table["rows"] = [*codes, TOTAL]
        table["cells"] = [raised(rows[old[i % len(old)]], 1000 * (i + 1)) for i in range(count)] + [
            rows[TOTAL]
        ]

    def per_row(node: Any) -> None:
        if isinstance(node, dict):
            if set(node) & set(old):
                first = node[next(c for c in old if c in node)]
                for c in old:
                    node.pop(c, None)
                node.update({c: copy.deepcopy(first) for c in codes})
            for value in node.values():
                per_row(value)
        elif isinstance(node, list):
            for value in node:
                per_row(value)

    per_row(out["measures"])
    return out


@pytest.fixture
def national(demo) -> Report:
    demo_report = (
        Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("-start").first()
    )
    figures = spread(json.loads(demo_report.figures), MANY)
    return Report.objects.create(
        scope=demo_report.scope,
        period_kind="half_year",
        start="2001-01-01",
        end="2001-06-30",
        status=ReportStatus.DONE,
        progress=100,
        requested_by=demo_report.requested_by,
        figures=json.dumps(figures, sort_keys=True),
        digest="a" * 64,
    )


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def in_order(*parts: str) -> str:
    return r"\s+".join(re.escape(p) for p in parts)


@translation.override("sv")
def test_the_combined_document_prints_the_totals_and_no_municipality_row(national):
    shown = Shown(json.loads(national.figures))
    assert not shown.whole_tables
    pages = texts(report_pdf(national))
    text = "\n".join(pages)
    assert "varje kommuns rader är ett eget dokument" in text
    wide = [t for t in shown.tables if len(t.columns) > COLUMNS_ACROSS_UP_TO]
    assert [t.key for t in wide] == ["measures_responsible"]
    for table in shown.tables:
        total = table.row(TOTAL)
        by_municipality = any(r.key in shown.names for r in table.rows)
        if table in wide:
            # One line per column: the organisation, then the whole report's total.
            for (_key, label), cell in zip(table.columns, total.cells, strict=True):
                assert re.search(in_order(label, cell), text), (table.key, label)
        elif by_municipality:
            assert re.search(in_order("Totalt", *total.cells), text), table.key
            for row in table.rows:
                if row.key in shown.names:
                    assert not re.search(in_order(row.label, *row.cells), text), row.key
                else:  # the total, and a partner's row (lägesbilder)
                    assert re.search(in_order(row.label, *row.cells), text), row.key
        else:
            for row in table.rows:
                assert re.search(in_order(*row.cells), text), (table.key, row.key)
    # Not a page of municipalities: the bar chart of new cases is by area.
    assert charts_for(shown)[0].title == "Nya ärenden per område"
    assert national.digest in pages[-1]


@translation.override("sv")
def test_a_municipality_document_prints_its_rows_at_any_scale(national):
    shown = Shown(json.loads(national.figures))
    code, name = shown.municipalities[-1]
    pages = texts(municipality_pdf(national, code))
    text = "\n".join(pages)
    assert pages[0].startswith(name)
    for table in shown.tables:
        row = table.row(code)
        if row is None:
            continue
        if len(table.columns) > COLUMNS_ACROSS_UP_TO:
            for (_key, label), cell in zip(table.columns, row.cells, strict=True):
                assert re.search(in_order(label, cell), text), (table.key, label)
        else:
            assert re.search(in_order(*row.cells), text), table.key
    for _group, _key, label, value in shown.measure_rows(code):
        assert re.search(re.escape(label) + r"\s*" + re.escape(value), text), label


def test_the_report_page_says_what_the_combined_document_holds(national, login):
    page = login("styrgrupp.sunne").get(reverse("reports:detail", args=[national.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "pdf:en för hela rapporten varje tabells summa" in text
    assert "hela tabellerna" not in text
