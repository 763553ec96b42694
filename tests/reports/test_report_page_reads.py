"""The report page reads a built report's figures only to draw its body, which each process keeps
by the report's digest: a kept body is shown without reading the figures (about 1.1 MB of JSON
for a national report) or the stored PDF, and shows the same."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import output
from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def test_a_kept_report_page_reads_neither_the_figures_nor_the_pdf(login):
    report = Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("-start")[0]
    client = login("styrgrupp.sunne")
    url = reverse("reports:detail", args=[report.pk])
    output._BODIES.clear()
    with CaptureQueriesContext(connection) as drawn:
        first = client.get(url).content.decode()
    # Drawn once: the figures read for it.
    assert any('"reports_report"."figures"' in q["sql"] for q in drawn.captured_queries)
    with CaptureQueriesContext(connection) as kept:
        second = client.get(url).content.decode()
    read = [q["sql"] for q in kept.captured_queries if '"reports_report"' in q["sql"]]
    assert read and not any('"figures"' in sql or '"pdf"' in sql for sql in read)
    assert "Nya ärenden per kommun" in second
    assert second.split("<main", 1)[1] == first.split("<main", 1)[1]
