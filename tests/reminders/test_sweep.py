"""The sweep at the service level: who is reminded of what, once; e-mail through the outbox,
without case text; the digest; a constant number of queries per batch."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.models import Notification
from accounts.notifications import visible_to
from cases.choices import EscalationStatus, MeasureStatus
from cases.models import Case, Escalation, FollowUpPlan
from reminders.models import Channel, Reminder, ReminderKind, ReminderPreference
from reminders.services import send_digests, send_pending, sweep
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import ConsentFactory, MeasureFactory
from tests.councils.factories import MunicipalityFactory
from tests.reminders.conftest import SECRET_TEXT, SECRET_TITLE, followup_case, make_town

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def sweep_and_send(day: datetime.date = TODAY):
    """The sweep, then the outbox's e-mails sent here (a worker's tasks do it in production)."""
    result = sweep(day)
    send_pending()
    return result


def test_a_contact_due_in_three_days_reminds_the_owner_once_in_app_and_by_mail(town):
    case = followup_case(town, days(3))
    followup_case(town, days(5))  # not yet, nor tomorrow
    result = sweep_and_send()
    assert (result.recorded, result.delivered, result.emailed) == (1, 1, 1)
    note = Notification.objects.get(user=town.owner)
    assert note.kind == "reminders.followup_due" and case.reference in note.message
    assert [m.to for m in mail.outbox] == [["owner@example.se"]]
    assert case.reference in mail.outbox[0].subject
    # Again the same day, and the next day (same due date): nothing more.
    sweep_and_send()
    sweep_and_send(days(1))
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert len(mail.outbox) == 1


def test_no_case_text_in_any_mail(town):
    followup_case(town, days(1))
    followup_case(town, days(-10))
    sweep_and_send()
    assert len(mail.outbox) == 3  # due; overdue to the owner and, after a week, the colleague
    for message in mail.outbox:
        text = f"{message.subject}{message.body}"
        assert SECRET_TITLE not in text and SECRET_TEXT not in text
        assert "/arenden/" in text


def test_overdue_goes_to_the_owner_and_after_a_week_to_the_other_coordinators(town):
    followup_case(town, days(-2))
    sweep(TODAY)
    assert set(Reminder.objects.values_list("kind", "recipient")) == {
        (ReminderKind.FOLLOWUP_OVERDUE, town.owner.pk)
    }
    followup_case(town, days(-7))
    sweep(TODAY)
    assert Reminder.objects.filter(recipient=town.colleague).count() == 1


def test_nothing_is_sent_to_someone_who_can_no_longer_reach_the_case(town):
    followup_case(town, days(2))
    town.owner.roles.update(end_date=days(-1), start_date=days(-100))
    sweep_and_send()
    assert not Reminder.objects.exists() and not mail.outbox


def test_a_notification_disappears_when_the_case_is_out_of_reach(town):
    followup_case(town, days(2))
    sweep(TODAY)
    assert visible_to(town.owner).count() == 1
    town.owner.roles.update(end_date=days(-1), start_date=days(-100))
    town.owner.__dict__.pop("_active_roles_cache", None)
    assert visible_to(town.owner).count() == 0


def test_in_app_only_sends_no_mail_and_the_digest_groups_a_days_reminders(town):
    ReminderPreference.objects.create(
        user=town.owner, kind=ReminderKind.FOLLOWUP_DUE, channel=Channel.IN_APP
    )
    for kind in (ReminderKind.FOLLOWUP_OVERDUE, ReminderKind.MEASURE_OVERDUE):
        ReminderPreference.objects.create(user=town.owner, kind=kind, channel=Channel.DIGEST)
    followup_case(town, days(1))
    overdue = followup_case(town, days(-1))
    other = followup_case(town, days(-3))
    MeasureFactory(case=overdue, planned_end=days(-5), status=MeasureStatus.ONGOING)
    sweep_and_send()
    assert Notification.objects.filter(user=town.owner).count() == 4
    assert mail.outbox == []
    assert len(send_digests(TODAY)) == 1
    send_pending()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert overdue.reference in body and other.reference in body
    assert body.count("/arenden/") == 3
    assert send_digests(TODAY) == [] and send_pending() == 0 and len(mail.outbox) == 1


def test_measures_without_outcome_and_expiring_consents_remind_the_owner(town):
    case = followup_case(town, days(40))
    MeasureFactory(case=case, planned_end=days(-1), status=MeasureStatus.ONGOING)
    MeasureFactory(case=case, planned_end=days(-1), outcome="Klart.", status=MeasureStatus.ONGOING)
    ConsentFactory(case=case, expires_on=days(30))
    ConsentFactory(case=case, expires_on=days(31))
    sweep(TODAY)
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == [
        ReminderKind.CONSENT_EXPIRING,
        ReminderKind.MEASURE_OVERDUE,
    ]


def test_an_unacknowledged_escalation_reminds_the_receiver_then_the_sender(town):
    case = followup_case(town, days(60))
    neighbour = MunicipalityFactory()
    receiver = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=neighbour).user
    created = datetime.datetime(2026, 11, 16, 10, tzinfo=datetime.UTC)  # a Monday
    escalation = Escalation.objects.create(
        case=case,
        receiver=neighbour,
        kind="neighbour",
        reason="Flytt.",
        request="Följ upp.",
        created_by=town.owner,
        created_at=created,
        status=EscalationStatus.NEW,
    )
    sweep(datetime.date(2026, 11, 20))  # four working days: nothing yet
    assert not Reminder.objects.exists()
    sweep(datetime.date(2026, 11, 23))
    assert list(Reminder.objects.values_list("recipient", flat=True)) == [receiver.pk]
    sweep(datetime.date(2026, 11, 30))
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {receiver.pk, town.owner.pk}
    Escalation.objects.filter(pk=escalation.pk).update(status=EscalationStatus.ACKNOWLEDGED)
    sweep(datetime.date(2026, 12, 7))
    assert Reminder.objects.count() == 2


def build_due(town, n: int) -> None:
    """n cases in follow-up due in two days, in bulk."""
    cases = Case.objects.bulk_create(
        Case(
            reference=f"{town.municipality.code}-2001-{i:04d}",
            municipality=town.municipality,
            year=2001,
            number=i,
            areas=",vbe,",
            setting="school",
            title="P",
            description="D",
            owner=town.owner,
            reported_by=town.owner,
            status="follow_up",
        )
        for i in range(1, n + 1)
    )
    FollowUpPlan.objects.bulk_create(
        FollowUpPlan(case=c, started_on=days(-30), next_contact_on=days(2)) for c in cases
    )


BATCH = 100
# Per batch of follow-ups: the page of plans (with their cases), the coordinators, the people
# (active, a role in force, their addresses), their preferences, the INSERT … RETURNING, the
# notifications, the upsert of their unread counts, the outbox rows, the UPDATE linking them,
# and the batch's savepoint and its release.
PER_BATCH = 11


def queries_for_sweep(n: int) -> int:
    build_due(make_town(), n)
    with CaptureQueriesContext(connection) as captured:
        result = sweep(TODAY, size=BATCH)
    assert result.delivered == result.emailed == n
    # Past the horizon, so the next call's town alone is due (one UPDATE: deleting wrote a
    # history row for each plan, one by one, and took a third of this test's time).
    FollowUpPlan.objects.update(next_contact_on=TODAY + datetime.timedelta(days=3650))
    return len(captured)


def test_the_sweep_uses_the_same_number_of_queries_per_batch_for_10_and_1000_due_items():
    # Besides the batches: the empty last page of plans and an empty page of each other finder.
    one_batch = queries_for_sweep(10)
    assert queries_for_sweep(100) == one_batch
    assert queries_for_sweep(1000) == one_batch + 9 * PER_BATCH


def test_the_command_runs_without_redis(town):
    followup_case(town, days(3))
    call_command("send_reminders", "--day", TODAY.isoformat(), "--digest")
    assert Reminder.objects.count() == 1
