"""The write path of escalations: open, acknowledge, answer, close, withdraw, the police part.

A case's django-guardian grants are kept in step with its open escalations and the receivers'
roles (`sync_case_grants`, after every change here and whenever a role is given or changed). A
grant is a record, not a key: `Case.objects.shared_with` also checks, in the same query, that the
escalation is open and that the person reviews at the receiver today, so a grant left behind by
a role that ended by date opens nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import (
    Capability,
    grant_object,
    has_capability,
    revoke_object,
    roles_with,
)
from accounts.choices import OrganisationKind
from accounts.models import Organisation, RoleAssignment, User
from accounts.notifications import notify
from sutohamu.history import set_history_user

from . import timeline
from .choices import OPEN_ESCALATION, EscalationKind, EscalationStatus
from .models import Case, CaseUserObjectPermission, Escalation, Measure, ProposedMeasure, Subject
from .models.escalations import ESCALATION_STATES, kind_for
from .rights import RECEIVER_RIGHTS
from .services import case_url
from .written import case_written

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

E = EscalationStatus

ERROR_TO_ITSELF = gettext_lazy("A case cannot be escalated to its own municipality.")
ERROR_NO_RECEIVER = gettext_lazy(
    "Nobody at %(receiver)s receives escalations yet. Ask the administrator to give someone "
    "there a receiving role first."
)
ERROR_SECURITY_SERVICE = gettext_lazy(
    "The Security Service is informed through the police: escalate to the community police "
    "officer, who records that it was informed."
)
ERROR_ALREADY_OPEN = gettext_lazy(
    "There is already an open escalation of this case to %(receiver)s. Add to that one instead."
)
ERROR_NOT_POLICE = gettext_lazy("Only an escalation to the police records the Security Service.")
ERROR_FOREIGN_SUBJECT = gettext_lazy("A shared pseudonym must belong to this case.")
ERROR_ALREADY_ACCEPTED = gettext_lazy("This proposal has already been accepted.")
ERROR_NO_RECEIVER_CHOSEN = gettext_lazy("Choose at least one receiver.")

REVIEWING_ROLES = roles_with(Capability.REVIEW_ESCALATIONS)


def receiving_people(
    organisation_ids: Iterable[int], *, include_future: bool = False
) -> dict[int, set[int]]:
    """Organisation id -> ids of people who review its escalations today (one query).

    With `include_future`, also those whose reviewing role starts later: their grant is written
    now and opens the case on the role's first day, with no event needed then.
    """
    people: dict[int, set[int]] = defaultdict(set)
    roles = (
        RoleAssignment.objects.not_ended() if include_future else RoleAssignment.objects.active()
    )
    for org_id, user_id in roles.filter(
        organisation_id__in=list(organisation_ids),
        role__in=REVIEWING_ROLES,
        user__is_active=True,
    ).values_list("organisation_id", "user_id"):
        people[org_id].add(user_id)
    return people


def sync_case_grants(case: Case, exclude: Iterable[User] = ()) -> None:
    """Make the case's grants exactly what its open escalations call for."""
    sync_grants([case], exclude=exclude)


def sync_grants(cases: Iterable[Case], exclude: Iterable[User] = ()) -> None:
    """Make the cases' grants what their open escalations call for, in a fixed number of reads."""
    by_pk = {case.pk: case for case in cases}
    open_ones = list(Escalation.objects.open().filter(case_id__in=by_pk))
    people = receiving_people({e.receiver_id for e in open_ones}, include_future=True)
    excluded = {u.pk for u in exclude}
    wanted = {
        (e.case_id, user_id, str(right))
        for e in open_ones
        for user_id in people[e.receiver_id] - excluded
        for right in RECEIVER_RIGHTS[e.kind]
    }
    current = set(
        CaseUserObjectPermission.objects.filter(content_object_id__in=by_pk).values_list(
            "content_object_id", "user_id", "permission__codename"
        )
    )
    changed = wanted ^ current
    users = {u.pk: u for u in User.objects.filter(pk__in={u for _, u, _ in changed})}
    for case_id, user_id, perm in wanted - current:
        grant_object(users[user_id], f"cases.{perm}", by_pk[case_id])
    for case_id, user_id, perm in current - wanted:
        revoke_object(users[user_id], f"cases.{perm}", by_pk[case_id])


def role_saved(sender: type, instance: RoleAssignment, raw: bool = False, **kwargs: Any) -> None:
    """post_save of a role: the grants at its organisation follow (not while loading fixtures)."""
    if not raw:
        sync_grants_at(instance.organisation_id)


def sync_grants_at(organisation_id: int) -> None:
    """After a role at an organisation is given, changed or ended: its open escalations' grants."""
    sync_grants(
        Case.objects.filter(
            escalations__receiver_id=organisation_id, escalations__status__in=OPEN_ESCALATION
        ).distinct()
    )


