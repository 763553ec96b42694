"""Rules of the cooperation's structure that span several models."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from accounts.choices import Role
from accounts.models import Organisation, RoleAssignment, User, role_in_force
from sutohamu import fragments
from sutohamu.history import set_change_reason, set_history_user

from . import handover
from .access import can_change_action_plan
from .choices import MedskickStatus
from .handover import HandoverContext, HandoverStep
from .models import (
    ActionPlanAssignment,
    Agreement,
    Body,
    CitizenPromise,
    Handover,
    Medskick,
    MeetingPlan,
    Membership,
    Priority,
    PromiseActivity,
)
from .models.medskick import MEDSKICK_STATES
from .models.priorities import (
    ERROR_PRIORITY_NOT_ALLOWED,
    PriorityRights,
    priority_rights,
    promise_municipalities,
)

ERROR_SUCCESSOR_LACKS_ROLE = gettext_lazy(
    "%(person)s does not hold the role %(role)s at %(organisation)s. Give them the role first."
)
ERROR_SAME_PERSON = gettext_lazy("Choose another person than the one who leaves the role.")
ERROR_ROLE_ENDED = gettext_lazy("This role has already ended.")
ERROR_OWN_ROLES = gettext_lazy("Nobody hands over their own roles: ask another administrator.")

ERROR_MEDSKICK_WRONG_STATUS = gettext_lazy(
    "This medskick has the status %(status)s and cannot be changed that way."
)
ERROR_MEDSKICK_NO_ANSWER = gettext_lazy("Write an answer.")
ERROR_MEDSKICK_SENDER_NOT_OWN = gettext_lazy("Send a medskick only from a body you edit.")
ERROR_AGREEMENT_ENDED = gettext_lazy("The agreement has already been terminated.")
ERROR_AGREEMENT_NOT_A_PARTY = gettext_lazy("Only a party to the agreement can terminate it.")
ERROR_AGREEMENT_ENDS_BEFORE_START = gettext_lazy(
    "The agreement cannot end before it started (%(date)s)."
)
ERROR_AGREEMENT_NO_REASON = gettext_lazy("Give the reason for the termination.")
ERROR_NOT_YOUR_MUNICIPALITY = gettext_lazy("You cannot write that for this municipality.")

# The personal-data guard's code (sutohamu.pii); every guarded field raises it through full_clean.
CODE_PERSONAL_DATA = "personal_data"


def assign_owner(municipality: Organisation, area: str) -> User | None:
    """The coordinator a new case in this municipality and area goes to, per the action plan.

    The planned coordinator if still active, else the fallback, else the longest-serving active
    coordinator of the municipality; None only when the municipality has no coordinator at all.
    """
    active = (
        RoleAssignment.objects.active()
        .filter(role=Role.COORDINATOR, organisation=municipality, user__is_active=True)
        .select_related("user")
        .order_by("start_date", "pk")
    )
    by_id = {a.user_id: a.user for a in active}
    line = ActionPlanAssignment.objects.filter(municipality=municipality, area=area).first()
    if line is not None:
        for candidate_id in (line.coordinator_id, line.fallback_id):
            if candidate_id in by_id:
                return by_id[candidate_id]
    return next(iter(by_id.values()), None)


@transaction.atomic
def handover_role(*, assignment: RoleAssignment, successor: User, by: User) -> Handover:
    """Move everything the role's holder has to the successor, then end the role."""
    assignment = (
        RoleAssignment.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=assignment.pk)
    )
    today = timezone.localdate()
    if not assignment.is_active(today):
        raise ValidationError({"assignment": ValidationError(ERROR_ROLE_ENDED, code="role_ended")})
    if by.pk == assignment.user_id:
        raise ValidationError({"assignment": ValidationError(ERROR_OWN_ROLES, code="own_roles")})
    if successor.pk == assignment.user_id:
        raise ValidationError({"successor": ValidationError(ERROR_SAME_PERSON, code="same_person")})
    holds_role = RoleAssignment.objects.active(today).filter(
        user=successor, role=assignment.role, organisation=assignment.organisation
    )
    if not successor.is_active or not holds_role.exists():
        raise ValidationError(
            {
                "successor": ValidationError(
                    ERROR_SUCCESSOR_LACKS_ROLE
                    % {
                        "person": successor,
                        "role": assignment.get_role_display().lower(),
                        "organisation": assignment.organisation,
                    },
                    code="successor_lacks_role",
                )
            }
        )
    context = HandoverContext(assignment, assignment.user, successor, today)
    moved = {step.key: step.move(context) for step in handover.steps()}
    assignment.end_date = context.last_day
    set_change_reason(assignment, context.reason)
    assignment.save(update_fields=["end_date"])
    return Handover.objects.create(
        role_assignment=assignment,
        from_user=context.from_user,
        to_user=successor,
        performed_by=by,
        moved=moved,
    )


