"""How the reminders about a case's parts are made (`reminders.services.measures_overdue`,
`consents_expiring`): a measure past its planned end without an outcome, still planned or under
way, and a consent about to expire remind the case's owner while the owner still works the
municipality's cases; a closed case reminds nobody."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import CaseStatus, MeasureStatus
from reminders.models import Reminder, ReminderKind
from reminders.services import consents_expiring, measures_overdue, sweep
from tests.cases.factories import ConsentFactory, MeasureFactory
from tests.reminders.conftest import followup_case, make_town

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def reminders(kind: str) -> list[tuple[int, int, datetime.date]]:
    return sorted(
        Reminder.objects.filter(kind=kind).values_list("target_id", "recipient_id", "due_on")
    )


def test_a_measure_past_its_planned_end_without_an_outcome_reminds_the_owner(town):
    case = followup_case(town, days(40))
    late = MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
    planned = MeasureFactory(case=case, planned_end=days(-3), status=MeasureStatus.PLANNED)
    MeasureFactory(case=case, planned_end=TODAY, status=MeasureStatus.ONGOING)  # ends today
    MeasureFactory(case=case, planned_end=days(2), status=MeasureStatus.ONGOING)
    MeasureFactory(case=case, planned_end=days(-1), outcome="Klart.")
    sweep(TODAY)
    assert reminders(ReminderKind.MEASURE_OVERDUE) == sorted(
        [(late.pk, town.owner.pk, days(-1)), (planned.pk, town.owner.pk, days(-3))]
    )


@pytest.mark.parametrize("status", [MeasureStatus.DONE, MeasureStatus.CANCELLED])
def test_a_finished_measure_reminds_nobody(town, status):
    case = followup_case(town, days(40))
    MeasureFactory(case=case, planned_end=days(-5), status=status)
    sweep(TODAY)
    assert reminders(ReminderKind.MEASURE_OVERDUE) == []


def test_an_expiring_consent_reminds_the_owner_of_its_date(town):
    case = followup_case(town, days(40))
    consent = ConsentFactory(case=case, expires_on=days(10))
    sweep(TODAY)
    assert reminders(ReminderKind.CONSENT_EXPIRING) == [(consent.pk, town.owner.pk, days(10))]


def test_a_closed_case_reminds_nobody_of_its_measures_or_consents(town):
    case = followup_case(town, days(40))
    MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
    ConsentFactory(case=case, expires_on=days(10))
    case.status = CaseStatus.CLOSED
    case.save()
    sweep(TODAY)
    assert not Reminder.objects.exists()


def test_an_owner_who_no_longer_works_the_cases_is_not_reminded(town):
    case = followup_case(town, days(40))
    MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
    ConsentFactory(case=case, expires_on=days(10))
    town.owner.roles.update(end_date=days(-30), start_date=days(-100))
    sweep(TODAY)
    assert not Reminder.objects.filter(recipient=town.owner).exists()


def test_the_finders_read_a_batch_in_the_same_number_of_queries_for_one_case_or_many(town):
    def queries(finder) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = [due for batch in finder(TODAY, 100, None) for due in batch]
        return len(found), len(captured)

    case = followup_case(town, days(40))
    MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
    ConsentFactory(case=case, expires_on=days(10))
    # Per finder: the batch (rows with their case), the owners' roles, the empty next batch.
    one = queries(measures_overdue), queries(consents_expiring)
    for _ in range(4):
        other = followup_case(make_town(), days(40))
        MeasureFactory(case=other, planned_end=days(-1), status=MeasureStatus.ONGOING)
        ConsentFactory(case=other, expires_on=days(10))
    many = queries(measures_overdue), queries(consents_expiring)
    assert [found for found, _count in one] == [1, 1]
    assert [found for found, _count in many] == [5, 5]
    assert [count for _found, count in many] == [count for _found, count in one]


def test_the_finders_read_in_batches_of_the_size_asked(town):
    case = followup_case(town, days(40))
    for _ in range(3):
        MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
        ConsentFactory(case=case, expires_on=days(10))
    for finder in (measures_overdue, consents_expiring):
        assert [len(batch) for batch in finder(TODAY, 2, None)] == [2, 1]
