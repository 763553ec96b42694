"""The one write path of meetings: every change validates the whole object and records who.

Errors are ValidationErrors with stable codes the tests assert: `quota`, `end_before_start`,
`locked` (the agenda or minutes are approved), `not_approved`, `reason_required`,
`out_of_range`, `cancelled`, `not_expected`, `not_a_working_group`; justering: `not_started`,
`no_checkers`, `checker_count`, `not_present`, `secretary_checks`, `own_minutes`,
`not_a_checker`, `already_approved`; decisions: `case_required`, `case_not_found`,
`case_not_allowed`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from accounts.capabilities import active_roles
from accounts.models import Organisation, User
from cases.models import Case
from councils.choices import BodyKind, MembershipKind
from councils.models import Body, Membership
from sutohamu import fragments
from sutohamu.counters import next_number
from sutohamu.dates import in_force
from sutohamu.history import set_change_reason, set_history_user

from . import records
from .choices import (
    STANDING_TITLES,
    ActionStatus,
    AttendanceKind,
    DecisionKind,
    ItemKind,
    MeetingStatus,
)
from .models import (
    ActionItem,
    AgendaItem,
    AgendaRotation,
    AgendaVersion,
    Attendance,
    CalendarFeed,
    Decision,
    DecisionCounter,
    Meeting,
    MinutesChecker,
    MinutesVersion,
    SituationReport,
)
from .notify import notify_agenda_sent
from .schedule import allowed_count, rotation_order
from .versions import ACTIONS_VERSION, meeting_version

ERROR_LOCKED = _("The minutes are approved and locked. Record a correction with a reason instead.")
ERROR_CANCELLED = _("The meeting is cancelled.")
ERROR_NOT_STARTED = _(
    "The meeting has not started yet: the minutes are approved, and decisions and action items "
    "recorded, from its start."
)
ERROR_NO_CHECKERS = _(
    "Name the chair and one or two minutes checkers (justerare) among those present first."
)
ERROR_CHECKER_COUNT = _("Name one or two minutes checkers (justerare).")
ERROR_NOT_PRESENT = _("The chair and the minutes checkers must be among those present.")
ERROR_SECRETARY_CHECKS = _(
    "Whoever writes the minutes cannot also check them: name other attendees as justerare."
)
ERROR_OWN_MINUTES = _(
    "You wrote these minutes: they are approved by the minutes checkers (justerare), never by "
    "their author alone."
)
ERROR_NOT_A_CHECKER = _("Only the meeting's minutes checkers (justerare) approve the minutes.")
ERROR_ALREADY_APPROVED = _("You have already approved these minutes.")
ERROR_CASE_REQUIRED = _("An early-closure decision names the case it closes: give its reference.")
ERROR_CASE_NOT_FOUND = _("No case with the reference %(reference)s was found.")
ERROR_CASE_NOT_ALLOWED = _("Only an early-closure decision names a case.")


def _save(obj: Any, by: User | None, reason: str | None = None) -> None:
    """Validate the whole object (the PII guard, dates, constraints) and save it with its history.

    Relations are not looked up again: they come through the door, and the database checks them.
    """
    obj.full_clean(exclude=_relations(obj))
    set_history_user(obj, by)
    if reason:
        set_change_reason(obj, reason)
    obj.save()
    changed(obj)


def changed(obj: Any) -> None:
    """The cached agenda parts that show `obj` are stale on commit (sutohamu.fragments)."""
    meeting_id = obj.pk if isinstance(obj, Meeting) else getattr(obj, "meeting_id", None)
    names = [meeting_version(meeting_id)] if meeting_id else []
    if isinstance(obj, ActionItem):
        names.append(ACTIONS_VERSION)  # listed on the body's later agendas
    fragments.bump(*names)


def _relations(obj: Any) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.is_relation]


def _check_open(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ValidationError(ERROR_LOCKED, code="locked")
    if meeting.is_cancelled:
        raise ValidationError(ERROR_CANCELLED, code="cancelled")


def decision_prefix(body: Body) -> str:
    """SUTOHAMU for the working group, STYRGRUPP, and the municipality's code for a council."""
    if body.kind == BodyKind.WORKING_GROUP:
        return "SUTOHAMU"
    if body.kind == BodyKind.STEERING_GROUP:
        return "STYRGRUPP"
    return f"{body.municipality.code}-RAD" if body.municipality else f"ORGAN{body.pk}"


# The schedule