@dataclass(frozen=True)
class OrphanGroup:
    key: str
    label: str | Promise
    rows: list[Any]


def find_orphans() -> list[OrphanGroup]:
    """Everything still pointing at a person without the active role it needs (one query each)."""
    return [OrphanGroup(s.key, s.label, list(s.orphans())) for s in handover.steps()]


# The councils app's own hand-over steps.


def _move_memberships(ctx: HandoverContext) -> int:
    held = Membership.objects.active(ctx.today).filter(
        user=ctx.from_user, organisation=ctx.organisation
    )
    already = set(
        Membership.objects.active(ctx.today)
        .filter(user=ctx.to_user, body__in=held.values("body"))
        .values_list("body_id", flat=True)
    )
    count = 0
    for membership in held.select_related("body"):
        membership.end_date = ctx.last_day
        set_change_reason(membership, ctx.reason)
        membership.save(update_fields=["end_date"])
        if membership.body_id not in already:
            successor_seat = Membership(
                body=membership.body,
                user=ctx.to_user,
                organisation=membership.organisation,
                kind=membership.kind,
                start_date=ctx.today,
            )
            set_change_reason(successor_seat, ctx.reason)
            successor_seat.save()
        count += 1
    return count


def _membership_orphans() -> models.QuerySet[Membership]:
    return (
        Membership.objects.active()
        .annotate(ok=role_in_force("user", "organisation"))
        .filter(ok=False)
        .select_related("user", "body", "organisation")
    )


def _move_action_plan(ctx: HandoverContext) -> int:
    lines = ActionPlanAssignment.objects.filter(municipality=ctx.organisation).filter(
        Q(coordinator=ctx.from_user) | Q(fallback=ctx.from_user)
    )
    count = 0
    for line in lines.select_for_update():
        if line.coordinator_id == ctx.from_user.pk:
            line.coordinator = ctx.to_user
        if line.fallback_id == ctx.from_user.pk:
            line.fallback = ctx.to_user
        if line.fallback_id == line.coordinator_id:
            line.fallback = None
        set_change_reason(line, ctx.reason)
        line.save(update_fields=["coordinator", "fallback"])
        count += 1
    return count


def _action_plan_orphans() -> models.QuerySet[ActionPlanAssignment]:
    def coordinator(field: str) -> Exists:
        return Exists(
            RoleAssignment.objects.active().filter(
                user=OuterRef(field),
                organisation=OuterRef("municipality"),
                role=Role.COORDINATOR,
                user__is_active=True,
            )
        )

    return (
        ActionPlanAssignment.objects.annotate(
            main_ok=coordinator("coordinator"), fallback_ok=coordinator("fallback")
        )
        .filter(Q(main_ok=False) | Q(fallback__isnull=False, fallback_ok=False))
        .select_related("municipality", "coordinator", "fallback")
    )


def _move_medskick(ctx: HandoverContext) -> int:
    items = list(Medskick.objects.open().filter(handler=ctx.from_user).select_for_update())
    for item in items:
        item.handler = ctx.to_user
        set_change_reason(item, ctx.reason)
        item.save(update_fields=["handler"])
    return len(items)


def _medskick_orphans() -> models.QuerySet[Medskick]:
    roles = RoleAssignment.objects.active().filter(user=OuterRef("handler"), user__is_active=True)
    return (
        Medskick.objects.open()
        .filter(handler__isnull=False)
        .annotate(ok=Exists(roles))
        .filter(ok=False)
        .select_related("handler", "sender", "receiver")
    )


