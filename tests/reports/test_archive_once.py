"""A period's report of one scope is in the archive once: ordering it again is refused (409, in
Swedish) and saves nothing; only a failed one may be ordered anew."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from reports import figures
from reports.models import Report, ReportStatus
from reports.services import report_request


def published() -> Report:
    return Report.objects.filter(status=ReportStatus.DONE, scope="all").order_by("-start").first()


def order(client, report: Report):
    half = 1 if report.start.month == 1 else 2
    return client.post(
        reverse("reports:archive"),
        {
            "scope": report.scope,
            "period_kind": "half_year",
            "year": report.start.year,
            "half": half,
        },
    )


def test_ordering_a_published_report_again_is_refused_and_saves_nothing(login):
    first = published()
    before = (Report.objects.count(), first.digest, first.figures, first.status)
    response = order(login("styrgrupp.sunne"), first)
    assert response.status_code == 409
    assert "Arkivet har redan en rapport" in response.content.decode()
    first.refresh_from_db()
    assert (Report.objects.count(), first.digest, first.figures, first.status) == before


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.BUILDING])
def test_a_report_being_built_is_not_ordered_twice(demo, status):
    by = User.objects.get(username="styrgrupp.sunne")
    period = figures.year(2025)
    waiting = report_request(by=by, scope="all", period=period)
    Report.objects.filter(pk=waiting.pk).update(status=status)
    with pytest.raises(ValidationError) as refused:
        report_request(by=by, scope="all", period=period)
    assert refused.value.code == "already_in_archive"
    assert Report.objects.filter(start=period.start, end=period.end).count() == 1


def test_a_failed_report_may_be_ordered_anew(demo):
    by = User.objects.get(username="styrgrupp.sunne")
    period = figures.year(2025)
    failed = report_request(by=by, scope="all", period=period)
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, error="disclosure")
    again = report_request(by=by, scope="all", period=period)
    assert again.pk != failed.pk and again.status == ReportStatus.QUEUED


def test_the_database_keeps_one_report_per_scope_and_period_when_two_orders_meet(demo):
    first = published()
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            scope=first.scope,
            period_kind=first.period_kind,
            start=first.start,
            end=first.end,
            requested_by=first.requested_by,
        )
