"""The daily sweep: find what is due, record one reminder per (thing, kind, due date, person),
then deliver each once (a notification, an e-mail at once or in the day's digest).

Exactly once: the reminder rows have a unique constraint and are inserted with ON CONFLICT DO
NOTHING, so a second sweep, a second worker or a retried task adds nothing. Delivery claims rows
with SELECT … FOR UPDATE SKIP LOCKED and marks them in the same transaction as the notification,
so two workers never deliver the same row and a worker that dies mid-delivery leaves its rows to
the retried task (`acks_late`).

Only the owning municipality's people receive case reminders (the door's rule: a coordinator's
role in force today at the case's municipality, read for the whole batch in one query), and an
escalation's receivers only while it is open and they hold a reviewing role there today. E-mails
carry a link and the case reference, never case text.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import holidays
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, override

from accounts.capabilities import Capability, roles_with
from accounts.models import Notification, RoleAssignment, User
from accounts.notifications import build, register_kind
from cases.choices import CaseStatus, EscalationStatus, MeasureStatus
from cases.escalation import receiving_people
from cases.models import Consent, Escalation, FollowUpPlan, Measure
from meetings.models import ActionItem, Meeting
from meetings.notify import ACTION_DUE, AGENDA_DUE

from .models import Channel, Reminder, ReminderKind, ReminderPreference

K = ReminderKind
KIND_KEYS: dict[str, str] = {
    K.FOLLOWUP_DUE: "reminders.followup_due",
    K.FOLLOWUP_OVERDUE: "reminders.followup_overdue",
    K.ESCALATION_UNACKNOWLEDGED: "reminders.escalation_unacknowledged",
    K.MEASURE_OVERDUE: "reminders.measure_overdue",
    K.CONSENT_EXPIRING: "reminders.consent_expiring",
    K.ACTION_ITEM_DUE: ACTION_DUE,
    K.AGENDA_DUE: AGENDA_DUE,
}
register_kind(
    KIND_KEYS[K.FOLLOWUP_DUE], gettext_lazy("Follow-up contact in %(reference)s due %(date)s")
)
register_kind(
    KIND_KEYS[K.FOLLOWUP_OVERDUE],
    gettext_lazy("Follow-up contact in %(reference)s overdue since %(date)s"),
)
register_kind(
    KIND_KEYS[K.ESCALATION_UNACKNOWLEDGED],
    gettext_lazy("Escalation of %(reference)s not acknowledged since %(date)s"),
)
register_kind(
    KIND_KEYS[K.MEASURE_OVERDUE],
    gettext_lazy("A measure in %(reference)s passed its planned end %(date)s without an outcome"),
)
register_kind(
    KIND_KEYS[K.CONSENT_EXPIRING], gettext_lazy("A consent in %(reference)s expires %(date)s")
)

WORKING_ROLES = roles_with(Capability.WORK_CASES)
SUBJECT = gettext_lazy("SuToHaMu reminder %(reference)s")
DIGEST_SUBJECT = gettext_lazy("SuToHaMu: your reminders of %(date)s")
EMAIL_INTRO = gettext_lazy("Open the link to see it in SuToHaMu (sign-in needed).")


@dataclass
class Due:
    """One reminder to record: about `target` (a model instance), for `recipients`."""

    kind: str
    target: models.Model
    due_on: datetime.date
    reference: str
    link: str
    recipients: set[int] = field(default_factory=set)
    params: dict[str, str] = field(default_factory=dict)
    about: models.Model | None = None  # what the notification points at (default: target)


@dataclass
class SweepResult:
    recorded: int = 0
    delivered: int = 0
    emailed: int = 0
    batches: int = 0


# --- Working days (Swedish public holidays from the `holidays` library) ---


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """The working day `days` working days after `day` (weekends and Swedish holidays skipped)."""
    swedish = holidays.country_holidays("SE", years=range(day.year, day.year + 2))
    current = day
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in swedish:
            days -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`."""
    swedish = holidays.country_holidays("SE", years=range(start.year, end.year + 1))
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in swedish:
            count += 1
    return count


