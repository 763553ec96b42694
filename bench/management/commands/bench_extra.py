"""Measurements that are not page loads: PDFs, the reminder sweep. Printed as JSON.

Apps add theirs to `MEASURES` (name -> function returning a dict of figures).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from weasyprint import HTML

from accounts.models import User
from reminders import services as reminders
from reports import figures
from reports.models import Report, Scope, StoredPeriod
from reports.services import report_build, report_request
from reports.suppression import load_solver

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


# The PDF renders in a process of its own (`bench_report_pdf`) with this budget: at the national
# scale, when the report had a section for each of 290 municipalities, WeasyPrint ran past ten
# minutes and 6 GiB. Its own process, its own peak (VmHWM): a forked child's peak counted the
# builder's heap (503.7 MiB at county; the rendering alone peaks near 182 MiB).
PDF_BUDGET_SECONDS = float(os.environ.get("BENCH_PDF_SECONDS", "240"))
MANAGE = settings.BASE_DIR / "manage.py"


class _RolledBack(Exception):
    """Leaves the generated database as it was, so that the next run measures the same work."""


def _figures(report: Report) -> tuple[float, int]:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report_build(report, with_pdf=False)
    return time.perf_counter() - started, len(queries)


def report_pdf() -> dict[str, Any]:
    """The steering group's yearly report, figures and PDF, as the worker builds it.

    The figures twice: first with no closed period's trend figures stored (in a transaction
    rolled back), then as a worker builds them, with those a build stored before (this one
    stores them when none are). The report is deleted at the end, so that the next run builds
    the same report against the same linked reports (a second published report of one scope
    and period would be a linked report of itself)."""
    by = User.objects.get(username="styrgrupp.sunne")
    period = figures.year(timezone.localdate().year - 1)
    scope = Scope.ALL
    out: dict[str, Any] = {}
    try:
        with transaction.atomic():
            StoredPeriod.objects.filter(scope=scope).delete()
            seconds, count = _figures(report_request(by=by, scope=scope, period=period))
            out.update({"figures_cold_seconds": round(seconds, 2), "figures_cold_queries": count})
            raise _RolledBack
    except _RolledBack:
        pass
    report = report_request(by=by, scope=scope, period=period)
    try:
        seconds, count = _figures(report)
        out.update({"figures_seconds": round(seconds, 2), "figures_queries": count})
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(MANAGE), "bench_report_pdf", str(report.pk)],
                check=True,
                capture_output=True,
                text=True,
                timeout=PDF_BUDGET_SECONDS,
            )
        except subprocess.TimeoutExpired:
            out["pdf_unfinished_after_seconds"] = PDF_BUDGET_SECONDS
        else:
            rendered = json.loads(done.stdout)
            out.update({f"pdf_{k}": v for k, v in rendered.items()})
            # The process whole (Django, WeasyPrint and its fonts set up, the document): what a
            # worker that starts to draw one takes; `pdf_seconds` is the document's alone.
            out["pdf_process_seconds"] = round(time.perf_counter() - started, 2)
    finally:
        Report.objects.filter(pk=report.pk).delete()
    return out


MEASURES["report"] = report_pdf


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
        load_solver()  # SciPy, as a Celery worker imports it when it boots (reports.apps)
        out: dict[str, Any] = {"plain_pdf_seconds": round(plain_pdf_seconds(), 2)}
        for name, measure in MEASURES.items():
            out.update({f"{name}_{k}": v for k, v in measure().items()})
        if "report_pdf_seconds" in out:
            out["pdf_ratio"] = round(out["report_pdf_seconds"] / out["plain_pdf_seconds"], 2)
            per_page = out["report_pdf_seconds"] / max(out["report_pdf_pages"], 1)
            out["pdf_ratio_per_page"] = round(per_page / (out["plain_pdf_seconds"] / 10), 2)
        self.stdout.write(json.dumps(out))