@transaction.atomic
def escalation_open(
    *,
    case: Case,
    receiver: Organisation,
    by: User,
    reason: str,
    request: str,
    subjects: Iterable[Subject] = (),
    take_up_at_working_group: bool = False,
) -> Escalation:
    if receiver.pk == case.municipality_id:
        raise _field_error("receiver", ERROR_TO_ITSELF, "to_itself")
    if receiver.kind == OrganisationKind.SECURITY_SERVICE:
        raise _field_error("receiver", ERROR_SECURITY_SERVICE, "security_service_via_police")
    receivers = receiving_people([receiver.pk])[receiver.pk]
    if not receivers:
        raise _field_error("receiver", ERROR_NO_RECEIVER % {"receiver": receiver}, "no_receiver")
    if case.escalations.open().filter(receiver=receiver).exists():
        raise _field_error("receiver", ERROR_ALREADY_OPEN % {"receiver": receiver}, "already_open")
    subjects = list(subjects)
    if any(s.case_id != case.pk for s in subjects):
        raise _field_error("subjects", ERROR_FOREIGN_SUBJECT, "foreign_subject")
    escalation = Escalation(
        case=case,
        receiver=receiver,
        kind=kind_for(receiver),
        reason=reason.strip(),
        request=request.strip(),
        created_by=by,
        take_up_at_working_group=take_up_at_working_group
        and kind_for(receiver) == EscalationKind.NEIGHBOUR,
    )
    escalation.full_clean()
    set_history_user(escalation, by)
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError as error:  # a concurrent escalation to the same receiver
        message = ERROR_ALREADY_OPEN % {"receiver": receiver}
        raise _field_error("receiver", message, "already_open") from error
    escalation.shared_subjects.set(subjects)
    sync_case_grants(case)
    case_written(case, listed=True)
    for user_id in receivers:
        notify(
            user_id,
            "cases.new_escalation",
            params={"reference": case.reference},
            link=escalation_url(escalation),
            target=escalation,
        )
    return escalation


@transaction.atomic
def escalations_open(
    *,
    case: Case,
    receivers: Iterable[tuple[Organisation, Iterable[Subject]]],
    by: User,
    reason: str,
    request: str,
    take_up_at_working_group: bool = False,
) -> list[Escalation]:
    """One escalation to several receivers, each with its own shared pseudonyms: all or none.

    Each receiver goes through `escalation_open` and its rules; a refusal of any one rolls back
    the others (and their notifications and grants), so a retry never meets "already open".
    """
    chosen = list(receivers)
    if not chosen:
        raise _field_error("receiver", ERROR_NO_RECEIVER_CHOSEN, "no_receiver_chosen")
    return [
        escalation_open(
            case=case,
            receiver=receiver,
            by=by,
            reason=reason,
            request=request,
            subjects=subjects,
            take_up_at_working_group=take_up_at_working_group,
        )
        for receiver, subjects in chosen
    ]


# Which side takes which action; what the state offers is ESCALATION_STATES.
RECEIVER_ACTIONS = frozenset({"acknowledge", "answer", "close", "record_security_service"})
SENDER_ACTIONS = frozenset({"withdraw"})


def allowed_actions(escalation: Escalation, user: User) -> frozenset[str]:
    """The actions the escalation's state offers this person (as filled in by escalation_for)."""
    side = (RECEIVER_ACTIONS if escalation.is_receiver else frozenset()) | (
        SENDER_ACTIONS if escalation.is_sender else frozenset()
    )
    actions = set(side & ESCALATION_STATES.offered_from(escalation.status))
    if "record_security_service" in actions and not (
        escalation.kind == EscalationKind.POLICE
        and escalation.security_service_informed_on is None
        and has_capability(user, Capability.RECORD_SECURITY_SERVICE_NOTICE, escalation.receiver_id)
    ):
        actions.discard("record_security_service")
    return frozenset(actions)


