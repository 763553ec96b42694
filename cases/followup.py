"""The write path of long-term follow-up: the commitment planned when a case leaves assessment,
the contact cadence and log, closing (with what is still open) and reopening.

Each function validates the whole object, records who did it, and raises ValidationError with a
stable code: `reason_required_for_thinning`, `not_in_followup`, `bad_cadence`, `open_items`,
`minimum_period`, `decision_not_found`, `decision_date_required`, `early_reason_required`,
`decision_reference_required`, `stale`, `wrong_transition`, `not_closed`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from sutohamu.history import set_change_reason, set_history_user

from .choices import CaseStatus, MeasureStatus
from .escalation import escalation_withdraw
from .lifecycle import LIFE_CYCLE
from .models import (
    Case,
    Commitment,
    Contact,
    EarlyClosure,
    FollowUpPlan,
    PlanChange,
    Transition,
)
from .models.followup import PlanChangeKind, split_team, thins_out, validate_cadence
from .services import (
    ERROR_STALE,
    EarlyClosureData,
    StaleEdit,
    case_transition,
    measure_save,
    open_items,
)
from .written import case_written

ERROR_THINNING_REASON = gettext_lazy(
    "Less contact, a shorter commitment or a smaller team is recorded with a reason: give one."
)
ERROR_NOT_IN_FOLLOWUP = gettext_lazy("Contacts are logged for a case in follow-up.")
ERROR_NOT_CLOSED = gettext_lazy("Only a closed case can be reopened.")
ERROR_REOPEN_REASON = gettext_lazy("Give a reason: reopening a case needs one.")

OpenItemsChoice = Literal["", "close", "refuse"]


@dataclass(frozen=True)
class CommitmentData:
    months: int
    team_roles: str = ""
    team_organisations: tuple[Organisation, ...] = ()


def _reason_error(field: str = "reason") -> ValidationError:
    return ValidationError(
        {field: ValidationError(ERROR_THINNING_REASON, code="reason_required_for_thinning")}
    )


@transaction.atomic
def commitment_plan(*, case: Case, by: User, data: CommitmentData, reason: str = "") -> Commitment:
    """Record or change the planned commitment; less of it (months, team) needs a reason."""
    reason = reason.strip()
    commitment = Commitment.objects.filter(case=case).first()
    before: dict[str, Any] = {}
    after: dict[str, Any]
    if commitment is not None:
        before = _commitment_state(commitment)
    else:
        commitment = Commitment(case=case, planned_by=by)
    commitment.months, commitment.team_roles = data.months, data.team_roles.strip()
    after = {
        "months": data.months,
        "team_roles": split_team(commitment.team_roles),
        "team_organisations": sorted(o.pk for o in data.team_organisations),
    }
    shorter = bool(before) and after["months"] < before["months"]
    smaller = bool(before) and (
        not set(after["team_organisations"]) >= set(before["team_organisations"])
        or not {r.lower() for r in after["team_roles"]} >= {r.lower() for r in before["team_roles"]}
    )
    if (shorter or smaller) and not reason:
        raise _reason_error()
    set_history_user(commitment, by)
    set_change_reason(commitment, reason or None)
    commitment.full_clean(exclude=["case", "planned_by"])
    commitment.save()
    commitment.team_organisations.set(list(data.team_organisations))
    case_written(case)
    if before and before != after:
        team_changed = (before["team_roles"], before["team_organisations"]) != (
            after["team_roles"],
            after["team_organisations"],
        )
        _record_change(
            case,
            by,
            PlanChangeKind.TEAM if team_changed else PlanChangeKind.COMMITMENT,
            thinned=shorter or smaller,
            reason=reason,
            before=before,
            after=after,
        )
    return commitment


def _lower(roles: list[str]) -> set[str]:
    return {role.lower() for role in roles}


def _commitment_state(commitment: Commitment) -> dict[str, Any]:
    return {
        "months": commitment.months,
        "team_roles": split_team(commitment.team_roles),
        "team_organisations": sorted(commitment.team_organisations.values_list("pk", flat=True)),
    }


def _record_change(
    case: Case,
    by: User,
    kind: str,
    *,
    thinned: bool,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> PlanChange:
    change = PlanChange(
        case=case, kind=kind, thinned=thinned, reason=reason, before=before, after=after, by=by
    )
    change.full_clean(exclude=["case", "by"])
    change.save()
    return change


@transaction.atomic
def leave_assessment(
    *, case: Case, to: str, by: User, version: int, commitment: CommitmentData
) -> Case:
    """Leave "Under bedömning" for the work: the long-term commitment is planned first."""
    if case.version != version:
        raise StaleEdit(ERROR_STALE, code="stale")
    commitment_plan(case=case, by=by, data=commitment)
    return case_transition(case=case, to=to, by=by, version=version)


def needs_commitment(case: Case, to: str) -> bool:
    """Leaving assessment for the work plans the commitment, unless it already is."""
    return (
        case.status == CaseStatus.ASSESSING
        and to in (CaseStatus.MEASURES, CaseStatus.FOLLOW_UP)
        and not Commitment.objects.filter(case=case).exists()
    )


@transaction.atomic
def cadence_update(
    *, case: Case, by: User, cadence: list[dict[str, Any]], reason: str = ""
) -> FollowUpPlan:
    """Change the case's cadence; a thinner one (fewer planned contacts) needs a reason."""
    plan = _plan_of(case)
    try:
        validate_cadence(cadence)
    except ValidationError as error:
        raise ValidationError({"cadence": error}) from error
    reason = reason.strip()
    thinner = thins_out(plan.cadence, cadence, plan.started_on)
    if thinner and not reason:
        raise _reason_error()
    if cadence == plan.cadence:
        return plan
    before = {"cadence": plan.cadence, "next_contact_on": plan.next_contact_on.isoformat()}
    plan.cadence = cadence
    plan.derive_next()
    set_history_user(plan, by)
    set_change_reason(plan, reason or None)
    plan.full_clean(exclude=["case"])
    plan.save()
    after = {"cadence": cadence, "next_contact_on": plan.next_contact_on.isoformat()}
    _record_change(
        case, by, PlanChangeKind.CADENCE, thinned=thinner, reason=reason, before=before, after=after
    )
    case_written(case)
    return plan


