"""The write path of status reports: asking for one, and building it.

Errors carry stable codes the tests assert: `scope_not_allowed`, `period_order`,
`period_too_long`; a build that fails the disclosure audit ends as `failed` with the error
`disclosure` and publishes nothing.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import figures
from .access import scopes_for
from .models import Report, ReportStatus
from .output import report_pdf
from .suppression import DisclosureError

if TYPE_CHECKING:
    from accounts.models import User

log = logging.getLogger(__name__)

MAX_PERIOD = datetime.timedelta(days=3 * 366)


def report_request(*, by: User, scope: str, period: figures.Period) -> Report:
    """Put a report in the archive as waiting; the caller queues the build (on commit)."""
    if scope not in scopes_for(by):
        raise ValidationError(
            _("You may not ask for a report of that scope."), code="scope_not_allowed"
        )
    if period.end < period.start:
        raise ValidationError(
            {"end": _("The period must end on or after its first day.")}, code="period_order"
        )
    if period.end - period.start > MAX_PERIOD:
        raise ValidationError(
            {"end": _("A report covers at most three years.")}, code="period_too_long"
        )
    report = Report(
        scope=scope,
        period_kind=period.kind,
        start=period.start,
        end=period.end,
        requested_by=by,
    )
    report.full_clean()
    report.save()
    return report


def _failed(report: Report, code: str) -> Report:
    """Nothing is published: no figures, no PDF, a stable code for the page."""
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error=code, figures="", digest="", finished_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def _progress(pk: int, percent: int) -> None:
    Report.objects.filter(pk=pk).update(progress=percent)


def report_build(report: Report, *, with_pdf: bool = True) -> Report:
    """Compute, audit and store the figures and the PDF; a refused audit publishes nothing.

    Without `with_pdf` (the demo) the PDF is drawn from the figures when it is downloaded.
    """
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, progress=5)
    period = figures.Period(report.period_kind, report.start, report.end)
    try:
        data = figures.build(report.scope, period, lambda p: _progress(report.pk, p))
    except DisclosureError as error:
        log.error("report %s refused by the disclosure audit: %s", report.pk, error)
        return _failed(report, "disclosure")
    report.figures = figures.canonical(data)
    report.digest = figures.digest(report.figures)
    _progress(report.pk, 80)
    try:
        report.pdf = report_pdf(report) if with_pdf else None
    except Exception:
        log.exception("report %s: the PDF could not be drawn", report.pk)
        return _failed(report, "pdf")
    report.status, report.progress, report.error = ReportStatus.DONE, 100, ""
    report.finished_at = timezone.now()
    with transaction.atomic():
        report.full_clean()
        report.save(
            update_fields=["figures", "digest", "pdf", "status", "progress", "error", "finished_at"]
        )
    return report
