"""The report page when the municipalities are many (a county's 16, a national scale's 290): above
the combined PDF's threshold (`WHOLE_TABLES_UP_TO`) it holds what that PDF holds (each table's
total row, a table too wide for a page one line per column) and a picker that opens one
municipality's page (its measures and its row of every table). The cooperation's own four keep
the page whole. The figures are the demo report's spread over many municipalities
(tests/reports/test_documents_at_scale.py), so that every printed figure can be found again."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import output
from reports.figures import TOTAL
from reports.forms import NOT_A_MUNICIPALITY
from reports.models import DownloadKind, Report, ReportDownload, ReportStatus
from reports.present import COLUMNS_ACROSS_UP_TO, WHOLE_TABLES_UP_TO, Shown

from .test_documents_at_scale import MANY, spread

pytestmark = pytest.mark.django_db


def demo_report() -> Report:
    return Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("-start").first()


def spread_report(count: int, *, year: int = 2001) -> Report:
    """A built report of the whole cooperation whose figures have `count` municipalities."""
    demo = demo_report()
    figures = spread(json.loads(demo.figures), count)
    return Report.objects.create(
        scope=demo.scope,
        period_kind="half_year",
        start=f"{year}-01-01",
        end=f"{year}-06-30",
        status=ReportStatus.DONE,
        progress=100,
        requested_by=demo.requested_by,
        figures=json.dumps(figures, sort_keys=True),
        digest=f"{year:064d}",
    )


@pytest.fixture
def national(demo) -> Report:
    return spread_report(MANY)


def row_html(label: str, cells: list[str]) -> str:
    """A table row as the page prints it: the row's heading, then its cells."""
    return f'<th scope="row">{label}</th>' + "".join(f"<td>{c}</td>" for c in cells)


