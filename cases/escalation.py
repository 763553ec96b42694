"""Escalation rules: open, acknowledge, answer, close, withdraw; grants follow open escalations.

A case's guardian grants are recomputed from its open escalations after every change
(`sync_case_grants`): opening one grants the receiver's people the shared part of the case,
closing or withdrawing it takes that away, and history keeps both.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import ROLE_CAPABILITIES, Capability, grant_object, revoke_object
from accounts.models import RoleAssignment, User
from councils import handover
from councils.handover import HandoverContext, HandoverStep
from councils.models import Organisation

from . import timeline
from .choices import EscalationKind, EscalationStatus
from .models import Case, Escalation, Measure, ProposedMeasure, Subject
from .models.escalations import kind_for
from .services import case_url, notify

E = EscalationStatus

ERROR_TO_ITSELF = gettext_lazy("A case cannot be escalated to its own municipality.")
ERROR_ALREADY_OPEN = gettext_lazy(
    "There is already an open escalation of this case to %(receiver)s. Add to that one instead."
)
ERROR_NOT_POLICE = gettext_lazy("Only an escalation to the police records the Security Service.")
ERROR_FOREIGN_SUBJECT = gettext_lazy("A shared pseudonym must belong to this case.")
ERROR_ALREADY_ACCEPTED = gettext_lazy("This proposal has already been accepted.")

# The per-case rights each kind of receiver gets while the escalation is open.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    EscalationKind.NEIGHBOUR: ("view_case", "add_case_measure", "add_case_note"),
    EscalationKind.AGERA: ("view_case", "add_case_measure"),
    EscalationKind.POLICE: ("view_case",),
    EscalationKind.REGIONAL: ("view_case",),
}
REVIEWING_ROLES = [
    r for r, caps in ROLE_CAPABILITIES.items() if Capability.REVIEW_ESCALATIONS in caps
]


def receiving_people(organisation_ids: Iterable[int]) -> dict[int, set[int]]:
    """Organisation id -> ids of people who review its escalations today (one query)."""
    people: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in (
        RoleAssignment.objects.active()
        .filter(
            organisation_id__in=list(organisation_ids),
            role__in=REVIEWING_ROLES,
            user__is_active=True,
        )
        .values_list("organisation_id", "user_id")
    ):
        people[org_id].add(user_id)
    return people


def sync_case_grants(case: Case, exclude: Iterable[User] = ()) -> None:
    """Make the case's grants exactly what its open escalations call for."""
    from .models import CaseUserObjectPermission

    open_ones = list(case.escalations.open())
    people = receiving_people({e.receiver_id for e in open_ones})
    excluded = {u.pk for u in exclude}
    wanted = {
        (user_id, perm)
        for e in open_ones
        for user_id in people[e.receiver_id] - excluded
        for perm in PERMISSIONS[e.kind]
    }
    current = set(
        CaseUserObjectPermission.objects.filter(content_object=case).values_list(
            "user_id", "permission__codename"
        )
    )
    users = {u.pk: u for u in User.objects.filter(pk__in={u for u, _ in wanted | current})}
    for user_id, perm in wanted - current:
        grant_object(users[user_id], f"cases.{perm}", case)
    for user_id, perm in current - wanted:
        revoke_object(users[user_id], f"cases.{perm}", case)


