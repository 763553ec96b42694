"""Demo status reports: the last two half-years, built at once (no worker needed).

Asked for by the steering group's demo member. A re-run keeps what it made; on a later
half-year it builds the new half-year and drops the demo's report that fell out of the last two
(unless someone has read it), so the demo always holds two.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User

from . import figures
from .models import PeriodKind, Report, ReportStatus, Scope
from .services import report_build, report_request


def seed() -> None:
    by = User.objects.filter(username="styrgrupp.sunne").first()
    if by is None:
        return
    periods = figures.last_half_years(timezone.localdate(), 2)
    ours = Report.objects.filter(requested_by=by, scope=Scope.ALL, period_kind=PeriodKind.HALF_YEAR)
    ours.exclude(start__in=[p.start for p in periods]).filter(downloads__isnull=True).delete()
    for period in reversed(periods):
        if not ours.filter(start=period.start, status=ReportStatus.DONE).exists():
            report_build(report_request(by=by, scope=Scope.ALL, period=period), with_pdf=False)