# --- Finding what is due, in batches (a fixed number of queries per batch) ---


def _batches(queryset: models.QuerySet[Any], size: int) -> Iterator[list[Any]]:
    """Keyset pages by primary key: one query per page, whatever the table's size."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _coordinators(municipality_ids: Iterable[int]) -> dict[int, set[int]]:
    """Municipality id -> people who work its cases today (one query): the door's rule."""
    people: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in (
        RoleAssignment.objects.active()
        .filter(
            organisation_id__in=set(municipality_ids),
            role__in=WORKING_ROLES,
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id")
    ):
        people[org_id].add(user_id)
    return people


def _case_link(reference: str) -> str:
    return reverse("cases:detail", args=[reference])


def _date(day: datetime.date) -> str:
    return day.isoformat()


def followups_due(today: datetime.date, size: int) -> Iterator[list[Due]]:
    """Contacts due within three days (owner), overdue (owner; after a week also the
    municipality's other coordinators)."""
    horizon = today + datetime.timedelta(days=settings.REMINDER_DUE_DAYS)
    escalate_before = today - datetime.timedelta(days=settings.REMINDER_OVERDUE_ESCALATE_DAYS)
    plans = FollowUpPlan.objects.filter(
        case__status=CaseStatus.FOLLOW_UP, next_contact_on__lte=horizon
    ).select_related("case")
    for batch in _batches(plans, size):
        working = _coordinators(p.case.municipality_id for p in batch)
        rows = []
        for plan in batch:
            case, due_on = plan.case, plan.next_contact_on
            allowed = working.get(case.municipality_id, set())
            overdue = due_on < today
            recipients = {case.owner_id} & allowed if case.owner_id else set()
            if overdue and due_on <= escalate_before:
                recipients |= allowed
            rows.append(
                Due(
                    K.FOLLOWUP_OVERDUE if overdue else K.FOLLOWUP_DUE,
                    plan,
                    due_on,
                    case.reference,
                    _case_link(case.reference),
                    recipients,
                    about=case,
                )
            )
        yield rows


def escalations_unacknowledged(today: datetime.date, size: int) -> Iterator[list[Due]]:
    """New escalations five working days old: the receiver's people; ten: also the sender."""
    days = settings.REMINDER_ESCALATION_WORKING_DAYS
    # A generous calendar bound first, then the exact working-day count per row.
    oldest_new = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.max)
    )
    escalations = Escalation.objects.filter(
        status=EscalationStatus.NEW, created_at__lte=oldest_new
    ).select_related("case")
    for batch in _batches(escalations, size):
        receivers = receiving_people({e.receiver_id for e in batch})
        working = _coordinators(e.case.municipality_id for e in batch)
        rows = []
        for escalation in batch:
            sent = timezone.localdate(escalation.created_at)
            first = add_working_days(sent, days)
            if today < first:
                continue
            recipients = set(receivers.get(escalation.receiver_id, set()))
            due_on = first
            second = add_working_days(first, days)
            link = reverse("cases:escalation", args=[escalation.pk])
            rows.append(
                Due(
                    K.ESCALATION_UNACKNOWLEDGED,
                    escalation,
                    due_on,
                    escalation.case.reference,
                    link,
                    recipients,
                )
            )
            if today >= second:
                sender = escalation.case.owner_id or escalation.created_by_id
                allowed = working.get(escalation.case.municipality_id, set())
                rows.append(
                    Due(
                        K.ESCALATION_UNACKNOWLEDGED,
                        escalation,
                        second,
                        escalation.case.reference,
                        link,
                        {sender} & allowed,
                    )
                )
        yield rows


