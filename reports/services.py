"""The write path of status reports: asking for one, building it, auditing the archive.

Errors carry stable codes the tests assert: `scope_not_allowed`, `period_not_on_grid`,
`already_in_archive` (a report of that scope and period is published, or being built); a build
that fails the disclosure audit ends as `failed` with the error `disclosure` and publishes
nothing; a published report that fails the archive's audit and cannot be built again safely is
withdrawn (`failed`, error `withdrawn`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import figures
from .access import scopes_for
from .figures import Linked
from .models import ALREADY_IN_ARCHIVE, PeriodKind, Report, ReportStatus
from .output import report_pdf
from .release import as_published, audit_published, is_current, linked_reports, release
from .suppression import DisclosureError

if TYPE_CHECKING:
    from accounts.models import User

log = logging.getLogger(__name__)

# Two reports of one calendar year are linked: they are stored one at a time, each only if the
# linked reports it was protected against are still all there are (pg advisory lock per year).
_YEAR_LOCK = 20_200_000
_ATTEMPTS = 3

SCOPE_NOT_ALLOWED = _("You may not ask for a report of that scope.")
PERIOD_NOT_ON_GRID = _("A report covers a calendar half-year or a calendar year.")


def report_request(*, by: User, scope: str, period: figures.Period) -> Report:
    """Put a report in the archive as waiting; the caller queues the build (on commit)."""
    if scope not in scopes_for(by):
        raise ValidationError(SCOPE_NOT_ALLOWED, code="scope_not_allowed")
    if not period.on_grid:
        raise ValidationError(PERIOD_NOT_ON_GRID, code="period_not_on_grid")
    report = Report(
        scope=scope,
        period_kind=period.kind,
        start=period.start,
        end=period.end,
        requested_by=by,
    )
    same = Report.objects.filter(
        scope=scope, period_kind=period.kind, start=period.start, end=period.end
    ).exclude(status=ReportStatus.FAILED)
    if same.exists():
        raise ValidationError(ALREADY_IN_ARCHIVE, code="already_in_archive")
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:  # ordered by someone else at the same moment
        raise ValidationError(ALREADY_IN_ARCHIVE, code="already_in_archive") from error
    return report


def _failed(report: Report, code: str) -> Report:
    """Nothing is published: no figures, no PDF, a stable code for the page."""
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED,
        error=code,
        figures="",
        digest="",
        pdf=None,
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def _progress(pk: int, percent: int) -> None:
    Report.objects.filter(pk=pk).update(progress=percent)


def _period(report: Report) -> figures.Period:
    return figures.Period(report.period_kind, report.start, report.end)


def _store(report: Report, data: dict, *, with_pdf: bool) -> Report:
    report.figures = figures.canonical(data)
    report.digest = figures.digest(report.figures)
    report.pdf = report_pdf(report) if with_pdf else None
    report.status, report.progress, report.error = ReportStatus.DONE, 100, ""
    report.finished_at = timezone.now()
    with transaction.atomic():
        report.full_clean()
        report.save(
            update_fields=["figures", "digest", "pdf", "status", "progress", "error", "finished_at"]
        )
    return report


def report_build(report: Report, *, with_pdf: bool = True) -> Report:
    """Compute, protect, audit and store the figures and the PDF; a refused audit publishes
    nothing. Without `with_pdf` (the demo) the PDF is drawn from the figures when downloaded."""
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.BUILDING, progress=5)
    period = _period(report)
    if not period.on_grid:
        return _failed(report, "withdrawn")
    for _attempt in range(_ATTEMPTS):
        group = linked_reports(period, exclude=report.pk)
        try:
            data = release(
                report.scope,
                period,
                lambda p: _progress(report.pk, p),
                linked=[as_published(r.figures_data) for r in group],
            )
        except DisclosureError as error:
            log.error("report %s refused by the disclosure audit: %s", report.pk, error)
            return _failed(report, "disclosure")
        _progress(report.pk, 80)
        with transaction.atomic():
            if connection.vendor == "postgresql":  # SQLite's IMMEDIATE transactions serialise
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s)", [_YEAR_LOCK + period.start.year]
                    )
            if [r.pk for r in linked_reports(period, exclude=report.pk)] != [r.pk for r in group]:
                continue  # a linked report was published meanwhile: protect against it too
            try:
                return _store(report, data, with_pdf=with_pdf)
            except Exception:
                log.exception("report %s: the PDF could not be drawn", report.pk)
        return _failed(report, "pdf")
    return _failed(report, "disclosure")


@dataclass
class ArchiveAudit:
    """What an audit of the archive found and did, by report id."""

    passed: list[int] = field(default_factory=list)
    rebuilt: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)


def reports_audit_archive() -> ArchiveAudit:
    """Audit every published report again, a calendar year (its linked reports) at a time; in a
    year that fails, build its reports again in the order they were published, each against
    those already kept, and withdraw a report that can no longer be protected."""
    outcome = ArchiveAudit()
    published = Report.objects.filter(status=ReportStatus.DONE).order_by("finished_at", "pk")
    for report in published.exclude(period_kind__in=[PeriodKind.YEAR, PeriodKind.HALF_YEAR]):
        _failed(report, "withdrawn")
        outcome.withdrawn.append(report.pk)
    years = sorted({r.start.year for r in published})
    for y in years:
        group = linked_reports(figures.year(y))
        if not group:
            continue
        try:
            if not all(is_current(r) for r in group):
                raise DisclosureError([r.digest for r in group if not is_current(r)])
            audit_published([as_published(r.figures_data) for r in group])
        except DisclosureError as error:
            log.warning("the archive's reports of %s failed the audit: %s", y, error)
        else:
            outcome.passed += [r.pk for r in group]
            continue
        kept: list[Linked] = []
        for report in group:
            try:
                data = release(report.scope, _period(report), linked=kept)
            except DisclosureError:
                _failed(report, "withdrawn")
                outcome.withdrawn.append(report.pk)
                continue
            _store(report, data, with_pdf=report.pdf is not None)
            kept.append(as_published(data))
            outcome.rebuilt.append(report.pk)
    return outcome