def meeting_create(
    *,
    body: Body,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    by: User,
) -> Meeting:
    """One more meeting, within the body's yearly plan; a rotating body's next owner hosts it."""
    year = timezone.localtime(starts_at).year
    held = Meeting.objects.filter(body=body).in_year(year).not_cancelled().count()
    allowed = allowed_count(body, year)
    if held >= allowed:
        raise ValidationError(
            _("%(body)s already has its %(allowed)s meetings in %(year)s.")
            % {"body": body.name, "allowed": allowed, "year": year},
            code="quota",
        )
    meeting = Meeting(body=body, starts_at=starts_at, ends_at=ends_at, place=place)
    if body.kind == BodyKind.LOCAL_COUNCIL:
        meeting.host = body.municipality
    else:
        order = rotation_order(body)
        last = (
            Meeting.objects.filter(body=body, starts_at__lt=starts_at, host__isnull=False)
            .order_by("-starts_at")
            .values_list("host_id", flat=True)
            .first()
        )
        if order:
            meeting.host_id = (
                order[(order.index(last) + 1) % len(order)] if last in order else order[0]
            )
    _save(meeting, by)
    return meeting


def meeting_move(
    *,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    by: User,
) -> Meeting:
    """Move a meeting (or change its place); its host and the others' stay as they are."""
    _check_open(meeting)
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    _save(meeting, by)
    return meeting


def meeting_cancel(*, meeting: Meeting, reason: str, by: User) -> Meeting:
    _check_open(meeting)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("A meeting that was held cannot be cancelled."), code="held")
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code="reason_required")}
        )
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()
    _save(meeting, by, reason)
    return meeting


# Attendance


def seats_of(meeting: Meeting) -> list[Membership]:
    """The body's seats in force on the day of the meeting."""
    return list(
        Membership.objects.filter(in_force(meeting.day), body_id=meeting.body_id)
        .select_related("user", "organisation")
        .order_by("kind", "user__first_name", "user__last_name")
    )


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    present: Iterable[int],
    guests: Iterable[Organisation],
    by: User,
) -> None:
    """Members present or absent, co-opted members present, guests by organisation."""
    _check_open(meeting)
    present_ids = set(present)
    meeting.attendance.all().delete()
    rows = []
    for seat in seats_of(meeting):
        co_opted = seat.kind == MembershipKind.CO_OPTED
        if co_opted and seat.user_id not in present_ids:
            continue
        rows.append(
            Attendance(
                meeting=meeting,
                user=seat.user,
                organisation=seat.organisation,
                kind=AttendanceKind.CO_OPTED if co_opted else AttendanceKind.MEMBER,
                present=seat.user_id in present_ids,
            )
        )
    rows += [Attendance(meeting=meeting, organisation=o, kind=AttendanceKind.GUEST) for o in guests]
    Attendance.objects.bulk_create(rows)
    changed(meeting)  # the rows are new even when the meeting itself is not saved
    _mark_held(meeting, by)


def _mark_held(meeting: Meeting, by: User) -> None:
    before = meeting.status in (MeetingStatus.PLANNED, MeetingStatus.AGENDA_SENT)
    if before and meeting.starts_at <= timezone.now():
        meeting.status = MeetingStatus.HELD
        _save(meeting, by)


# Lägesbild


def _co_opted(meeting: Meeting) -> QuerySet[Membership]:
    return Membership.objects.filter(
        in_force(meeting.day), body_id=meeting.body_id, kind=MembershipKind.CO_OPTED
    )


def expected_reporters(meeting: Meeting) -> list[Organisation]:
    """Who brings a lägesbild: the rotation's municipalities, then the co-opted partners."""
    if meeting.body.kind != BodyKind.WORKING_GROUP:
        return []
    order = rotation_order(meeting.body)
    municipalities = {o.pk: o for o in Organisation.objects.filter(pk__in=order)}
    partners = Organisation.objects.filter(
        pk__in=_co_opted(meeting).values("organisation")
    ).order_by("name")
    return [municipalities[pk] for pk in order if pk in municipalities] + list(partners)


def reporting(meeting: Meeting) -> Q:
    """`expected_reporters` as a filter of organisations, for one query that needs no order
    (the start page's lägesbild nudge)."""
    if meeting.body.kind != BodyKind.WORKING_GROUP:
        return Q(pk__in=[])
    rotation = AgendaRotation.objects.filter(body_id=meeting.body_id).values("municipality_id")
    return Q(pk__in=rotation) | Q(pk__in=_co_opted(meeting).values("organisation"))