def test_the_report_page_at_scale_holds_the_totals_and_no_municipality_row(national, login):
    shown = Shown(json.loads(national.figures))
    assert not shown.whole_tables
    response = login("styrgrupp.sunne").get(reverse("reports:detail", args=[national.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    wide = [t for t in shown.tables if len(t.columns) > COLUMNS_ACROSS_UP_TO]
    assert [t.key for t in wide] == ["measures_responsible"]
    for table in shown.tables:
        assert table.title in page, table.key
        total = table.row(TOTAL)
        if table in wide:
            # One line per column: the organisation, then the whole report's total.
            for (_key, label), cell in zip(table.columns, total.cells, strict=True):
                assert row_html(label, [cell]) in page, (table.key, label)
            for row in table.rows:
                if row.key != TOTAL:
                    assert row_html(row.label, row.cells) not in page, row.key
            continue
        for row in table.rows:
            if row.key in shown.names:
                assert row_html(row.label, row.cells) not in page, (table.key, row.key)
            else:  # the total, an area's row, a partner's row (lägesbilder)
                assert row_html(row.label, row.cells) in page, (table.key, row.key)
    # No section per municipality: a picker of every municipality instead, a plain GET form.
    assert 'id="m-' not in page
    picker = re.search(r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S)
    assert picker and picker.group(1) == reverse("reports:municipality", args=[national.pk])
    assert '<label for="report-municipality">Kommun</label>' in picker.group(2)
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', picker.group(2))
    assert options == shown.municipalities
    assert "pdf:en för hela rapporten varje tabells summa" in page
    assert "Tabellerna visar hela rapportens summor" in page


def test_the_cooperations_own_report_page_stays_whole(login):
    report = demo_report()
    shown = Shown(json.loads(report.figures))
    assert len(shown.municipalities) <= WHOLE_TABLES_UP_TO
    output._BODIES.clear()
    page = login("styrgrupp.sunne").get(reverse("reports:detail", args=[report.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for table in shown.tables:
        for row in table.rows:
            assert row_html(row.label, row.cells) in text, (table.key, row.key)
    for code, _name in shown.municipalities:
        assert f'id="m-{code}"' in text
    assert 'name="kommun"' not in text


def test_a_municipality_page_holds_its_rows_and_measures(national, login):
    shown = Shown(json.loads(national.figures))
    code, name = shown.municipalities[-1]
    client = login("styrgrupp.sunne")
    before = ReportDownload.objects.filter(report=national, kind=DownloadKind.PAGE).count()
    url = reverse("reports:municipality", args=[national.pk])
    response = client.get(url, {"kommun": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{name}: Lägesrapport" in page
    assert reverse("reports:municipality_pdf", args=[national.pk, code]) in page
    assert reverse("reports:csv", args=[national.pk]) in page
    tables = 0
    for table in shown.tables:
        row = table.row(code)
        if row is None:
            continue
        tables += 1
        if len(table.columns) > COLUMNS_ACROSS_UP_TO:
            for (_key, label), cell in zip(table.columns, row.cells, strict=True):
                assert row_html(label, [cell]) in page, (table.key, label)
        else:
            assert row_html(name, row.cells) in page, table.key
            assert row_html("Totalt", table.row(TOTAL).cells) not in page, table.key
    assert tables >= 5
    for _group, _key, label, value in shown.measure_rows(code):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label
    # Another municipality's rows are not on it.
    other, other_name = shown.municipalities[0]
    for table in shown.tables:
        row = table.row(other)
        if row is not None and len(table.columns) <= COLUMNS_ACROSS_UP_TO:
            assert row_html(other_name, row.cells) not in page, table.key
    # Read like the report page: logged once.
    after = ReportDownload.objects.filter(report=national, kind=DownloadKind.PAGE).count()
    assert after == before + 1
    # Kept: the second view reads neither the figures nor the PDF, and shows the same.
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url, {"kommun": code}).content.decode()
    read = [q["sql"] for q in kept.captured_queries if '"reports_report"' in q["sql"]]
    assert read and not any('"figures"' in sql or '"pdf"' in sql for sql in read)
    assert again.split("<main", 1)[1] == page.split("<main", 1)[1]


def test_a_municipality_the_report_lacks_is_a_404_that_names_nothing(national, login):
    client = login("styrgrupp.sunne")
    before = ReportDownload.objects.count()
    url = reverse("reports:municipality", args=[national.pk])
    response = client.get(url, {"kommun": "SUN"})  # the demo's, not this report's
    assert response.status_code == 404
    assert "SUN" not in response.content.decode().split("<main", 1)[-1]
    assert client.get(url, {"kommun": "Q999"}).status_code == 404
    assert ReportDownload.objects.count() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Detta fält måste fyllas i."),
        ("sun", NOT_A_MUNICIPALITY),
        ("<script>alert(1)</script>", None),
        ("' OR 1=1 --", NOT_A_MUNICIPALITY),
        ("X001\x00", "Null-tecken är inte tillåtna."),
        ("X" * 5000, None),
        ("../../X001", NOT_A_MUNICIPALITY),
    ],
)
def test_a_hostile_municipality_is_refused_in_swedish(national, login, value, message):
    client = login("styrgrupp.sunne")
    before = ReportDownload.objects.count()
    response = client.get(reverse("reports:municipality", args=[national.pk]), {"kommun": value})
    assert response.status_code == 400
    page = response.content.decode()
    alert = re.search(r'<div class="errorlist" role="alert">(.*?)</div>', page, re.S)
    assert alert and alert.group(1).strip()
    if message is not None:
        assert str(message) in alert.group(1)
    assert "<script>alert" not in page
    assert ReportDownload.objects.count() == before


def test_a_missing_choice_is_refused_in_swedish(national, login):
    response = login("styrgrupp.sunne").get(reverse("reports:municipality", args=[national.pk]))
    assert response.status_code == 400
    assert "Detta fält måste fyllas i." in response.content.decode()


@pytest.mark.parametrize(
    ("username", "status"),
    [("agera", 404), ("admin", 403), ("dso", 403), ("rektor.sunne", 403), (None, 302)],
)
def test_a_municipality_page_opens_through_the_reports_door_only(national, login, username, status):
    client = login(username)
    before = ReportDownload.objects.count()
    response = client.get(reverse("reports:municipality", args=[national.pk]), {"kommun": "X001"})
    assert response.status_code == status
    assert ReportDownload.objects.count() == before


def _queries(client, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_pages_read_as_many_statements_whatever_the_number_of_municipalities(demo, login):
    client = login("styrgrupp.sunne")
    client.get(reverse("reports:archive"))  # the session's first request reads more
    counts = []
    for count, year in [(MANY, 2001), (MANY * 3, 2002)]:
        report = spread_report(count, year=year)
        detail = reverse("reports:detail", args=[report.pk])
        one = reverse("reports:municipality", args=[report.pk])
        output._BODIES.clear()
        output._NAMES.clear()
        output._SECTIONS.clear()
        counts.append(
            (
                _queries(client, detail),  # drawn: the figures read
                _queries(client, detail),  # kept
                _queries(client, one, {"kommun": "X002"}),  # drawn
                _queries(client, one, {"kommun": "X002"}),  # kept
            )
        )
    assert counts[0] == counts[1]
    # Drawn, either page: the session, the person, their roles, the report; the read log (a
    # savepoint, its lock, the last seal, the insert, the release); the figures (only when the
    # page is drawn); the bell's unread counts; the request's savepoint and its release.
    assert max(counts[1]) <= 13


def test_a_drawn_page_is_shared_with_processes_that_have_not_drawn_it(national, login):
    """A body and a municipality's part, once drawn, are in Django's cache (Redis in production)
    too: a process that kept neither (here: this one, its kept values dropped) shows the same
    without reading the figures."""
    client = login("styrgrupp.sunne")
    pages = [
        (reverse("reports:detail", args=[national.pk]), {}),
        (reverse("reports:municipality", args=[national.pk]), {"kommun": "X003"}),
    ]
    drawn = [client.get(url, params).content.decode() for url, params in pages]
    output._BODIES.clear()
    output._SECTIONS.clear()
    output._NAMES.clear()
    for (url, params), first in zip(pages, drawn, strict=True):
        with CaptureQueriesContext(connection) as shared:
            again = client.get(url, params).content.decode()
        assert not any('"figures"' in q["sql"] for q in shared.captured_queries), url
        assert again.split("<main", 1)[1] == first.split("<main", 1)[1]
