"""Celery task: a status report is built by a worker, never in the request."""

from __future__ import annotations

from celery import shared_task

from .access import report_to_build
from .services import report_build


@shared_task(name="reports.build_report")
def build_report(report_id: int) -> str:
    """Build one waiting report; a report already built (or gone) is left as it is."""
    report = report_to_build(report_id)
    if report is None:
        return "skipped"
    return report_build(report).status