def _plan_of(case: Case) -> FollowUpPlan:
    plan = FollowUpPlan.objects.select_for_update().filter(case=case).first()
    if plan is None or case.status != CaseStatus.FOLLOW_UP:
        raise ValidationError(ERROR_NOT_IN_FOLLOWUP, code="not_in_followup")
    return plan


def next_contact_of(case: Case) -> datetime.date | None:
    """The case's next planned contact, or None without a follow-up plan."""
    return FollowUpPlan.objects.filter(case=case).values_list("next_contact_on", flat=True).first()


@transaction.atomic
def contact_log(
    *, case: Case, by: User, on: datetime.date, kind: str, who: str, note: str = ""
) -> Contact:
    """Log a contact; the next contact moves on from the latest one, per the cadence."""
    plan = _plan_of(case)
    contact = Contact(
        case=case, on=on, kind=kind, who=who.strip(), note=note.strip(), recorded_by=by
    )
    contact.full_clean(exclude=["case", "recorded_by"])
    contact.save()
    moved = plan.last_contact_on is None or on >= plan.last_contact_on
    if moved:
        plan.last_contact_on = on
        plan.derive_next()
        set_history_user(plan, by)
        plan.save()
    case_written(case, desk=moved)
    return contact


@transaction.atomic
def case_close(
    *,
    case: Case,
    by: User,
    version: int,
    reason: str,
    open_choice: OpenItemsChoice = "",
    early_closure: EarlyClosureData | None = None,
) -> Case:
    """Close the case; open escalations are withdrawn and unfinished measures cancelled with it
    only when the owner chose so (`open_choice="close"`), otherwise the close is refused."""
    if case.version != version:
        raise StaleEdit(ERROR_STALE, code="stale")
    if open_choice == "close":
        escalations, measures = open_items(case)
        for escalation in escalations:
            escalation_withdraw(escalation=escalation, by=by)
        today = timezone.localdate()
        for measure in measures:
            measure.status = MeasureStatus.CANCELLED
            if measure.actual_start and not measure.actual_end:
                measure.actual_end = max(today, measure.actual_start)
            measure_save(measure=measure, by=by)
    return case_transition(
        case=case,
        to=CaseStatus.CLOSED,
        by=by,
        reason=reason,
        version=version,
        early_closure=early_closure,
    )


def closed_from(case: Case) -> str:
    """The state the case was in when it was last closed (assessment if unknown)."""
    last = (
        Transition.objects.filter(case=case, to_status=CaseStatus.CLOSED)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    return last or CaseStatus.ASSESSING


@transaction.atomic
def case_reopen(*, case: Case, by: User, version: int, reason: str, to: str | None = None) -> Case:
    """Reopen to the state the case was closed from, or to the one the owner picks."""
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(ERROR_NOT_CLOSED, code="not_closed")
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(ERROR_REOPEN_REASON, code="reason_required")}
        )
    return case_transition(
        case=case, to=to or closed_from(case), by=by, reason=reason, version=version
    )


def _committed_months(case: Case) -> int | None:
    commitment: Commitment | None = getattr(case, "commitment", None)  # none planned: missing
    return commitment.months if commitment is not None else None


def section_for(case: Case) -> dict[str, Any]:
    """The case page's follow-up section; `case` came through the door (cases.access.case_for)."""
    commitment = Commitment.objects.filter(case=case).prefetch_related("team_organisations").first()
    plan = FollowUpPlan.objects.filter(case=case).first()
    return {
        "case": case,
        "commitment": commitment,
        "plan": plan,
        "contacts": list(Contact.objects.filter(case=case).select_related("recorded_by")[:50]),
        "changes": list(PlanChange.objects.filter(case=case).select_related("by")[:20]),
        "early_closures": list(
            EarlyClosure.objects.filter(case=case).select_related("recorded_by")
        ),
        "today": timezone.localdate(),
        # The links to the close and reopen forms: what the life cycle offers from here.
        "can_close": CaseStatus.CLOSED in LIFE_CYCLE.offered_from(case.status),
        "can_reopen": case.status == CaseStatus.CLOSED
        and bool(LIFE_CYCLE.offered_from(case.status)),
    }