def situation_report_submit(
    *, meeting: Meeting, organisation: Organisation, data: dict[str, Any], by: User
) -> SituationReport:
    """Submit or update an organisation's picture for a working-group meeting."""
    if meeting.body.kind != BodyKind.WORKING_GROUP:
        raise ValidationError(
            _("Situational pictures belong to the working group's meetings."),
            code="not_a_working_group",
        )
    _check_open(meeting)
    if organisation not in expected_reporters(meeting):
        raise ValidationError(
            _("%(org)s does not bring a situational picture to this meeting.")
            % {"org": organisation.name},
            code="not_expected",
        )
    report = SituationReport.objects.filter(meeting=meeting, organisation=organisation).first()
    if report is None:
        report = SituationReport(meeting=meeting, organisation=organisation, submitted_by=by)
    fields = (
        "trend_andt",
        "trend_crime",
        "trend_vbe",
        "risk_factors",
        "protective_factors",
        "text",
    )
    for name in fields:
        setattr(report, name, data.get(name, ""))
    report.submitted_by = by
    report.submitted_at = timezone.now()
    _save(report, by)
    return report


# The agenda


def _standing_items(meeting: Meeting) -> list[tuple[str, str, Organisation | None]]:
    situation, regional, andt, crime = (
        *STANDING_TITLES[ItemKind.SITUATION],
        *STANDING_TITLES[ItemKind.REGIONAL],
    )

    def title(template: str, org: Organisation | None = None) -> str:
        text = gettext(template)
        return text % org.name if org else text

    items: list[tuple[str, str, Organisation | None]] = []
    if meeting.body.kind == BodyKind.WORKING_GROUP:
        for org in expected_reporters(meeting):
            if org.kind == "municipality":
                items.append((ItemKind.SITUATION, title(situation, org), org))
        for org in expected_reporters(meeting):
            if org.kind == "civil_society":
                items.append((ItemKind.REGIONAL, title(regional, org), org))
            elif org.kind == "county_board":
                items.append((ItemKind.REGIONAL, title(andt, org), org))
                items.append((ItemKind.REGIONAL, title(crime, org), org))
    shared = [ItemKind.CASES, ItemKind.ESCALATIONS, ItemKind.MEDSKICK, ItemKind.ACTION_ITEMS]
    for kind in shared:
        if kind == ItemKind.ESCALATIONS and meeting.body.kind != BodyKind.WORKING_GROUP:
            continue
        if kind in (ItemKind.CASES, ItemKind.MEDSKICK) and (
            meeting.body.kind == BodyKind.STEERING_GROUP
        ):
            continue
        items.append((kind, title(STANDING_TITLES[kind][0]), None))
    return items


@transaction.atomic
def agenda_create(*, meeting: Meeting, by: User) -> list[AgendaItem]:
    """The agenda with its standing items; an agenda that exists is left as it is."""
    _check_open(meeting)
    if meeting.items.exists():
        return list(meeting.items.all())
    items = [
        AgendaItem(meeting=meeting, position=position, kind=kind, title=title, organisation=org)
        for position, (kind, title, org) in enumerate(_standing_items(meeting), start=1)
    ]
    for item in items:
        item.full_clean(exclude=_relations(item))
    changed(meeting)
    return bulk_create_with_history(items, AgendaItem, default_user=by)


def item_add(*, meeting: Meeting, title: str, text: str, by: User) -> AgendaItem:
    _check_open(meeting)
    last = meeting.items.aggregate(m=Max("position"))["m"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, title=title, text=text)
    _save(item, by)
    return item


@transaction.atomic
def item_move(*, item: AgendaItem, to: int, by: User) -> None:
    """Put an item at position `to` (1 = first); the others close up around it."""
    meeting = item.meeting
    _check_open(meeting)
    items = list(meeting.items.select_for_update().order_by("position", "pk"))
    if not 1 <= to <= len(items):
        raise ValidationError(
            _("Choose a position from 1 to %(n)s.") % {"n": len(items)}, code="out_of_range"
        )
    items = [i for i in items if i.pk != item.pk]
    items.insert(to - 1, item)
    for position, each in enumerate(items, start=1):
        if each.position != position:
            each.position = position
            set_history_user(each, by)
            each.save(update_fields=["position"])
    changed(meeting)


