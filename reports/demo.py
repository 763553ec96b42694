"""Demo status reports: the last two half-years, built at once (no worker needed).

Asked for by the steering group's demo member; a re-run on the same day keeps what it made, and
a re-run after a new half-year has begun adds that half-year's report.
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User

from . import figures
from .models import Report, ReportStatus, Scope
from .services import report_build, report_request


def seed() -> None:
    by = User.objects.filter(username="styrgrupp.sunne").first()
    if by is None:
        return
    for period in reversed(figures.last_half_years(timezone.localdate(), 2)):
        done = Report.objects.filter(
            scope=Scope.ALL, start=period.start, end=period.end, status=ReportStatus.DONE
        ).exists()
        if not done:
            report_build(report_request(by=by, scope=Scope.ALL, period=period), with_pdf=False)