def _field_error(field: str, message: StrOrPromise, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def escalation_url(escalation: Escalation) -> str:
    return reverse("cases:escalation", args=[escalation.pk])


def _save(escalation: Escalation, by: User, fields: list[str]) -> Escalation:
    """Validate the whole escalation, then write the changed fields with who did it."""
    escalation.full_clean()
    set_history_user(escalation, by)
    escalation.save(update_fields=fields)
    case_written(escalation.case, listed=True)  # the agenda lists escalations with their status
    return escalation


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    escalation.check_action("acknowledge")
    escalation.status, escalation.acknowledged_at = E.ACKNOWLEDGED, timezone.now()
    escalation.handler = escalation.handler or by
    _save(escalation, by, ["status", "acknowledged_at", "handler"])
    return escalation


@transaction.atomic
def escalation_answer(
    *, escalation: Escalation, by: User, text: str, proposals: Iterable[dict] = ()
) -> Escalation:
    """The receiver's answer: advice, and measures it proposes for the owner to accept."""
    escalation.check_action("answer")
    if not text.strip():
        raise _field_error("answer", _("Write an answer."), "answer_required")
    now = timezone.now()
    escalation.answer = text.strip()
    escalation.status, escalation.answered_at = E.ANSWERED, now
    escalation.acknowledged_at = escalation.acknowledged_at or now
    escalation.handler = by
    _save(escalation, by, ["answer", "status", "answered_at", "acknowledged_at", "handler"])
    for proposal in proposals:
        item = ProposedMeasure(escalation=escalation, **proposal)
        set_history_user(item, by)
        item.full_clean()
        item.save()
    notify(
        escalation.case.owner or escalation.created_by,
        "cases.escalation_answered",
        params={"reference": escalation.case.reference, "receiver": escalation.receiver},
        link=case_url(escalation.case),
        target=escalation.case,
    )
    return escalation


@transaction.atomic
def escalation_close(*, escalation: Escalation, by: User, note: str = "") -> Escalation:
    """The receiver closes its part; the grant goes with it."""
    escalation.check_action("close")
    escalation.status, escalation.closed_at = E.CLOSED, timezone.now()
    escalation.closing_note = note.strip()
    _save(escalation, by, ["status", "closed_at", "closing_note"])
    sync_case_grants(escalation.case)
    return escalation


@transaction.atomic
def escalation_withdraw(*, escalation: Escalation, by: User) -> Escalation:
    """The case owner takes the escalation back; the grant goes with it."""
    escalation.check_action("withdraw")
    escalation.status, escalation.closed_at = E.WITHDRAWN, timezone.now()
    _save(escalation, by, ["status", "closed_at"])
    sync_case_grants(escalation.case)
    return escalation


@transaction.atomic
def escalation_record_security_service(
    *, escalation: Escalation, by: User, on: datetime.date
) -> Escalation:
    """The kommunpolis records that the Security Service was informed: when and by whom only."""
    escalation.check_action("record_security_service")
    if escalation.kind != EscalationKind.POLICE:
        raise ValidationError(ERROR_NOT_POLICE, code="not_police")
    if on > timezone.localdate():
        raise _field_error("on", _("The date cannot be in the future."), "future_date")
    escalation.security_service_informed_on = on
    escalation.security_service_informed_by = by
    return _save(escalation, by, ["security_service_informed_on", "security_service_informed_by"])


@transaction.atomic
def proposal_accept(
    *,
    proposal: ProposedMeasure,
    by: User,
    planned_start: datetime.date | None = None,
    planned_end: datetime.date | None = None,
) -> Measure:
    """One action: the proposed measure becomes a planned measure of the case, with the planned
    dates the owner gives (without them it shows as not scheduled)."""
    proposal = (
        ProposedMeasure.objects.select_for_update()
        .select_related("escalation__case")
        .get(pk=proposal.pk)
    )
    if proposal.accepted_as_id:
        raise ValidationError(ERROR_ALREADY_ACCEPTED, code="already_accepted")
    measure = Measure(
        case=proposal.escalation.case,
        kind=proposal.kind,
        description=proposal.description,
        responsible=proposal.responsible,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    set_history_user(measure, by)
    measure.full_clean()
    measure.save()
    proposal.accepted_as = measure
    set_history_user(proposal, by)
    proposal.save(update_fields=["accepted_as"])
    case_written(measure.case)
    return measure


# The case timeline: escalations and what became of them.


def _closers(case: Case) -> dict[int, User | None]:
    """Who closed or withdrew each escalation of the case: its history knows (one query)."""
    closers: dict[int, User | None] = {}
    records = (
        Escalation.history.filter(case_id=case.pk, status__in=[E.CLOSED, E.WITHDRAWN])
        .select_related("history_user")
        .order_by("history_date")
    )
    for record in records:
        closers.setdefault(record.id, record.history_user)
    return closers


def _timeline_entries(case: Case) -> list[timeline.Entry]:
    entries = []
    closers: dict[int, User | None] | None = None
    for e in case.escalations.select_related(
        "receiver", "created_by", "handler", "security_service_informed_by"
    ):
        entries.append(
            timeline.Entry(
                e.created_at,
                e.created_by,
                _("Escalation"),
                _("Escalated to %(receiver)s") % {"receiver": e.receiver},
            )
        )
        if e.acknowledged_at:
            entries.append(
                timeline.Entry(
                    e.acknowledged_at,
                    e.handler,
                    _("Escalation"),
                    _("%(receiver)s acknowledged") % {"receiver": e.receiver},
                )
            )
        if e.answered_at:
            entries.append(
                timeline.Entry(
                    e.answered_at,
                    e.handler,
                    _("Escalation"),
                    _("%(receiver)s answered") % {"receiver": e.receiver},
                )
            )
        if e.security_service_informed_on:
            entries.append(
                timeline.Entry.on_day(
                    e.security_service_informed_on,
                    e.security_service_informed_by,
                    _("Escalation"),
                    _("The Security Service was informed"),
                )
            )
        if e.closed_at:
            text = (
                _("Escalation to %(receiver)s withdrawn")
                if e.status == E.WITHDRAWN
                else _("Escalation to %(receiver)s closed")
            )
            if closers is None:
                closers = _closers(case)
            entries.append(
                timeline.Entry(
                    e.closed_at,
                    closers.get(e.pk) or (e.handler if e.status == E.CLOSED else e.created_by),
                    _("Escalation"),
                    text % {"receiver": e.receiver},
                )
            )
    return entries


def register_timeline() -> None:
    timeline.register("escalations", _timeline_entries)
