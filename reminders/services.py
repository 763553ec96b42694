"""The daily sweep: find what is due, record one reminder per (thing, kind, due date, person)
together with its in-app notification, and put each e-mail in the outbox; a task per e-mail sends
it (the transactional outbox).

Exactly once, in the app: the reminder rows have a unique constraint and are inserted with
INSERT … ON CONFLICT DO NOTHING RETURNING, in the same transaction as the notifications of the
rows it really inserted, so a second sweep, a second worker or a task redelivered after a worker
died adds nothing, and a worker that dies before the commit leaves nothing behind.

At least once by e-mail, and a repeat at most one message wide: each e-mail is an `OutboxMail`
row with an idempotency key, committed with its reminder. `send_outbox_mail` locks the row, sends
the one message and marks it sent in the same transaction; a mail server that is down leaves the
row pending and the task retries with exponential back-off. Only a worker that dies between the
server's acceptance and the commit sends that one message again, with the same Message-ID (made
from the key), so mail clients show it once.

Reach, at sweep time and again at sending: a person with an active account and a role in force
today, who can reach what the reminder is about (the door's rule: a coordinator's role in force at
the case's municipality; an escalation's reviewers while it is open; an action item's owner while
they sit in the meeting's body). E-mails carry a reference and a link, never free text.
"""

from __future__ import annotations

import datetime
import functools
import json
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, override

from accounts.capabilities import Capability, roles_with
from accounts.models import Notification, RoleAssignment, User
from accounts.notifications import build, visible_to
from cases.choices import CaseStatus, EscalationStatus, MeasureStatus
from cases.escalation import receiving_people
from cases.models import Consent, Escalation, FollowUpPlan, Measure
from councils.models import Membership
from meetings.models import ActionItem, Meeting
from sutohamu.dates import in_force
from sutohamu.workdays import WorkingDays

from .kinds import KIND_KEYS
from .models import Channel, MailState, OutboxMail, Reminder, ReminderKind, ReminderPreference

K = ReminderKind
WORKING_ROLES = roles_with(Capability.WORK_CASES)
ADMINISTRATING_ROLES = roles_with(Capability.MANAGE_ACCOUNTS)
SUBJECT = gettext_lazy("SuToHaMu reminder %(reference)s")
DIGEST_SUBJECT = gettext_lazy("SuToHaMu: your reminders of %(date)s")
EMAIL_INTRO = gettext_lazy("Open the link to see it in SuToHaMu (sign-in needed).")
# One line per reminder in a mail: what kind, the reference, the date; never free text.
MAIL_LINE = gettext_lazy("%(what)s: %(reference)s, %(date)s")
MAIL_LINE_WITHOUT_REFERENCE = gettext_lazy("%(what)s: %(date)s")
# What a mail server that is down raises: retried with back-off (anything else is a bug).
TRANSIENT_MAIL_ERRORS: tuple[type[BaseException], ...] = (OSError, smtplib.SMTPException)


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


_PLACEHOLDER = "REFERENCE"
# What the finders read of a case (not its text): fewer columns, cheaper rows.
CASE_COLUMNS = ("case__reference", "case__municipality_id", "case__owner_id")


def _case_link(reference: str) -> str:
    # reverse() costs most of a millisecond; a sweep makes tens of thousands of these links.
    return _case_link_template().replace(_PLACEHOLDER, reference)


@functools.cache
def _case_link_template() -> str:
    return reverse("cases:detail", args=[_PLACEHOLDER])


def _date(day: datetime.date) -> str:
    return day.isoformat()


def followups_due(today: datetime.date, size: int, calendar: WorkingDays) -> Iterator[list[Due]]:
    """Contacts due within three days (owner), overdue (owner; after a week also the
    municipality's other coordinators)."""
    horizon = today + datetime.timedelta(days=settings.REMINDER_DUE_DAYS)
    escalate_before = today - datetime.timedelta(days=settings.REMINDER_OVERDUE_ESCALATE_DAYS)
    plans = (
        FollowUpPlan.objects.filter(case__status=CaseStatus.FOLLOW_UP, next_contact_on__lte=horizon)
        .select_related("case")
        .only("next_contact_on", *CASE_COLUMNS)
    )
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


def escalations_unacknowledged(
    today: datetime.date, size: int, calendar: WorkingDays
) -> Iterator[list[Due]]:
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
            first = calendar.add(sent, days)
            if today < first:
                continue
            recipients = set(receivers.get(escalation.receiver_id, set()))
            due_on = first
            second = calendar.add(first, days)
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


