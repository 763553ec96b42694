"""Demo status reports: the last two half-years, built at once (no worker needed).

Asked for by the steering group's demo member. A re-run keeps what it made; on a later
half-year it builds the new half-year and drops the demo's report that fell out of the last two
(unless someone has read it), so the demo always holds two.

The cases' demo walks each case's history in one moment; before the reports are built, its
status changes are dated back to when they would have happened (between the case's reporting
and today, a closing no earlier than the end of the minimum follow-up period), so the reports of
past half-years show real figures. Only history rows move: every case's current state stays.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from cases.choices import CaseStatus
from cases.models import Case, FollowUpPlan, Transition
from cases.models.followup import minimum_end

from . import figures
from .models import PeriodKind, Report, ReportStatus, Scope
from .services import report_build, report_request

# A status change later than this before the seeding counts as made by the demo's walk.
WALKED_WITHIN = datetime.timedelta(hours=6)


def date_history(now: datetime.datetime | None = None) -> int:
    """Spread the walked status changes of every older case over its life; returns how many
    moved. A re-run moves nothing (they are no longer recent)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    recent = Transition.objects.filter(at__gte=now - WALKED_WITHIN)
    cases = Case.objects.filter(
        reported_at__lt=now - 2 * WALKED_WITHIN, pk__in=recent.values("case_id")
    ).values_list("pk", "reported_at")
    plans = dict(FollowUpPlan.objects.values_list("case_id", "started_on"))
    moved = 0
    for pk, reported in cases:
        steps = list(
            recent.filter(case_id=pk, at__gt=reported)
            .order_by("at", "pk")
            .values_list("pk", "to_status")
        )
        span = now - reported
        previous = reported
        for index, (step, to_status) in enumerate(steps, start=1):
            at = reported + span * index / (len(steps) + 1)
            if to_status == CaseStatus.CLOSED and pk in plans:
                earliest = datetime.datetime.combine(
                    minimum_end(plans[pk]), datetime.time(12), tzinfo=tz
                )
                at = max(at, earliest)
            at = min(max(at, previous + datetime.timedelta(minutes=1)), now)
            Transition.objects.filter(pk=step).update(at=at)
            previous = at
            moved += 1
    return moved


def seed() -> None:
    date_history()
    by = User.objects.filter(username="styrgrupp.sunne").first()
    if by is None:
        return
    periods = figures.last_half_years(timezone.localdate(), 2)
    ours = Report.objects.filter(requested_by=by, scope=Scope.ALL, period_kind=PeriodKind.HALF_YEAR)
    ours.exclude(start__in=[p.start for p in periods]).filter(downloads__isnull=True).delete()
    for period in reversed(periods):
        if not ours.filter(start=period.start, status=ReportStatus.DONE).exists():
            report_build(report_request(by=by, scope=Scope.ALL, period=period), with_pdf=False)
