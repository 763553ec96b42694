"""Celery tasks: a status report is built by a worker, never in the request; the archive is
audited again by a worker too."""

from __future__ import annotations

from celery import shared_task

from .access import report_to_build
from .services import report_build, reports_audit_archive


@shared_task(name="reports.build_report")
def build_report(report_id: int) -> str:
    """Build one waiting report; a report already built (or gone) is left as it is."""
    report = report_to_build(report_id)
    if report is None:
        return "skipped"
    return report_build(report).status


@shared_task(name="reports.audit_archive", time_limit=3600, soft_time_limit=3500)
def audit_archive() -> dict[str, int]:
    """Audit every published report again (after a rule or the data changed)."""
    outcome = reports_audit_archive()
    return {
        "passed": len(outcome.passed),
        "rebuilt": len(outcome.rebuilt),
        "withdrawn": len(outcome.withdrawn),
    }
