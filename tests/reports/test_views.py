"""Status report pages on the demo: who sees what, ordering and building, the PDF and the CSV
(parsed), the read log, and no case text anywhere in what is downloaded."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, cast

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, Subject
from reports import figures
from reports.models import DownloadKind, Report, ReportDownload, ReportStatus
from reports.panels import summary
from reports.present import Shown
from sutohamu.celery import app as celery_app
from sutohamu.kept import Kept
from sutohamu.spreadsheet import safe_cell


@pytest.fixture
def eager():
    """Tasks run in the request's process here; the real worker has its own (slow) test."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def demo_report() -> Report:
    return Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("-start").first()


# The demo report's PDF as the view gives it, by (report, figures' digest, requested at): the
# same report gives the same document, and rendering it takes seconds, so the tests that read
# it share one download per process.
_PDF_PAGES: dict[tuple[int, str, str], list[str]] = {}


def pdf_pages(client, report: Report) -> list[str]:
    """The text of each page of the report's PDF, downloaded through the view."""
    key = (report.pk, report.digest, report.requested_at.isoformat())
    if key not in _PDF_PAGES:
        response = client.get(reverse("reports:pdf", args=[report.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        _PDF_PAGES[key] = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    return _PDF_PAGES[key]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("styrgrupp.sunne", 200),
        ("samordnare.torsby", 200),
        ("lpo.chef", 200),
        ("lansstyrelsen", 200),
        ("agera", 200),
        ("admin", 403),
        ("dso", 403),
        ("rektor.sunne", 403),
        ("kommunpolis", 403),
    ],
)
def test_who_reads_status_reports(login, username, status):
    assert login(username).get(reverse("reports:archive")).status_code == status


def test_agera_sees_violent_extremism_only(login):
    client = login("agera")
    page = client.get(reverse("reports:archive")).content.decode()
    assert 'value="vbe"' in page and 'value="all"' not in page
    assert client.get(reverse("reports:detail", args=[demo_report().pk])).status_code == 404
    assert client.get(reverse("reports:pdf", args=[demo_report().pk])).status_code == 404
    refused = client.post(
        reverse("reports:archive"), {"scope": "all", "period_kind": "year", "year": 2025}
    )
    assert refused.status_code == 400
    assert not Report.objects.filter(requested_by__username="agera").exists()


def test_demo_holds_the_last_two_half_years(demo):
    done = Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("start")
    periods = [figures.Period(r.period_kind, r.start, r.end) for r in done]
    assert periods[-2:] == list(reversed(figures.last_half_years(timezone.localdate(), 2)))
    latest = summary(done[0].requested_by)["latest"]
    assert {r.pk for r in latest} >= {r.pk for r in done}


def test_order_build_show_and_download(login, eager, django_capture_on_commit_callbacks):
    client = login("styrgrupp.sunne")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:archive"), {"scope": "all", "period_kind": "year", "year": 2025}
        )
    report = Report.objects.get(requested_by__username="styrgrupp.sunne", period_kind="year")
    assert response.status_code == 302 and response.url == reverse(
        "reports:detail", args=[report.pk]
    )
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.pdf
    assert json.loads(report.figures)["period"] == figures.year(2025).as_dict()
    assert report.digest == figures.digest(report.figures)
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rapporten är beställd och tas fram." in html  # the order's message, once
    assert "<script" not in html.split("<main", 1)[1]
    assert html.count('src="data:image/svg+xml;base64,') == 4
    assert "Snabb start" in html and "Långsiktighet" in html
    pdf = client.get(reverse("reports:pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.get(reverse("reports:csv", args=[report.pk]))
    kinds = sorted(ReportDownload.objects.filter(report=report).values_list("kind", flat=True))
    assert kinds == sorted([DownloadKind.PAGE, DownloadKind.PDF, DownloadKind.CSV])


def test_progress_fragment_polls_then_asks_for_a_reload(login, demo):
    client = login("styrgrupp.sunne")
    waiting = Report.objects.create(
        scope="all",
        period_kind="year",
        start="2025-01-01",
        end="2025-12-31",
        requested_by=demo_report().requested_by,
        progress=40,
    )
    fragment = client.get(reverse("reports:progress", args=[waiting.pk]), HTTP_HX_REQUEST="true")
    assert "hx-get" in fragment.content.decode() and "HX-Refresh" not in fragment
    page = client.get(reverse("reports:detail", args=[waiting.pk]))
    assert page.status_code == 200 and "40" in page.content.decode()
    assert 'href="{}"'.format(reverse("reports:detail", args=[waiting.pk])) in page.content.decode()
    assert client.get(reverse("reports:pdf", args=[waiting.pk])).status_code == 409
    done = client.get(reverse("reports:progress", args=[demo_report().pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_custom_period_is_refused_in_swedish(login):
    client = login("styrgrupp.sunne")
    before = Report.objects.count()
    response = client.post(
        reverse("reports:archive"),
        {"scope": "all", "period_kind": "custom", "start": "2025-06-01", "end": "2025-01-01"},
    )
    assert response.status_code == 400
    assert Report.objects.count() == before
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert 'name="start"' not in response.content.decode()  # no free period on the form


def _case_texts() -> list[str]:
    texts = set()
    for title, description, discovery in Case.objects.values_list(
        "title", "description", "discovery"
    ):
        texts.update({title, description[:40], discovery[:40]} - {""})
    texts.update(Subject.objects.values_list("pseudonym", flat=True))
    return sorted(texts)


def test_pdf_summary_tables_and_no_case_text(login):
    """The whole report: cover, summary, the tables whole, the method; no section per
    municipality (each has a document of its own)."""
    report = demo_report()
    client = login("styrgrupp.sunne")
    pages = pdf_pages(client, report)
    text = "\n".join(pages)
    shown = Shown(json.loads(report.figures))
    # Cover, then numbered pages "n / N".
    assert "Sunne, Torsby, Hagfors" in pages[0]
    assert f"2 / {len(pages)}" in pages[1]
    assert f"{len(pages)} / {len(pages)}" in pages[-1]
    # Every municipality's row of the tables, in the tables; no page given to one municipality.
    for code, name in shown.municipalities:
        row = shown.table("cases_open").row(code)
        assert re.search(re.escape(name) + r"\s+" + r"\s+".join(map(re.escape, row.cells)), text)
        assert not any(p.startswith(name) for p in pages)
    # The method note and the figures' digest close the report.
    assert report.digest in pages[-1]
    total = shown.table("cases_new").row("total")
    assert re.search(r"\s+".join(re.escape(c) for c in total.cells), text)
    for secret in _case_texts():
        assert secret not in text, secret


def test_a_municipality_document_holds_its_rows_and_no_case_text(login):
    report = demo_report()
    client = login("styrgrupp.sunne")
    shown = Shown(json.loads(report.figures))
    code, name = shown.municipalities[0]
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    url = reverse("reports:municipality_pdf", args=[report.pk, code])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert f"-{code}.pdf" in response["Content-Disposition"]
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    text = "\n".join(pages)
    assert pages[0].startswith(name)
    for table in shown.tables:
        row = table.row(code)
        if row is not None:
            assert re.search(r"\s+".join(re.escape(c) for c in row.cells), text), table.key
    for _group, _key, label, value in shown.measure_rows(code):
        assert re.search(re.escape(label) + r"\s*" + re.escape(value), text), label
    assert report.digest in pages[-1]
    for secret in _case_texts():
        assert secret not in text, secret


def test_a_municipality_document_outside_the_report_or_the_role_is_refused(login):
    report = demo_report()
    code = Shown(json.loads(report.figures)).municipalities[0][0]
    missing = reverse("reports:municipality_pdf", args=[report.pk, "XX"])
    assert login("styrgrupp.sunne").get(missing).status_code == 404
    url = reverse("reports:municipality_pdf", args=[report.pk, code])
    assert login("dso").get(url).status_code == 403


def test_csv_holds_exactly_the_published_figures(login):
    report = demo_report()
    response = login("styrgrupp.sunne").get(reverse("reports:csv", args=[report.pk]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    shown = Shown(json.loads(report.figures))
    measures = {"start_fast", "last_long"}
    published = {(r[0], r[2], r[4]): r[6] for r in rows[1:] if r[4] and r[0] not in measures}
    for table in shown.tables:
        for row in table.rows:
            for (column, _label), cell in zip(table.columns, row.cells, strict=True):
                assert published.pop((table.key, row.key, column)) == cell
    assert not published
    # Figures that count no person (meetings, medskick, …) are the only small counts shown
    # (medians and percentiles of days, from at least ten values, are no counts).
    unprotected = {t.key for t in shown.tables if not t.protected}
    statistics = ("start_fast", "last_long", "trend_", "acknowledge_median_days")
    counts = [r for r in rows[1:] if not r[0].startswith(statistics)]
    assert not [
        r for r in counts if r[6].isdigit() and 0 < int(r[6]) < 5 and r[0] not in unprotected
    ]
    for secret in _case_texts():
        assert secret not in body, secret
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_neutralise_formula_cells():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-5") == "'-5" and safe_cell("@x") == "'@x" and safe_cell("+1") == "'+1"
    assert safe_cell("<5") == "<5"


def test_report_reads_for_the_data_protection_officer(login):
    report = demo_report()
    login("styrgrupp.sunne").get(reverse("reports:csv", args=[report.pk]))
    assert login("styrgrupp.sunne").get(reverse("reports:reads")).status_code == 403
    page = login("dso").get(reverse("reports:reads"))
    assert page.status_code == 200
    assert "styrgrupp.sunne" in page.content.decode()


def languages(kept: Kept[Any]) -> list[str]:
    """The languages a kept map holds a report's part in (its keys: report, digest, language)."""
    return sorted(cast(tuple, key)[2] for key in kept.snapshot())


def test_the_report_page_draws_its_charts_and_its_body_once_per_language(login):
    """Built figures never change, so the charts and the page's body (everything but who asked
    for the report and when) are kept; each language keeps its own."""
    from reports import output

    report = demo_report()
    client = login("styrgrupp.sunne")
    url = reverse("reports:detail", args=[report.pk])
    output._CHARTS.clear()
    output._BODIES.clear()
    page = client.get(url).content.decode()
    assert "Nya ärenden per kommun" in page and str(report.requested_by) in page
    kept, bodies = output._CHARTS.snapshot(), output._BODIES.snapshot()
    assert languages(output._CHARTS) == languages(output._BODIES) == ["sv"]
    main = page.split("<main", 1)[1]
    assert client.get(url).content.decode().split("<main", 1)[1] == main
    # the second view drew nothing new
    assert kept == output._CHARTS.snapshot() and bodies == output._BODIES.snapshot()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "New cases per municipality" in client.get(url).content.decode()
    assert languages(output._CHARTS) == languages(output._BODIES) == ["en", "sv"]


def test_page_pdf_and_csv_show_the_same_cells(login):
    """Every figure of every table, cell by cell: the CSV's row, the page's row and the PDF's
    row carry the same figures in the same order, ".." included."""
    report = demo_report()
    client = login("styrgrupp.sunne")
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("reports:csv", args=[report.pk])).content.decode()[1:]),
            delimiter=";",
        )
    )[1:]
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    pdf_text = "\n".join(pdf_pages(client, report))
    by_row: dict[tuple[str, str], list[str]] = {}
    for table, _title, row, _name, column, _cname, figure in rows:
        if column and table not in {"start_fast", "last_long"}:
            by_row.setdefault((table, row), []).append(figure)
    assert any(".." in figures_ for figures_ in by_row.values())
    for (table, row), cells in by_row.items():
        html_row = "".join(f"<td>{c}</td>" for c in cells)
        assert html_row in page, (table, row)
        assert re.search(r"\s+".join(re.escape(c) for c in cells), pdf_text), (table, row)


def test_a_document_drawn_on_download_is_kept_and_the_same_bytes_for_every_reader(login):
    """The demo's reports are built without their PDF: a download draws it (or finds it kept by
    this process), keeps it, and the next reader gets the same bytes without drawing."""
    from reports import output

    report = demo_report()
    assert not report.pdf
    url = reverse("reports:pdf", args=[report.pk])
    first = login("styrgrupp.sunne").get(url).content
    kept = output._DOCUMENTS.snapshot()
    assert first.startswith(b"%PDF") and kept[(report.pk, report.digest, "sv", "")] == first
    assert login("lansstyrelsen").get(url).content == first
    assert output._DOCUMENTS.snapshot() == kept