@transaction.atomic
def item_remove(*, item: AgendaItem, by: User) -> None:
    meeting = item.meeting
    _check_open(meeting)
    if item.decisions.exists():
        raise ValidationError(_("An item with decisions cannot be removed."), code="has_decisions")
    set_history_user(item, by)
    item.delete()
    for position, each in enumerate(meeting.items.order_by("position", "pk"), start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
    changed(meeting)


@transaction.atomic
def agenda_send(*, meeting: Meeting, by: User) -> int:
    """Send the agenda: the status moves on and every member gets a notification."""
    _check_open(meeting)
    if not meeting.items.exists():
        raise ValidationError(_("The agenda has no items yet."), code="empty_agenda")
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.AGENDA_SENT
    meeting.agenda_sent_at = timezone.now()
    _save(meeting, by)
    # The kallelse as sent is a record: frozen now, the same for every reader (sent again: a
    # new version; the earlier stay readable).
    records.freeze(AgendaVersion, meeting=meeting, content=records.agenda_content(meeting), by=by)
    people = [seat.user for seat in seats_of(meeting) if seat.user_id != by.pk]
    return notify_agenda_sent(meeting, people)


# Minutes


@transaction.atomic
def minutes_save(*, meeting: Meeting, notes: dict[int, str], by: User) -> None:
    """Notes per agenda item; refused once the minutes are approved."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    _apply_notes(meeting, notes, by)
    _mark_held(meeting, by)


def _apply_notes(meeting: Meeting, notes: dict[int, str], by: User, reason: str = "") -> None:
    for item in meeting.items.all():
        if item.pk in notes and notes[item.pk] != item.notes:
            item.notes = notes[item.pk]
            _save(item, by, reason)


def _next_decision_number(meeting: Meeting) -> tuple[int, int]:
    """The next number of the body's year, under a row lock (no gaps, no duplicates)."""
    year = meeting.year
    return year, next_number(DecisionCounter, body_id=meeting.body_id, year=year)


def _check_started(meeting: Meeting) -> None:
    if not meeting.has_started():
        raise ValidationError(ERROR_NOT_STARTED, code="not_started")


def _decision_case(kind: str, case_reference: str) -> Case | None:
    """The case an early-closure decision names; no other kind names one."""
    reference = case_reference.strip()
    if kind != DecisionKind.EARLY_CLOSURE:
        if reference:
            raise ValidationError(
                {"case_reference": ValidationError(ERROR_CASE_NOT_ALLOWED, code="case_not_allowed")}
            )
        return None
    if not reference:
        raise ValidationError(
            {"case_reference": ValidationError(ERROR_CASE_REQUIRED, code="case_required")}
        )
    case = Case.objects.filter(reference__iexact=reference).first()
    if case is None:
        raise ValidationError(
            {
                "case_reference": ValidationError(
                    ERROR_CASE_NOT_FOUND % {"reference": reference}, code="case_not_found"
                )
            }
        )
    return case


@transaction.atomic
def decision_add(
    *,
    meeting: Meeting,
    text: str,
    by: User,
    item: AgendaItem | None = None,
    kind: str = DecisionKind.GENERAL,
    case_reference: str = "",
) -> Decision:
    """A numbered decision; an early closure names its case (by reference), from the start."""
    _check_open(meeting)
    _check_started(meeting)
    case = _decision_case(kind, case_reference)
    decision = Decision(meeting=meeting, item=item, text=text, kind=kind, case=case)
    decision.full_clean(exclude=["year", "number", "reference", "case"])
    decision.year, decision.number = _next_decision_number(meeting)
    decision.reference = f"{decision_prefix(meeting.body)}-{decision.year}-{decision.number:03d}"
    set_history_user(decision, by)
    decision.save()
    changed(decision)
    return decision


def action_item_add(
    *,
    meeting: Meeting,
    title: str,
    owner: User,
    due_date: datetime.date,
    by: User,
    decision: Decision | None = None,
) -> ActionItem:
    _check_open(meeting)
    _check_started(meeting)
    item = ActionItem(
        meeting=meeting, title=title, owner=owner, due_date=due_date, decision=decision
    )
    _save(item, by)
    return item


def action_item_set_status(*, item: ActionItem, status: str, by: User) -> ActionItem:
    """Following an action up is not editing the minutes: allowed after approval too."""
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a status from the list."), code="invalid_status")
    item.status = status
    _save(item, by)
    return item


def present_people(meeting: Meeting) -> list[User]:
    """Those present in person: the chair and the justerare are named among them."""
    ids = meeting.attendance.filter(present=True, user__isnull=False).values("user")
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk"))


@transaction.atomic
def justering_set(*, meeting: Meeting, chair: User, checkers: list[User], by: User) -> Meeting:
    """Name the chair and one or two justerare among those present; `by` writes the minutes.

    Naming them again clears the approvals given so far (they approved another pair's check).
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    unique = list(dict.fromkeys(checkers))
    if not 1 <= len(unique) <= 2:
        raise ValidationError(
            {"checkers": ValidationError(ERROR_CHECKER_COUNT, code="checker_count")}
        )
    present = {u.pk for u in present_people(meeting)}
    if chair.pk not in present or any(u.pk not in present for u in unique):
        raise ValidationError(ERROR_NOT_PRESENT, code="not_present")
    if any(u.pk == by.pk for u in unique):
        raise ValidationError(
            {"checkers": ValidationError(ERROR_SECRETARY_CHECKS, code="secretary_checks")}
        )
    meeting.chair, meeting.secretary = chair, by
    _save(meeting, by)
    meeting.checkers.all().delete()
    MinutesChecker.objects.bulk_create(MinutesChecker(meeting=meeting, user=u) for u in unique)
    changed(meeting)
    return meeting


def approval_refusal(meeting: Meeting, user: User) -> ValidationError | None:
    """Why `user` may not approve the minutes now (None: they may). The page shows the reason."""
    if meeting.is_locked:
        return ValidationError(ERROR_LOCKED, code="locked")
    if meeting.is_cancelled:
        return ValidationError(ERROR_CANCELLED, code="cancelled")
    if not meeting.has_started():
        return ValidationError(ERROR_NOT_STARTED, code="not_started")
    checkers = {c.user_id: c for c in meeting.checkers.all()}
    if not checkers:
        return ValidationError(ERROR_NO_CHECKERS, code="no_checkers")
    if user.pk not in checkers:
        if user.pk == meeting.secretary_id:
            return ValidationError(ERROR_OWN_MINUTES, code="own_minutes")
        return ValidationError(ERROR_NOT_A_CHECKER, code="not_a_checker")
    if checkers[user.pk].approved_at is not None:
        return ValidationError(ERROR_ALREADY_APPROVED, code="already_approved")
    return None


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by: User) -> MinutesVersion | None:
    """A justerare approves; once every justerare has, the minutes lock and version 1 is frozen.

    Returns the frozen version, or None while another justerare has yet to approve.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    refusal = approval_refusal(meeting, by)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    checker = meeting.checkers.get(user=by)
    checker.approved_at = now
    set_history_user(checker, by)
    checker.save(update_fields=["approved_at"])
    changed(checker)  # the approver's page no longer offers the button
    if meeting.checkers.filter(approved_at__isnull=True).exists():
        return None
    meeting.status = MeetingStatus.MINUTES_APPROVED
    meeting.approved_at = now
    meeting.approved_by = by
    _save(meeting, by)
    version = records.freeze(
        MinutesVersion, meeting=meeting, content=records.minutes_content(meeting), by=by
    )
    assert isinstance(version, MinutesVersion)  # freeze returns the model it was given
    return version


@transaction.atomic
def minutes_correct(
    *,
    meeting: Meeting,
    notes: dict[int, str],
    decisions: dict[int, str],
    reason: str,
    by: User,
) -> MinutesVersion:
    """A correction of approved minutes: a new recorded version with its reason."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_locked:
        raise ValidationError(
            _("The minutes are not approved yet; edit them directly."), code="not_approved"
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("A correction needs a reason."), code="reason_required")}
        )
    _apply_notes(meeting, notes, by, reason)
    for decision in meeting.decisions.all():
        if decision.pk in decisions and decisions[decision.pk] != decision.text:
            decision.text = decisions[decision.pk]
            _save(decision, by, reason)
    version = records.freeze(
        MinutesVersion,
        meeting=meeting,
        content=records.minutes_content(meeting),
        by=by,
        reason=reason.strip(),
    )
    changed(meeting)  # the new version is listed even when no text changed
    assert isinstance(version, MinutesVersion)
    return version


# Calendar feed


ERROR_FEED_NO_ROLE = _(
    "A calendar address is only for people with a role in the cooperation; you have none today."
)


@transaction.atomic
def feed_create(*, by: User) -> CalendarFeed:
    """A new private address; the old one stops working. Only for a person holding a role."""
    if not by.is_active or not active_roles(by):
        raise ValidationError(ERROR_FEED_NO_ROLE, code="no_role")
    CalendarFeed.objects.active().filter(user=by).update(revoked_at=timezone.now())
    return CalendarFeed.objects.create(user=by)


def feed_revoke(*, by: User) -> int:
    return CalendarFeed.objects.active().filter(user=by).update(revoked_at=timezone.now())
