"""Measurements that are not page loads: PDFs, the reminder sweep. Printed as JSON.

Apps add theirs to `MEASURES` (name -> function returning a dict of figures).
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML

from accounts.models import User
from reminders import services as reminders
from reports import figures
from reports.models import Report, Scope
from reports.output import report_pdf as report_pdf_bytes
from reports.services import report_build, report_request

MEASURES: dict[str, Callable[[], dict[str, Any]]] = {}

PLAIN_PAGE = "<h1>Sida {n}</h1>" + "<p>Lorem ipsum dolor sit amet, consectetur.</p>" * 60


def plain_pdf_seconds(pages: int = 10) -> float:
    """WeasyPrint rendering a plain document of about ten pages: the PDF floor."""
    html = "".join(
        f'<section style="page-break-after: always">{PLAIN_PAGE.format(n=n)}</section>'
        for n in range(pages)
    )
    started = time.perf_counter()
    HTML(string=html).write_pdf()
    return time.perf_counter() - started


# The PDF renders in a child process with this budget: at the national scale the report has a
# section for each of 290 municipalities, and WeasyPrint ran past ten minutes and 6 GiB.
PDF_BUDGET_SECONDS = float(os.environ.get("BENCH_PDF_SECONDS", "240"))


def _render_pdf(report_pk: int, answer: Any) -> None:
    started = time.perf_counter()
    pdf = report_pdf_bytes(Report.objects.get(pk=report_pk))
    answer.put((time.perf_counter() - started, len(PdfReader(io.BytesIO(pdf)).pages)))


def report_pdf() -> dict[str, Any]:
    """The steering group's yearly report, figures and PDF, as the worker builds it."""
    by = User.objects.get(username="styrgrupp.sunne")
    period = figures.year(timezone.localdate().year - 1)
    report = report_request(by=by, scope=Scope.ALL, period=period)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report_build(report, with_pdf=False)
    out: dict[str, Any] = {
        "figures_seconds": round(time.perf_counter() - started, 2),
        "figures_queries": len(queries),
    }
    connection.close()  # the child opens its own
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    child = context.Process(target=_render_pdf, args=(report.pk, answer))
    child.start()
    child.join(PDF_BUDGET_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()
        out["pdf_unfinished_after_seconds"] = PDF_BUDGET_SECONDS
    else:
        seconds, pages = answer.get(timeout=5)
        # A section per municipality: the report is longer than the plain ten pages at scale.
        out.update({"pdf_seconds": round(seconds, 2), "pdf_pages": pages})
    out["pdf_peak_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return out


MEASURES["report"] = report_pdf


class _RolledBack(Exception):
    """Leaves the generated database as it was, so that the next run measures the same sweep."""


def reminder_sweep() -> dict[str, Any]:
    """The daily sweep over every item due today: its time, queries and what it found.

    Run in a transaction that is rolled back (the sweep records each reminder once, so a
    second run would find nothing); mail goes to memory (the console would mix with the JSON).
    """
    found: dict[str, Any] = {}
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        CaptureQueriesContext(connection) as queries,
    ):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                found = asdict(reminders.sweep())
                found["seconds"] = round(time.perf_counter() - started, 2)
                raise _RolledBack
        except _RolledBack:
            pass
    return {**found, "queries": len(queries)}


MEASURES["sweep"] = reminder_sweep


class Command(BaseCommand):
    help = "Print the benchmark's non-page measurements as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        plain_pdf_seconds(1)  # fonts loaded once, for both sides
        out: dict[str, Any] = {"plain_pdf_seconds": round(plain_pdf_seconds(), 2)}
        for name, measure in MEASURES.items():
            out.update({f"{name}_{k}": v for k, v in measure().items()})
        if "report_pdf_seconds" in out:
            out["pdf_ratio"] = round(out["report_pdf_seconds"] / out["plain_pdf_seconds"], 2)
            per_page = out["report_pdf_seconds"] / max(out["report_pdf_pages"], 1)
            out["pdf_ratio_per_page"] = round(per_page / (out["plain_pdf_seconds"] / 10), 2)
        self.stdout.write(json.dumps(out))
