"""Retention (gallring): old closed cases keep their aggregate fields and lose everything else."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from cases.choices import CaseStatus, ReadKind
from cases.models import (
    Case,
    CaseRead,
    Consent,
    Escalation,
    Measure,
    Note,
    RetentionRecord,
    Subject,
    Transition,
)
from cases.models.followup import Contact, ContactKind
from cases.retention import REDACTED, apply_retention, cutoff, due_cases
from cases.services import note_add
from cases.tasks import apply_retention as retention_task
from tests.demo_objects import NMR_TITLE, nmr_case

pytestmark = pytest.mark.django_db


def _close_long_ago(case: Case, months: int = 25) -> None:
    """Closed `months` ago (written straight to the row: the life cycle stamps today)."""
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, status_changed_at=timezone.now() - relativedelta(months=months)
    )


@pytest.fixture
def old_case(demo) -> Case:
    case = nmr_case()
    coordinator = User.objects.get(username="samordnare.sunne")
    note_add(case=case, text="Rektorn följer upp med mentorerna.", by=coordinator)
    CaseRead.objects.create(user=coordinator, case=case, kind=ReadKind.PAGE)
    Transition.objects.create(
        case=case,
        from_status=case.status,
        to_status=CaseStatus.CLOSED,
        by=coordinator,
        reason="Avslutat efter samtal med Elev A.",
    )
    Contact.objects.create(
        case=case,
        on=timezone.localdate(),
        kind=ContactKind.MEETING,
        who="samordnare, elevhälsan",
        note="Eleven mår bättre.",
        recorded_by=coordinator,
    )
    _close_long_ago(case)
    return Case.objects.get(pk=case.pk)


def test_the_cutoff_keeps_the_day_or_the_month_end(settings):
    moment = datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)
    assert cutoff(moment).date() == datetime.date(2024, 3, 31)
    settings.RETENTION_MONTHS = 1
    assert cutoff(moment).date() == datetime.date(2026, 2, 28)
    settings.RETENTION_MONTHS = 15
    assert cutoff(moment).date() == datetime.date(2024, 12, 31)


def test_only_cases_closed_before_the_period_are_due(old_case, settings):
    assert list(due_cases()) == [old_case]
    settings.RETENTION_MONTHS = 26
    assert not due_cases().exists()


def test_a_dry_run_reports_and_changes_nothing(old_case, capsys):
    subjects = Subject.objects.filter(case=old_case).count()
    assert subjects > 0
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would reduce 1 case" in out and old_case.reference in out
    assert f"cases.subject.deleted: {subjects}" in out
    assert Subject.objects.filter(case=old_case).count() == subjects
    assert Case.objects.get(pk=old_case.pk).title == NMR_TITLE
    assert not RetentionRecord.objects.exists()


def test_retention_keeps_aggregates_and_removes_free_text_and_people(old_case):
    measure_kinds = sorted(Measure.objects.filter(case=old_case).values_list("kind", flat=True))
    escalations = Escalation.objects.filter(case=old_case).count()
    transitions = Transition.objects.filter(case=old_case).count()
    reads = CaseRead.objects.filter(case=old_case).count()
    subjects = Subject.objects.filter(case=old_case).count()
    closed_at = old_case.status_changed_at

    totals = retention_task()

    assert totals["cases"] == 1
    case = Case.objects.get(pk=old_case.pk)
    # The aggregate fields stay: reports still count the case.
    assert (case.reference, case.status, case.areas, case.setting, case.municipality_id) == (
        old_case.reference,
        CaseStatus.CLOSED,
        old_case.areas,
        old_case.setting,
        old_case.municipality_id,
    )
    assert case.reported_at == old_case.reported_at and case.status_changed_at == closed_at
    assert case.version == old_case.version + 1
    assert sorted(Measure.objects.filter(case=case).values_list("kind", flat=True)) == (
        measure_kinds
    )
    assert Escalation.objects.filter(case=case).count() == escalations
    assert Transition.objects.filter(case=case).count() == transitions
    assert CaseRead.objects.filter(case=case).count() == reads
    # The free text is gone, from the rows and from their history.
    assert (case.title, case.description) == (REDACTED, REDACTED)
    assert case.discovery in ("", REDACTED)
    assert not case.history.exclude(title=REDACTED).exists()
    assert not case.history.exclude(description=REDACTED).exists()
    assert not case.history.filter(history_change_reason__isnull=False).exists()
    texts = {"", REDACTED}
    for row in [*Measure.objects.filter(case=case), *Measure.history.filter(case=case)]:
        assert {row.description, row.outcome, row.responsible_unit} <= texts
    contact = Contact.objects.get(case=case)
    assert (contact.who, contact.note, contact.kind) == (REDACTED, REDACTED, ContactKind.MEETING)
    assert not Transition.objects.filter(case=case).exclude(reason="").exists()
    for escalation in Escalation.objects.filter(case=case):
        assert (escalation.reason, escalation.request) == (REDACTED, REDACTED)
        assert {escalation.answer, escalation.closing_note} <= texts
    # Pseudonyms, consents and notes are deleted with their whole history.
    for model in (Subject, Consent, Note):
        assert not model.objects.filter(case=case).exists()
        assert not model.history.filter(case_id=case.pk).exists()
    record = RetentionRecord.objects.get(case=case)
    assert record.closed_at == closed_at and record.months == 24 and record.by is None
    assert record.counts["cases.subject.deleted"] == subjects
    assert record.counts["cases.note.deleted"] >= 1
    assert "Elev" not in str(record.counts)
    # A second run finds nothing more to do.
    assert apply_retention().references == []


def test_a_run_in_batches_reduces_every_due_case_and_adds_up_their_counts(demo):
    """More cases due than one batch (the national first run exceeds PostgreSQL's parameter
    limit in one statement): every case is reduced, and the totals are the cases' sums."""
    cases = list(Case.objects.filter(municipality__code="SUN").order_by("pk")[:5])
    for case in cases:
        _close_long_ago(case)

    run = apply_retention(batch=2)

    assert sorted(run.references) == sorted(c.reference for c in cases)
    assert run.totals["cases"] == 5
    records = RetentionRecord.objects.filter(case__in=cases)
    assert records.count() == 5
    assert not Case.objects.filter(pk__in=[c.pk for c in cases]).exclude(title=REDACTED).exists()
    for kind, total in run.totals.items():
        if kind != "cases":
            assert total == sum(r.counts.get(kind, 0) for r in records), kind