def register_handover() -> None:
    """The councils' hand-over steps (called from CouncilsConfig.ready)."""
    handover.register(
        HandoverStep(
            "memberships", gettext_lazy("Memberships"), _move_memberships, _membership_orphans
        )
    )
    handover.register(
        HandoverStep(
            "action_plan",
            gettext_lazy("Action plan lines"),
            _move_action_plan,
            _action_plan_orphans,
        )
    )
    handover.register(
        HandoverStep("medskick", gettext_lazy("Open medskick"), _move_medskick, _medskick_orphans)
    )


# The write path of medskick and of the agreement's termination. Each service validates the whole
# row with full_clean, so every guarded free-text field is checked whichever road led here, and
# records who changed it in the row's history.


def _validated_save(
    obj: models.Model,
    *,
    by: User,
    reason: str = "",
    rename: dict[str, str] | None = None,
) -> None:
    """full_clean, then save with the history's user and reason; field names as the caller's."""
    try:
        obj.full_clean()
    except ValidationError as error:
        if rename and hasattr(error, "error_dict"):
            raise ValidationError(
                {rename.get(name, name): errors for name, errors in error.error_dict.items()}
            ) from error
        raise
    set_history_user(obj, by)
    if reason:
        set_change_reason(obj, reason)
    obj.save()


# The version of the cached page parts that list open medskick (the agenda; sutohamu.fragments).
MEDSKICK_VERSION = "medskick"


def _medskick_locked(medskick: Medskick, action: str) -> Medskick:
    """The row under lock, refused unless the action may start from its status."""
    locked = Medskick.objects.select_for_update().get(pk=medskick.pk)
    if not MEDSKICK_STATES.allows(locked.status, action):
        raise ValidationError(
            ERROR_MEDSKICK_WRONG_STATUS % {"status": locked.get_status_display().lower()},
            code="wrong_status",
        )
    return locked


@transaction.atomic
def medskick_create(
    *, sender: Body, receiver: Body, area: str, title: str, text: str, by: User
) -> Medskick:
    """Send a medskick from a body the person edits."""
    if not Body.objects.changeable_by(by).filter(pk=sender.pk).exists():
        raise ValidationError(
            {"sender": ValidationError(ERROR_MEDSKICK_SENDER_NOT_OWN, code="sender_not_own")}
        )
    item = Medskick(sender=sender, receiver=receiver, area=area, title=title, text=text, sent_by=by)
    _validated_save(item, by=by)
    fragments.bump(MEDSKICK_VERSION)
    return item


@transaction.atomic
def medskick_receive(*, medskick: Medskick, by: User) -> Medskick:
    """The receiving body marks the medskick received; the first to do so handles it."""
    item = _medskick_locked(medskick, "receive")
    item.status, item.received_at = MedskickStatus.RECEIVED, timezone.now()
    item.handler = item.handler or by
    _validated_save(item, by=by, reason=gettext("Marked as received."))
    fragments.bump(MEDSKICK_VERSION)
    return item


@transaction.atomic
def medskick_answer(*, medskick: Medskick, text: str, by: User) -> Medskick:
    """The receiving body answers; the person answering becomes its handler."""
    item = _medskick_locked(medskick, "answer")
    if not text.strip():
        raise ValidationError(
            {"answer": ValidationError(ERROR_MEDSKICK_NO_ANSWER, code="answer_missing")}
        )
    now = timezone.now()
    item.received_at = item.received_at or now
    item.status, item.answer, item.answered_at = MedskickStatus.ANSWERED, text.strip(), now
    item.handler = by
    _validated_save(item, by=by, reason=gettext("The answer was saved."))
    fragments.bump(MEDSKICK_VERSION)
    return item


@transaction.atomic
def medskick_close(*, medskick: Medskick, by: User) -> Medskick:
    """Either side closes the medskick; nothing changes it afterwards."""
    item = _medskick_locked(medskick, "close")
    item.status, item.closed_at = MedskickStatus.CLOSED, timezone.now()
    _validated_save(item, by=by, reason=gettext("The medskick was closed."))
    fragments.bump(MEDSKICK_VERSION)
    return item