def measures_overdue(today: datetime.date, size: int, calendar: WorkingDays) -> Iterator[list[Due]]:
    measures = (
        Measure.objects.filter(planned_end__lt=today, outcome="")
        .exclude(status__in=(MeasureStatus.DONE, MeasureStatus.CANCELLED))
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    yield from _to_case_owners(K.MEASURE_OVERDUE, measures, size, lambda m: m.planned_end)


def consents_expiring(
    today: datetime.date, size: int, calendar: WorkingDays
) -> Iterator[list[Due]]:
    consents = (
        Consent.objects.expiring(today)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case")
    )
    yield from _to_case_owners(K.CONSENT_EXPIRING, consents, size, lambda c: c.expires_on)


def action_items_due(today: datetime.date, size: int, calendar: WorkingDays) -> Iterator[list[Due]]:
    """Open action items due today or earlier, to their owner while the owner sits in the
    meeting's body (or manages the accounts, who see every body)."""
    items = ActionItem.objects.due_by(today).select_related("meeting")
    for batch in _batches(items, size):
        seated = _seated({(item.meeting.body_id, item.owner_id) for item in batch})
        yield [
            Due(
                K.ACTION_ITEM_DUE,
                item,
                item.due_date,
                "",
                reverse("meetings:detail", args=[item.meeting_id]),
                {item.owner_id} if (item.meeting.body_id, item.owner_id) in seated else set(),
                # The title is for the app only (the notification); mails never show it.
                {"date": _date(item.due_date), "title": item.title},
                about=item.meeting,
            )
            for item in batch
        ]


def _seated(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of (body id, person id) pairs, those where the person sees the body today: a seat in
    force there, or a role that manages the accounts (two queries)."""
    bodies, people = {b for b, _ in pairs}, {u for _, u in pairs}
    seats = set(
        Membership.objects.filter(in_force(), body_id__in=bodies, user_id__in=people).values_list(
            "body_id", "user_id"
        )
    )
    administrators = set(
        RoleAssignment.objects.active()
        .filter(user_id__in=people, role__in=ADMINISTRATING_ROLES)
        .values_list("user_id", flat=True)
    )
    return {(b, u) for b, u in pairs if (b, u) in seats or u in administrators}


def agendas_due(today: datetime.date, size: int, calendar: WorkingDays) -> Iterator[list[Due]]:
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


FINDERS: tuple[Callable[[datetime.date, int, WorkingDays], Iterator[list[Due]]], ...] = (
    followups_due,
    escalations_unacknowledged,
    measures_overdue,
    consents_expiring,
    action_items_due,
    agendas_due,
)


# --- Recording: the reminders, their notifications and the outbox, in one transaction ---


def _people(user_ids: Iterable[int]) -> dict[int, str]:
    """Person id -> e-mail address ("" if none), for those with an active account and a role in
    force today: nobody else is reminded of anything (one query)."""
    return dict(
        User.objects.filter(pk__in=set(user_ids), is_active=True)
        .filter(Exists(RoleAssignment.objects.active().filter(user_id=OuterRef("pk"))))
        .values_list("pk", "email")
    )


def _channels(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(person, kind) -> the channel the person chose (one query)."""
    return {
        (user_id, kind): channel
        for user_id, kind, channel in ReminderPreference.objects.filter(
            user_id__in=set(user_ids)
        ).values_list("user_id", "kind", "channel")
    }


@transaction.atomic
def preferences_save(*, choices: dict[str, str], by: User) -> list[ReminderPreference]:
    """The person's own choice per kind of reminder, each row validated whole."""
    stored = {p.kind: p for p in ReminderPreference.objects.select_for_update().filter(user=by)}
    saved = []
    for kind, channel in choices.items():
        preference = stored.get(kind) or ReminderPreference(user=by, kind=kind)
        preference.channel = channel
        preference.full_clean()
        preference.save()
        saved.append(preference)
    return saved


def channel_for(chosen: str | None, address: str) -> str:
    """What a person gets: their choice; by default e-mail at once, or in the app only for a
    person without an address (and never a mail to nobody)."""
    if not address:
        return Channel.IN_APP
    return chosen or Channel.EMAIL


_COLUMNS = (
    "kind, target_type, target_id, due_on, recipient_id, notify_type, notify_id, reference, params,"
    " link, channel, created_at, delivered_at"
)
_RETURNING = """
ON CONFLICT (kind, target_type, target_id, due_on, recipient_id) DO NOTHING
RETURNING id, kind, target_type, target_id, due_on, recipient_id
"""
# PostgreSQL: one array per column, so the statement has 13 parameters whatever the batch size
# (a VALUES row per reminder costs the driver more to bind than the server to run).
_INSERT_ARRAYS = (
    f"INSERT INTO reminders_reminder ({_COLUMNS}) SELECT u.*, %s, %s FROM unnest("
    "%s::varchar[], %s::varchar[], %s::bigint[], %s::date[], %s::bigint[], %s::varchar[],"
    " %s::bigint[], %s::varchar[], %s::jsonb[], %s::varchar[], %s::varchar[]) AS u" + _RETURNING
)
_INSERT_VALUES = f"INSERT INTO reminders_reminder ({_COLUMNS}) VALUES {{rows}}" + _RETURNING
# One UPDATE per batch, whatever its size (bulk_update would write a CASE per row and column).
_LINK_ARRAYS = """
UPDATE reminders_reminder SET notification_id = v.notification_id, mail_id = v.mail_id
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v (id, notification_id, mail_id)
WHERE reminders_reminder.id = v.id
"""
_LINK_VALUES = """
WITH v (id, notification_id, mail_id) AS (VALUES {rows})
UPDATE reminders_reminder SET notification_id = CAST(v.notification_id AS bigint),
    mail_id = CAST(v.mail_id AS bigint)
FROM v WHERE reminders_reminder.id = CAST(v.id AS bigint)
"""


def _insert(rows: list[list[Any]], now: datetime.datetime) -> list[tuple[Any, ...]]:
    """Insert reminder rows (all columns but the two times); returns the rows really inserted."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_ARRAYS, [now, now, *(list(c) for c in zip(*rows, strict=True))])
        else:  # SQLite, the embedded demo
            placeholders = ", ".join(["(" + ", ".join(["%s"] * 13) + ")"] * len(rows))
            values = [v for row in rows for v in [*row, now, now]]
            cursor.execute(_INSERT_VALUES.format(rows=placeholders), values)
        return cursor.fetchall()


def _link(links: list[tuple[int, int, int | None]]) -> None:
    """Set each reminder's notification and outbox row: one UPDATE."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_LINK_ARRAYS, [list(c) for c in zip(*links, strict=True)])
        else:
            placeholders = ", ".join(["(%s, %s, %s)"] * len(links))
            cursor.execute(_LINK_VALUES.format(rows=placeholders), [v for r in links for v in r])


def _record(rows: list[Due]) -> tuple[int, list[int]]:
    """Record a batch (call inside a transaction): one INSERT … ON CONFLICT DO NOTHING RETURNING
    (a reminder already there stays one and gets nothing more), the notifications of the rows
    really inserted, an outbox row per e-mail at once, one UPDATE linking them. Returns the
    number inserted and the outbox rows' ids."""
    people = _people(user_id for due in rows for user_id in due.recipients if user_id)
    if not people:
        return 0, []
    chosen = _channels(people)
    now = timezone.now()
    values: dict[tuple[str, str, int, datetime.date, int], list[Any]] = {}
    wanted: dict[tuple[str, str, int, datetime.date, int], Due] = {}
    for due in rows:
        about = due.about or due.target
        params = json.dumps(due.params or {"reference": due.reference, "date": _date(due.due_on)})
        for user_id in sorted(u for u in due.recipients if u in people):
            key = (due.kind, due.target._meta.label_lower, due.target.pk, due.due_on, user_id)
            channel = channel_for(chosen.get((user_id, due.kind)), people[user_id])
            wanted[key] = due
            values[key] = [*key, about._meta.label_lower, about.pk, due.reference, params]
            values[key] += [due.link, channel]
    if not wanted:
        return 0, []
    inserted = [(row[0], tuple(row[1:])) for row in _insert(list(values.values()), now)]
    if not inserted:
        return 0, []
    reminders = []
    for pk, key in inserted:
        kind, _type, _id, due_on, user_id = key
        due = wanted[(kind, _type, _id, _as_date(due_on), user_id)]
        about = due.about or due.target
        reminder = Reminder(
            pk=pk,
            kind=kind,
            due_on=due.due_on,
            recipient_id=user_id,
            link=due.link,
            reference=due.reference,
        )
        reminder.params = due.params or {"reference": due.reference, "date": _date(due.due_on)}
        reminder.notify_type, reminder.notify_id = about._meta.label_lower, about.pk
        reminder.channel = channel_for(chosen.get((user_id, kind)), people[user_id])
        reminders.append(reminder)
    notes = Notification.objects.bulk_create([_notification(r) for r in reminders])
    mails = OutboxMail.objects.bulk_create(
        OutboxMail(key=f"reminder-{r.pk}", recipient_id=r.recipient_id, created_at=now)
        for r in reminders
        if r.channel == Channel.EMAIL
    )
    mail_of = {int(m.key.removeprefix("reminder-")): m.pk for m in mails}
    links = [(r.pk, note.pk, mail_of.get(r.pk)) for r, note in zip(reminders, notes, strict=True)]
    _link(links)
    return len(reminders), [m.pk for m in mails]


def _as_date(value: datetime.date | str) -> datetime.date:
    """SQLite (the embedded demo) returns dates from raw SQL as text."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _notification(reminder: Reminder) -> Notification:
    note = build(
        reminder.recipient_id,
        KIND_KEYS[reminder.kind],
        link=reminder.link,
        params=reminder.params,
    )
    note.target_type, note.target_id = reminder.notify_type, reminder.notify_id
    return note


def sweep(
    today: datetime.date | None = None,
    size: int | None = None,
    *,
    enqueue: Callable[[list[int]], None] | None = None,
) -> SweepResult:
    """Record everything due today with its notifications and outbox rows, a transaction per
    batch; `enqueue` gets each batch's outbox rows once the batch is committed."""
    today = today or timezone.localdate()
    size = size or settings.REMINDER_BATCH_SIZE
    calendar = WorkingDays()  # one calendar for the whole sweep
    result = SweepResult()
    for finder in FINDERS:
        for rows in finder(today, size, calendar):
            with transaction.atomic():
                recorded, mails = _record(rows)
                if enqueue is not None and mails:
                    transaction.on_commit(functools.partial(enqueue, mails))
            result.recorded += recorded
            result.emailed += len(mails)
            result.batches += 1
    result.delivered = result.recorded  # a reminder is recorded with its notification
    return result


def send_digests(
    today: datetime.date | None = None,
    size: int | None = None,
    *,
    enqueue: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """An outbox row per person for every digest reminder not yet in one (a day's worth);
    returns the rows' ids (`enqueue` gets each batch's once committed)."""
    size = size or settings.REMINDER_BATCH_SIZE
    written: list[int] = []
    while True:
        with transaction.atomic():
            waiting = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(channel=Channel.DIGEST, mail__isnull=True)
                .order_by("recipient_id", "pk")
                .values_list("pk", "recipient_id")[:size]
            )
            if not waiting:
                return written
            by_person: dict[int, list[int]] = defaultdict(list)
            for pk, user_id in waiting:
                by_person[user_id].append(pk)
            mails = OutboxMail.objects.bulk_create(
                OutboxMail(key=f"digest-{user_id}-{pks[0]}", recipient_id=user_id, digest=True)
                for user_id, pks in by_person.items()
            )
            links = [
                (pk, mail.pk)
                for mail, pks in zip(mails, by_person.values(), strict=True)
                for pk in pks
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    "WITH v (id, mail_id) AS (VALUES {rows}) UPDATE reminders_reminder"
                    " SET mail_id = CAST(v.mail_id AS bigint) FROM v"
                    " WHERE reminders_reminder.id = CAST(v.id AS bigint)".format(
                        rows=", ".join(["(%s, %s)"] * len(links))
                    ),
                    [value for link in links for value in link],
                )
            ids = [mail.pk for mail in mails]
            if enqueue is not None:
                transaction.on_commit(functools.partial(enqueue, ids))
        written += ids


# --- Sending one outbox row: at least once, a repeat at most this one message ---


def pending_mails(created_before: datetime.datetime | None = None) -> list[int]:
    """Outbox rows not yet sent (a task lost before it ran is sent by the next sweep)."""
    pending = OutboxMail.objects.filter(state=MailState.PENDING)
    if created_before is not None:
        pending = pending.filter(created_at__lt=created_before)
    return list(pending.order_by("created_at", "pk").values_list("pk", flat=True))


def retry_delay(retries: int) -> float:
    """Seconds before the next attempt: exponential back-off, capped."""
    return float(
        min(settings.REMINDER_MAIL_RETRY_BASE * 2**retries, settings.REMINDER_MAIL_RETRY_MAX)
    )


def message_id(key: str) -> str:
    """The same Message-ID for every attempt of one outbox row: mail clients collapse a repeat."""
    domain = urlsplit(settings.SITE_URL).hostname or "sutohamu.invalid"
    return f"<{key}@{domain}>"


def send_outbox_mail(mail_id: int) -> str:
    """Send one outbox row, if still pending, to a person who can still reach what it is about.

    The row is locked (SKIP LOCKED: another task sending it leaves it alone) while the server
    takes the message, and marked in the same transaction. A mail server that is down raises
    (one of TRANSIENT_MAIL_ERRORS) after the attempt is counted; the task retries. Returns the
    row's state.
    """
    failure: BaseException | None = None
    with transaction.atomic():
        mail = (
            # The row alone: its recipient's row is shared with their other mails.
            OutboxMail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=mail_id, state=MailState.PENDING)
            .select_related("recipient")
            .first()
        )
        if mail is None:  # sent already, skipped, or being sent by another task right now
            return ""
        reminders = _still_reachable(mail)
        if not reminders or not mail.recipient.email:
            mail.state = MailState.SKIPPED
            mail.save(update_fields=["state"])
            return mail.state
        message = _digest(mail, reminders) if mail.digest else _email(mail, reminders[0])
        mail.attempts += 1
        try:
            get_connection(fail_silently=False).send_messages([message])
        except TRANSIENT_MAIL_ERRORS as error:
            failure = error
            mail.last_error = f"{type(error).__name__}: {error}"[:200]
            mail.save(update_fields=["attempts", "last_error"])
        else:
            mail.state, mail.sent_at = MailState.SENT, timezone.now()
            mail.save(update_fields=["attempts", "state", "sent_at"])
    if failure is not None:
        raise failure
    return mail.state


def _still_reachable(mail: OutboxMail) -> list[Reminder]:
    """The row's reminders whose notification the person can still reach today (an active
    account, a role in force, and the door's rule for what it points at)."""
    user = mail.recipient
    if not _people([user.pk]):
        return []
    reminders = list(mail.reminders.order_by("pk"))
    shown = set(
        visible_to(user, kinds={r.notify_type for r in reminders})
        .filter(pk__in=[r.notification_id for r in reminders if r.notification_id])
        .values_list("pk", flat=True)
    )
    return [r for r in reminders if r.notification_id in shown]


def _line(reminder: Reminder) -> str:
    values = {
        "what": ReminderKind(reminder.kind).label,
        "reference": reminder.reference,
        "date": _date(reminder.due_on),
    }
    return str((MAIL_LINE if reminder.reference else MAIL_LINE_WITHOUT_REFERENCE) % values)


def _message(mail: OutboxMail, subject: str, body: str) -> EmailMessage:
    return EmailMessage(
        subject, body, to=[mail.recipient.email], headers={"Message-ID": message_id(mail.key)}
    )


def _email(mail: OutboxMail, reminder: Reminder) -> EmailMessage:
    """The kind, a reference, a date and a link: never case text nor an action item's title."""
    with override(settings.LANGUAGE_CODE):
        subject = str(SUBJECT % {"reference": reminder.reference or ""}).strip()
        body = f"{_line(reminder)}\n\n{settings.SITE_URL}{reminder.link}\n\n{EMAIL_INTRO}\n"
    return _message(mail, subject, body)


def _digest(mail: OutboxMail, reminders: Sequence[Reminder]) -> EmailMessage:
    with override(settings.LANGUAGE_CODE):
        lines = [f"- {_line(r)}\n  {settings.SITE_URL}{r.link}" for r in reminders]
        subject = str(DIGEST_SUBJECT % {"date": _date(timezone.localdate(mail.created_at))})
        body = "\n".join(lines) + f"\n\n{EMAIL_INTRO}\n"
    return _message(mail, subject, body)


def send_pending() -> int:
    """Send every pending outbox row in this process (the command without a worker, and tests);
    a row whose server is down stays pending. Returns the number sent."""
    sent = 0
    for mail_id in pending_mails():
        try:
            sent += send_outbox_mail(mail_id) == MailState.SENT
        except TRANSIENT_MAIL_ERRORS:
            continue
    return sent