def _to_case_owners(
    kind: str,
    rows: models.QuerySet[Any],
    size: int,
    due_on: Callable[[Any], datetime.date | None],
) -> Iterator[list[Due]]:
    """A reminder per row about a case, to the case's owner while they still work its cases."""
    for batch in _batches(rows, size):
        working = _coordinators(row.case.municipality_id for row in batch)
        found = []
        for row in batch:
            day = due_on(row)
            if row.case.owner_id and day:
                owner = {row.case.owner_id} & working.get(row.case.municipality_id, set())
                link = _case_link(row.case.reference)
                found.append(Due(kind, row, day, row.case.reference, link, owner, about=row.case))
        yield found


def measures_overdue(today: datetime.date, size: int) -> Iterator[list[Due]]:
    measures = (
        Measure.objects.filter(planned_end__lt=today, outcome="")
        .exclude(status__in=(MeasureStatus.DONE, MeasureStatus.CANCELLED))
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    yield from _to_case_owners(K.MEASURE_OVERDUE, measures, size, lambda m: m.planned_end)


def consents_expiring(today: datetime.date, size: int) -> Iterator[list[Due]]:
    consents = (
        Consent.objects.expiring(today)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    yield from _to_case_owners(K.CONSENT_EXPIRING, consents, size, lambda c: c.expires_on)


def action_items_due(today: datetime.date, size: int) -> Iterator[list[Due]]:
    """Open action items due today or earlier, to their owner while the owner sees the body."""
    items = ActionItem.objects.due_by(today).select_related("meeting__body")
    for batch in _batches(items, size):
        yield [
            Due(
                K.ACTION_ITEM_DUE,
                item,
                item.due_date,
                "",
                reverse("meetings:detail", args=[item.meeting_id]),
                {item.owner_id},
                {"date": _date(item.due_date), "title": item.title},
                about=item.meeting,
            )
            for item in batch
        ]


def agendas_due(today: datetime.date, size: int) -> Iterator[list[Due]]:
    """Two weeks before a meeting: the agenda owner's (host municipality's) coordinators."""
    meetings = Meeting.objects.agenda_due_on(today).filter(host__isnull=False)
    for batch in _batches(meetings.select_related("body"), size):
        working = _coordinators(m.host_id for m in batch)
        yield [
            Due(
                K.AGENDA_DUE,
                meeting,
                meeting.day,
                "",
                reverse("meetings:detail", args=[meeting.pk]),
                working.get(meeting.host_id, set()),
                {"body": meeting.body.name, "date": _date(meeting.day)},
            )
            for meeting in batch
        ]


FINDERS: tuple[Callable[[datetime.date, int], Iterator[list[Due]]], ...] = (
    followups_due,
    escalations_unacknowledged,
    measures_overdue,
    consents_expiring,
    action_items_due,
    agendas_due,
)


def _record(rows: list[Due]) -> int:
    """One INSERT … ON CONFLICT DO NOTHING for the batch: a reminder already there stays one."""
    reminders = [
        Reminder(
            kind=due.kind,
            target_type=due.target._meta.label_lower,
            target_id=due.target.pk,
            due_on=due.due_on,
            recipient_id=user_id,
            reference=due.reference,
            link=due.link,
            params=due.params or {"reference": due.reference, "date": _date(due.due_on)},
            notify_type=(due.about or due.target)._meta.label_lower,
            notify_id=(due.about or due.target).pk,
        )
        for due in rows
        for user_id in sorted(due.recipients)
        if user_id
    ]
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
    return len(reminders)


# --- Delivering: once, in the transaction that marks the row ---


def _notification(reminder: Reminder) -> Notification:
    note = build(
        reminder.recipient, KIND_KEYS[reminder.kind], link=reminder.link, params=reminder.params
    )
    note.target_type, note.target_id = reminder.notify_type, reminder.notify_id
    return note


def _email(reminder: Reminder, note: Notification) -> EmailMessage:
    """A link and the reference only: never case text (`note.text` is in the default
    language, made from the reference and a date)."""
    with override(settings.LANGUAGE_CODE):
        subject = str(SUBJECT % {"reference": reminder.reference or ""}).strip()
        body = f"{note.text}\n\n{settings.SITE_URL}{reminder.link}\n\n{EMAIL_INTRO}\n"
    return EmailMessage(subject, body, to=[reminder.recipient.email])


def deliver(size: int) -> tuple[int, int]:
    """Deliver pending reminders in batches; returns (notifications, e-mails)."""
    delivered = emailed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(delivered_at__isnull=True)
                .select_related("recipient")
                .order_by("pk")[:size]
            )
            if not batch:
                return delivered, emailed
            preferences = dict(
                ((p.user_id, p.kind), p.channel)
                for p in ReminderPreference.objects.filter(
                    user_id__in={r.recipient_id for r in batch}
                )
            )
            notes = [_notification(r) for r in batch]
            Notification.objects.bulk_create(notes)
            now = timezone.now()
            mails = []
            for reminder, note in zip(batch, notes, strict=True):
                reminder.notification = note
                reminder.delivered_at = now
                reminder.channel = preferences.get(
                    (reminder.recipient_id, reminder.kind), Channel.EMAIL
                )
                if reminder.channel == Channel.EMAIL and reminder.recipient.email:
                    mails.append(_email(reminder, note))
                    reminder.emailed_at = now
            Reminder.objects.bulk_update(
                batch, ["notification", "delivered_at", "channel", "emailed_at"]
            )
            # Sent while the rows are still locked: a worker that dies here has not committed,
            # and the retried task sends again (at least once); once committed, never again.
            if mails:
                get_connection().send_messages(mails)
            delivered += len(batch)
            emailed += len(mails)


def sweep(today: datetime.date | None = None, size: int | None = None) -> SweepResult:
    """Record everything due today, then deliver it."""
    today = today or timezone.localdate()
    size = size or settings.REMINDER_BATCH_SIZE
    result = SweepResult()
    for finder in FINDERS:
        for rows in finder(today, size):
            with transaction.atomic():
                result.recorded += _record(rows)
            result.batches += 1
    result.delivered, result.emailed = deliver(size)
    return result


def send_digests(today: datetime.date | None = None, size: int | None = None) -> int:
    """One e-mail per person with every digest reminder not yet sent (a day's worth)."""
    today = today or timezone.localdate()
    size = size or settings.REMINDER_BATCH_SIZE
    sent = 0
    while True:
        with transaction.atomic():
            pending = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(channel=Channel.DIGEST, emailed_at__isnull=True)
                .exclude(delivered_at__isnull=True)
                .select_related("recipient")
                .order_by("recipient_id", "pk")[:size]
            )
            if not pending:
                return sent
            by_person: dict[int, list[Reminder]] = defaultdict(list)
            for reminder in pending:
                by_person[reminder.recipient_id].append(reminder)
            mails = []
            for rows in by_person.values():
                user = rows[0].recipient
                if user.email:
                    mails.append(_digest(user, rows, today))
            now = timezone.now()
            for reminder in pending:
                reminder.emailed_at = now
            Reminder.objects.bulk_update(pending, ["emailed_at"])
            if mails:
                get_connection().send_messages(mails)
            sent += len(mails)


def _digest(user: User, rows: list[Reminder], today: datetime.date) -> EmailMessage:
    with override(settings.LANGUAGE_CODE):
        lines = []
        for reminder in rows:
            note = build(user, KIND_KEYS[reminder.kind], link=reminder.link, params=reminder.params)
            lines.append(f"- {note.text}\n  {settings.SITE_URL}{reminder.link}")
        subject = str(DIGEST_SUBJECT % {"date": today.isoformat()})
        body = "\n".join(lines) + f"\n\n{EMAIL_INTRO}\n"
    return EmailMessage(subject, body, to=[user.email])