@transaction.atomic
def agreement_terminate(
    *, agreement: Agreement, party: Organisation, on: datetime.date, reason: str, by: User
) -> Agreement:
    """Record a party's termination; the agreement is then ended for all parties."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if not locked.in_force:
        raise ValidationError(ERROR_AGREEMENT_ENDED, code="already_terminated")
    if not locked.parties.filter(pk=party.pk).exists():
        raise ValidationError(
            {"party": ValidationError(ERROR_AGREEMENT_NOT_A_PARTY, code="not_a_party")}
        )
    if on < locked.start_date:
        raise ValidationError(
            {
                "on": ValidationError(
                    ERROR_AGREEMENT_ENDS_BEFORE_START % {"date": locked.start_date},
                    code="ends_before_start",
                )
            }
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(ERROR_AGREEMENT_NO_REASON, code="reason_missing")}
        )
    locked.terminated_by, locked.terminated_on = party, on
    locked.termination_reason = reason.strip()
    _validated_save(
        locked,
        by=by,
        reason=gettext("The agreement is terminated for all parties."),
        rename={"termination_reason": "reason", "terminated_on": "on", "terminated_by": "party"},
    )
    return locked


@transaction.atomic
def agreement_document_replace(
    *, agreement: Agreement, document: UploadedFile, by: User
) -> Agreement:
    """Store the signed document; the one it replaces is removed once this commits.

    The agreement's history keeps each document's name and SHA-256, so what was signed stays
    provable without keeping the superseded file itself.
    """
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    digest = hashlib.sha256()
    for chunk in document.chunks():
        digest.update(chunk)
    previous = locked.document.name if locked.document else ""
    locked.document.save(document.name or "avtal.pdf", document, save=False)
    locked.document_sha256 = digest.hexdigest()
    _validated_save(locked, by=by, reason=gettext("A new signed document was uploaded."))
    storage = locked.document.storage
    if previous and previous != locked.document.name:
        # After the commit: a refused or rolled-back upload leaves the signed document in place.
        transaction.on_commit(lambda: storage.delete(previous))
    return locked


@transaction.atomic
def priority_save(
    *, priority: Priority, by: User, rights: PriorityRights | None = None
) -> Priority:
    """Create or change a priority; a joint one needs the working group's decision.

    Who keeps which priority is PriorityRights (read once: a view passes the rights it already
    read for its door); it is applied here to the row as stored and as it is to be saved. The
    decision rule lives in Priority.clean, so full_clean here applies it on every road.
    """
    rights = rights or priority_rights(by)
    rights.check(priority.scope, priority.municipality_id)
    if priority.pk is not None:
        stored = Priority.objects.select_for_update().get(pk=priority.pk)
        if not rights.allows(stored):
            raise ValidationError(ERROR_PRIORITY_NOT_ALLOWED, code="not_allowed")
    _validated_save(priority, by=by)
    return priority


# The structure's plain records: a body's name, its yearly meeting plan, a citizen promise and its
# activities, a municipality's action plan. The door (councils.access) decides who reaches them;
# these validate the whole row and record who changed it, on every road.


@transaction.atomic
def body_save(*, body: Body, by: User) -> Body:
    _validated_save(body, by=by)
    return body


@transaction.atomic
def meeting_plan_save(*, body: Body, year: int, planned_meetings: int, by: User) -> MeetingPlan:
    """Set a year's number of planned meetings; a refused count keeps the saved plan."""
    plan = MeetingPlan.objects.select_for_update().filter(body=body, year=year).first()
    plan = plan or MeetingPlan(body=body, year=year)
    plan.planned_meetings = planned_meetings
    _validated_save(plan, by=by)
    return plan


@transaction.atomic
def promise_save(*, promise: CitizenPromise, by: User) -> CitizenPromise:
    """A new promise only for a municipality of one's own (the form offers no other)."""
    own = promise_municipalities(by).filter(pk=promise.municipality_id)
    if promise.pk is None and not own.exists():
        raise ValidationError(ERROR_NOT_YOUR_MUNICIPALITY, code="not_allowed")
    _validated_save(promise, by=by)
    return promise


@transaction.atomic
def activity_save(*, activity: PromiseActivity, by: User) -> PromiseActivity:
    _validated_save(activity, by=by)
    return activity


@transaction.atomic
def action_plan_save(*, assignment: ActionPlanAssignment, by: User) -> ActionPlanAssignment:
    """Which coordinator (and fallback) a new concern in the area goes to."""
    if not can_change_action_plan(by, assignment.municipality_id):
        raise ValidationError(ERROR_NOT_YOUR_MUNICIPALITY, code="not_allowed")
    _validated_save(assignment, by=by)
    return assignment