@transaction.atomic
def escalate(
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
        raise ValidationError({"receiver": ERROR_TO_ITSELF})
    if case.escalations.open().filter(receiver=receiver).exists():
        raise ValidationError({"receiver": ERROR_ALREADY_OPEN % {"receiver": receiver}})
    subjects = list(subjects)
    if any(s.case_id != case.pk for s in subjects):
        raise ValidationError({"subjects": ERROR_FOREIGN_SUBJECT})
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
    escalation.full_clean(exclude=["case", "receiver", "created_by"])
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError as error:  # a concurrent escalation to the same receiver
        raise ValidationError({"receiver": ERROR_ALREADY_OPEN % {"receiver": receiver}}) from error
    escalation.shared_subjects.set(subjects)
    sync_case_grants(case)
    for user_id in receiving_people([receiver.pk])[receiver.pk]:
        notify(
            User(pk=user_id),
            _("New escalation of case %(reference)s") % {"reference": case.reference},
            escalation_url(escalation),
        )
    return escalation


def escalation_url(escalation: Escalation) -> str:
    return reverse("cases:escalation", args=[escalation.pk])


def _save(escalation: Escalation, by: User, fields: list[str]) -> Escalation:
    escalation._history_user = by
    escalation.save(update_fields=fields)
    return escalation


@transaction.atomic
def acknowledge(*, escalation: Escalation, by: User) -> Escalation:
    escalation.check_action("acknowledge")
    escalation.status, escalation.acknowledged_at = E.ACKNOWLEDGED, timezone.now()
    escalation.handler = escalation.handler or by
    _save(escalation, by, ["status", "acknowledged_at", "handler"])
    sync_case_grants(escalation.case)
    return escalation


@transaction.atomic
def answer(
    *, escalation: Escalation, by: User, text: str, proposals: Iterable[dict] = ()
) -> Escalation:
    """The receiver's answer: advice, and measures it proposes for the owner to accept."""
    escalation.check_action("answer")
    if not text.strip():
        raise ValidationError({"answer": _("Write an answer.")})
    now = timezone.now()
    escalation.answer = text.strip()
    escalation.status, escalation.answered_at = E.ANSWERED, now
    escalation.acknowledged_at = escalation.acknowledged_at or now
    escalation.handler = by
    escalation.full_clean(
        exclude=["case", "receiver", "created_by", "handler", "security_service_informed_by"]
    )
    _save(escalation, by, ["answer", "status", "answered_at", "acknowledged_at", "handler"])
    for proposal in proposals:
        item = ProposedMeasure(escalation=escalation, **proposal)
        item.full_clean(exclude=["escalation"])
        item.save()
    notify(
        escalation.case.owner or escalation.created_by,
        _("Escalation of %(reference)s answered by %(receiver)s")
        % {"reference": escalation.case.reference, "receiver": escalation.receiver},
        case_url(escalation.case),
    )
    return escalation


@transaction.atomic
def close_part(*, escalation: Escalation, by: User, note: str = "") -> Escalation:
    """The receiver closes its part; the grant goes with it."""
    escalation.check_action("close")
    escalation.status, escalation.closed_at = E.CLOSED, timezone.now()
    escalation.closing_note = note.strip()
    escalation.full_clean(
        exclude=["case", "receiver", "created_by", "handler", "security_service_informed_by"]
    )
    _save(escalation, by, ["status", "closed_at", "closing_note"])
    sync_case_grants(escalation.case)
    return escalation


@transaction.atomic
def withdraw(*, escalation: Escalation, by: User) -> Escalation:
    """The case owner takes the escalation back; the grant goes with it."""
    escalation.check_action("withdraw")
    escalation.status, escalation.closed_at = E.WITHDRAWN, timezone.now()
    _save(escalation, by, ["status", "closed_at"])
    sync_case_grants(escalation.case)
    return escalation


@transaction.atomic
def record_security_service(*, escalation: Escalation, by: User, on: datetime.date) -> Escalation:
    """The kommunpolis records that the Security Service was informed: when and by whom only."""
    escalation.check_action("record_security_service")
    if escalation.kind != EscalationKind.POLICE:
        raise ValidationError(ERROR_NOT_POLICE)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    escalation.security_service_informed_on = on
    escalation.security_service_informed_by = by
    return _save(escalation, by, ["security_service_informed_on", "security_service_informed_by"])


@transaction.atomic
def accept_proposal(*, proposal: ProposedMeasure, by: User) -> Measure:
    """One action: the proposed measure becomes a planned measure of the case."""
    proposal = (
        ProposedMeasure.objects.select_for_update()
        .select_related("escalation__case")
        .get(pk=proposal.pk)
    )
    if proposal.accepted_as_id:
        raise ValidationError(ERROR_ALREADY_ACCEPTED)
    measure = Measure(
        case=proposal.escalation.case,
        kind=proposal.kind,
        description=proposal.description,
        responsible=proposal.responsible,
    )
    measure._history_user = by
    measure.save()
    proposal.accepted_as = measure
    proposal._history_user = by
    proposal.save(update_fields=["accepted_as"])
    return measure


# Hand-over: a receiver's queue follows the successor, and so do the grants.


def _move_queue(ctx: HandoverContext) -> int:
    items = list(
        Escalation.objects.open()
        .filter(handler=ctx.from_user, receiver=ctx.organisation)
        .select_related("case")
    )
    for item in items:
        item.handler = ctx.to_user
        item._change_reason = ctx.reason
        item.save(update_fields=["handler"])
    cases = {
        e.case
        for e in Escalation.objects.open().filter(receiver=ctx.organisation).select_related("case")
    }
    for case in cases:
        sync_case_grants(case, exclude=[ctx.from_user])
    return len(items)


def _queue_orphans() -> QuerySet[Escalation]:
    reviewer = RoleAssignment.objects.active().filter(
        user=OuterRef("handler"),
        organisation=OuterRef("receiver"),
        role__in=REVIEWING_ROLES,
        user__is_active=True,
    )
    return (
        Escalation.objects.open()
        .filter(handler__isnull=False)
        .annotate(ok=Exists(reviewer))
        .filter(ok=False)
        .select_related("case", "receiver", "handler")
    )


handover.register(
    HandoverStep(
        "escalations",
        gettext_lazy("Escalations in the receiver's queue"),
        _move_queue,
        _queue_orphans,
    )
)


# The case timeline: escalations and what became of them.


def _timeline_entries(case: Case) -> list[timeline.Entry]:
    entries = []
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
            when = timezone.make_aware(
                datetime.datetime.combine(e.security_service_informed_on, datetime.time(12))
            )
            entries.append(
                timeline.Entry(
                    when,
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
            entries.append(
                timeline.Entry(e.closed_at, None, _("Escalation"), text % {"receiver": e.receiver})
            )
    return entries


timeline.register("escalations", _timeline_entries)
