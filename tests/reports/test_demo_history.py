"""The demo's history is dated when it happened, over the two years before today: status changes,
measures, escalations and contacts; so reports of past half-years show real figures, and pass
the release audit."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cases.choices import EscalationStatus
from cases.models import Case, Contact, Escalation, FollowUpPlan, Measure, Transition
from reports import figures
from reports.models import PeriodKind, Report, ReportStatus, Scope
from reports.services import report_build, report_request, reports_audit_archive

STEP_ORDER = ["", "reported", "assessing", "measures", "follow_up", "closed"]


def published(data: dict, key: str) -> list[int]:
    """The published counts of a table (hidden cells left out)."""
    table = next(t for t in data["tables"] if t["key"] == key)
    return [cell["v"] for line in table["cells"] for cell in line if cell["v"] is not None]


def test_status_changes_span_more_than_a_year_in_the_order_of_the_life_cycle(demo):
    moves = Transition.objects.exclude(from_status="")
    first = min(moves.values_list("at", flat=True))
    assert timezone.now() - first > datetime.timedelta(days=365)
    for case in Case.objects.prefetch_related("transitions"):
        steps = list(case.transitions.all())  # ordered by when
        assert steps[0].at == case.reported_at
        assert [STEP_ORDER.index(s.to_status) for s in steps] == sorted(
            STEP_ORDER.index(s.to_status) for s in steps
        )
        assert steps[-1].at == case.status_changed_at <= timezone.now()


def test_follow_up_starts_when_the_case_entered_it_and_closes_after_the_minimum_period(demo):
    closed = Transition.objects.filter(to_status="closed", case__early_closures__isnull=True)
    assert closed.count() > 0
    for move in closed.select_related("case"):
        plan = FollowUpPlan.objects.get(case=move.case)
        assert timezone.localtime(move.at).date() >= plan.minimum_end


def test_measures_escalations_and_contacts_are_dated_in_the_past(demo):
    today = timezone.localdate()
    starts = [m.planned_start for m in Measure.objects.select_related("case")]
    assert None not in starts
    assert today - min(d for d in starts if d) > datetime.timedelta(days=365)
    for measure in Measure.objects.select_related("case"):
        assert measure.case.transitions.filter(to_status="measures").exists()
        reported = timezone.localtime(measure.case.reported_at).date()
        assert measure.planned_start and measure.planned_start >= reported
    assert Escalation.objects.filter(created_at__date__lt=today - datetime.timedelta(days=30))
    assert Contact.objects.filter(on__lt=today - datetime.timedelta(days=60))


def test_escalations_happen_in_the_order_of_their_case_and_their_own_steps(demo):
    now = timezone.now()
    past = Escalation.objects.filter(created_at__lt=now - datetime.timedelta(days=60))
    assert past.count() >= 20
    assert past.filter(status=EscalationStatus.CLOSED).count() == past.count()
    # Current work stays: items wait for acknowledgement in the queues.
    assert Escalation.objects.filter(status=EscalationStatus.NEW).count() >= 3
    for item in Escalation.objects.select_related("case").prefetch_related("case__transitions"):
        moves = {t.to_status: t.at for t in item.case.transitions.all()}
        assert item.case.reported_at <= item.created_at <= now
        assert moves.get("assessing", item.case.reported_at) <= item.created_at
        steps = [item.created_at, item.acknowledged_at, item.answered_at, item.closed_at]
        done = [at for at in steps if at is not None]
        assert done == sorted(done) and done[-1] <= now
        if item.closed_at and "closed" in moves:
            assert item.closed_at <= moves["closed"]


def test_contacts_are_held_between_the_plans_start_and_the_cases_closure(demo):
    today = timezone.localdate()
    assert Contact.objects.count() >= 100
    for contact in Contact.objects.select_related("case__followup_plan"):
        assert contact.case.followup_plan.started_on <= contact.on <= today
        closed = contact.case.transitions.filter(to_status="closed").values_list("at", flat=True)
        if closed:
            assert contact.on <= timezone.localdate(closed[0])
    followed = Case.objects.filter(status__in=["follow_up", "closed"], followup_plan__isnull=False)
    assert followed.filter(contacts__isnull=True).count() == 0


def test_past_reports_of_the_demo_show_real_figures_and_pass_the_audit(demo):
    last, before = figures.last_half_years(timezone.localdate(), 2)
    for period in (last, before):  # the demo's own reports, audited when they were built
        report = Report.objects.get(
            scope=Scope.ALL, period_kind=PeriodKind.HALF_YEAR, start=period.start
        )
        assert report.status == ReportStatus.DONE
        data = report.figures_data
        assert sum(published(data, "cases_flow") + published(data, "cases_open")) > 0
        assert sum(published(data, "follow_up")) + sum(published(data, "contacts")) > 0
        assert sum(published(data, "escalations_kind")) > 0
        assert sum(published(data, "contacts")) > 0
    assert sum(published(Report.objects.get(start=last.start).figures_data, "cases_flow")) > 0
    by = Report.objects.get(start=last.start, scope=Scope.ALL).requested_by
    whole = figures.year(before.start.year)  # linked with the demo's half-year of that year
    for period in (before.previous(), whole):
        built = report_build(report_request(by=by, scope=Scope.ALL, period=period), with_pdf=False)
        assert built.status == ReportStatus.DONE  # the exact audit let it out
        assert sum(published(built.figures_data, "escalations_kind")) > 0
    assert sum(published(built.figures_data, "cases_flow")) > 0
    assert sum(published(built.figures_data, "cases_open")) > 0
    assert sum(published(built.figures_data, "contacts")) > 0
    # Every past report, audited again together with those linked to it, passes as it stands.
    outcome = reports_audit_archive()
    assert (len(outcome.passed), outcome.rebuilt, outcome.withdrawn) == (4, [], [])
