"""The write path of a case and its parts: intake, life cycle, edits, owner, notes, measures,
consents and pseudonyms. Each function validates the whole object (so every guarded field is
checked on every road), records who did it in the history, and raises ValidationError with a
stable code that tests assert."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import Capability, has_capability
from accounts.models import Organisation, User
from accounts.notifications import notify, register_kind, register_target
from councils.services import assign_owner
from sutohamu import decisions
from sutohamu.counters import next_number
from sutohamu.history import set_change_reason, set_history_user
from sutohamu.pii import check_no_personal_data

from . import lifecycle
from .choices import OPEN_ESCALATION, CaseStatus, MeasureStatus
from .models import (
    Case,
    CaseCounter,
    Consent,
    EarlyClosure,
    Escalation,
    FollowUpPlan,
    Measure,
    Note,
    Subject,
    Transition,
)
from .written import case_written

ERROR_STALE = gettext_lazy(
    "Someone else changed this case while you were editing it. Your changes are kept below: "
    "compare them with the current case and save again."
)
ERROR_WRONG_TRANSITION = gettext_lazy("A case that is %(current)s cannot be moved to %(target)s.")
ERROR_REASON_REQUIRED = gettext_lazy("Give a reason: closing and reopening a case need one.")
ERROR_NO_AREA = gettext_lazy("Choose at least one area.")
ERROR_NOT_A_COORDINATOR = gettext_lazy("The new owner must be a coordinator of %(municipality)s.")
ERROR_SAME_OWNER = gettext_lazy("That person already owns the case.")
ERROR_REASON_FOR_OWNER = gettext_lazy("Give a reason for the change of owner.")
ERROR_DUPLICATE_PSEUDONYM = gettext_lazy("Each pseudonym can appear only once in a case.")
ERROR_OPEN_ITEMS = gettext_lazy(
    "The case still has open escalations or unfinished measures. Close them with the case, or "
    "settle them first."
)
ERROR_MINIMUM_PERIOD = gettext_lazy(
    "A case is followed up for at least %(months)s months: this one can be closed from "
    "%(date)s, or earlier only on the working group's decision."
)
ERROR_EARLY_REASON = gettext_lazy("Give the reason for closing the case early.")
ERROR_DECISION_REFERENCE = gettext_lazy("Give the reference of the working group's decision.")
ERROR_DECISION_NOT_FOUND = gettext_lazy(
    "No decision with the reference %(reference)s was found in the minutes."
)
ERROR_DECISION_NOT_ABOUT_CASE = gettext_lazy(
    "Decision %(reference)s is not an early-closure decision about case %(case)s. Choose a "
    "decision recorded in the minutes as closing this case early."
)
ERROR_FOLLOWUP_REQUIRED = gettext_lazy(
    "This case has had measures or a follow-up plan: it closes through follow-up and the minimum "
    "follow-up period, or earlier only on the working group's early-closure decision about it."
)
ERROR_DECISION_DATE = gettext_lazy("Give the date of the working group's decision.")
ERROR_FUTURE_DECISION = gettext_lazy("The decision cannot be dated in the future.")
ERROR_NOT_RESPONSIBLE = gettext_lazy(
    "You can only add measures that your own organisation is responsible for."
)


def register_notifications() -> None:
    """Notifications about a case or an escalation (called from CasesConfig.ready): rendered in
    the reader's language, shown only while the person can reach what they point at ("New for
    you" only while it is still open)."""
    register_kind("cases.new_case", gettext_lazy("New case %(reference)s is yours"))
    register_kind("cases.case_is_yours", gettext_lazy("Case %(reference)s is now yours"))
    register_kind("cases.new_escalation", gettext_lazy("New escalation of case %(reference)s"))
    register_kind(
        "cases.escalation_answered",
        gettext_lazy("Escalation of %(reference)s answered by %(receiver)s"),
    )
    register_target(
        Case,
        reachable=lambda user: Case.objects.visible_to(user),
        live=lambda user: Case.objects.visible_to(user).open(),
    )
    register_target(
        Escalation,
        reachable=lambda user: Escalation.objects.visible_to(user),
        live=lambda user: Escalation.objects.visible_to(user).open(),
    )


FINISHED_MEASURE = (MeasureStatus.DONE, MeasureStatus.CANCELLED)


class StaleEdit(ValidationError):
    """The case changed since the person loaded it (optimistic locking)."""


@dataclass(frozen=True)
class SubjectData:
    pseudonym: str
    age_band: str = ""
    residence: Organisation | None = None


def _next_number(municipality: Organisation, year: int) -> int:
    """Take the next number under a row lock; call inside the intake transaction."""
    return next_number(CaseCounter, municipality=municipality, year=year)


@transaction.atomic
def case_report(
    *,
    by: User,
    municipality: Organisation,
    areas: list[str],
    setting: str,
    title: str,
    description: str,
    discovery: str = "",
    subjects: Iterable[SubjectData] = (),
    reported_at: datetime.datetime | None = None,
) -> Case:
    """Open a case: numbered without gaps, owned at once per the action plan, owner notified.

    `reported_at` is for registering a concern that was raised earlier (and for demo data).
    """
    if not areas:
        raise ValidationError({"areas": ValidationError(ERROR_NO_AREA, code="no_area")})
    now = reported_at or timezone.now()
    year = timezone.localtime(now).year
    encoded = Case.encode_areas(areas)
    case = Case(
        municipality=municipality,
        year=year,
        areas=encoded,
        setting=setting,
        title=title.strip(),
        description=description.strip(),
        discovery=discovery.strip(),
        reported_by=by,
        reported_at=now,
        status_changed_at=now,
    )
    case.owner = assign_owner(municipality, case.primary_area)
    case.full_clean(exclude=["reference", "year", "number"])
    case.number = _next_number(municipality, year)
    case.reference = f"{municipality.code}-{year}-{case.number:04d}"
    case.save()
    for subject in subjects:
        item = Subject(case=case, **subject.__dict__)
        item.full_clean()
        item.save()
    Transition.objects.create(case=case, from_status="", to_status=case.status, by=by, at=now)
    case_written(case, listed=True)
    if case.owner is not None:
        notify(
            case.owner,
            "cases.new_case",
            params={"reference": case.reference},
            link=case_url(case),
            target=case,
        )
    return case


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


def _locked(case: Case, version: int, by: User) -> Case:
    """The case row, locked, if nobody has saved it since the person loaded `version`."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise StaleEdit(ERROR_STALE, code="stale")
    current.version += 1
    set_history_user(current, by)  # simple-history records who, also outside a request
    return current


@dataclass(frozen=True)
class EarlyClosureData:
    """The working group's decision to close before the minimum follow-up period."""

    reason: str
    decision_reference: str
    decided_on: datetime.date | None = None  # needed only while references cannot be verified


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    by: User,
    reason: str = "",
    version: int,
    early_closure: EarlyClosureData | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Move the case along its life cycle; the table in lifecycle.py decides what is allowed.

    `at` dates a change registered afterwards (demo data): no earlier than the case's last change
    and not in the future; the rules are checked as of today.

    Closing is refused while escalations are open or measures unfinished (cases/followup.py's
    close flow settles them first) and, for a case whose commitment was planned, before the
    minimum follow-up period unless the working group decided otherwise. Entering follow-up
    starts the case's follow-up plan.
    """
    current = case.status
    if case.version != version:
        # A form loaded before the last change (also the same form posted twice): stale, 409.
        raise StaleEdit(ERROR_STALE, code="stale")
    if not lifecycle.LIFE_CYCLE.allows(current, to):
        raise ValidationError(
            ERROR_WRONG_TRANSITION
            % {
                "current": CaseStatus(current).label.lower(),
                "target": CaseStatus(to).label.lower() if to in CaseStatus.values else to,
            },
            code="wrong_transition",
        )
    reason = reason.strip()
    if lifecycle.needs_reason(current, to) and not reason:
        raise ValidationError(
            {"reason": ValidationError(ERROR_REASON_REQUIRED, code="reason_required")}
        )
    transition = Transition(case=case, from_status=current, to_status=to, by=by, reason=reason)
    transition.full_clean(exclude=["case", "by"])
    locked = _locked(case, version, by)
    early = _check_closing(locked, by, early_closure) if to == CaseStatus.CLOSED else None
    when = at or timezone.now()
    if at is not None and not locked.status_changed_at <= at <= timezone.now():
        raise ValueError("a change is dated between the case's last change and now")
    locked.status, locked.status_changed_at = to, when
    if locked.owner_id is None and to == CaseStatus.ASSESSING:
        locked.owner = by  # whoever starts the assessment owns an ownerless case
    set_change_reason(locked, reason or None)
    locked.save()
    transition.at = locked.status_changed_at
    transition.save()
    if early is not None:
        early.save()
    if to == CaseStatus.FOLLOW_UP:
        _start_followup(locked)
    case_written(locked, listed=True)
    return locked


def _start_followup(case: Case) -> FollowUpPlan:
    """Every case in follow-up has a plan; coming back to follow-up keeps the one it had."""
    plan = FollowUpPlan.objects.filter(case=case).first()
    if plan is None:
        plan = FollowUpPlan(case=case, started_on=timezone.localdate())
    plan.derive_next()
    if plan.next_contact_on < timezone.localdate():
        plan.next_contact_on = timezone.localdate()
    plan.full_clean(exclude=["case"])
    plan.save()
    return plan


def open_items(case: Case) -> tuple[list[Escalation], list[Measure]]:
    """The escalations still open and the measures not done or cancelled: closing settles them."""
    escalations = list(case.escalations.filter(status__in=OPEN_ESCALATION))
    measures = list(case.measures.exclude(status__in=FINISHED_MEASURE))
    return escalations, measures


def has_been_worked(case: Case) -> bool:
    """Measures or a follow-up plan, now or ever (life-cycle rule `CLOSE_NEEDS_FOLLOWUP`)."""
    return (
        case.measures.exists()
        or FollowUpPlan.objects.filter(case=case).exists()
        or Transition.objects.filter(case=case, to_status__in=lifecycle.WORKED_STATUSES).exists()
    )


def needs_early_closure(case: Case) -> bool:
    """Whether closing the case now needs the working group's early-closure decision."""
    if not has_been_worked(case):
        return False
    if case.status != CaseStatus.FOLLOW_UP:
        return True
    plan = FollowUpPlan.objects.filter(case=case).first()
    return plan is None or timezone.localdate() < plan.minimum_end


def _check_closing(case: Case, by: User, data: EarlyClosureData | None) -> EarlyClosure | None:
    """Refuse a close that leaves parts open or skips follow-up; the decision that allows it.

    A case never worked on (no measures, no follow-up plan) closes from assessment freely. A
    worked case closes from follow-up once the minimum period has passed; anything earlier, or
    around follow-up (measures -> assessment -> closed), needs an early-closure decision about it.
    """
    escalations, measures = open_items(case)
    if escalations or measures:
        raise ValidationError(ERROR_OPEN_ITEMS, code="open_items")
    if not has_been_worked(case):
        return None
    plan = FollowUpPlan.objects.filter(case=case).first()
    if case.status != CaseStatus.FOLLOW_UP or plan is None:
        if data is None:
            raise ValidationError(ERROR_FOLLOWUP_REQUIRED, code="followup_required")
        return early_closure_for(case=case, by=by, data=data)
    today = timezone.localdate()
    if today >= plan.minimum_end:
        return None
    if data is None:
        raise ValidationError(
            ERROR_MINIMUM_PERIOD
            % {"months": settings.FOLLOWUP_MINIMUM_MONTHS, "date": plan.minimum_end.isoformat()},
            code="minimum_period",
        )
    return early_closure_for(case=case, by=by, data=data)


def early_closure_for(*, case: Case, by: User, data: EarlyClosureData) -> EarlyClosure:
    """An unsaved, validated early-closure decision; the reference is looked up when it can be."""
    errors: dict[str, ValidationError] = {}
    reason, reference = data.reason.strip(), data.decision_reference.strip()
    if not reason:
        errors["early_reason"] = ValidationError(ERROR_EARLY_REASON, code="early_reason_required")
    if not reference:
        errors["decision_reference"] = ValidationError(
            ERROR_DECISION_REFERENCE, code="decision_reference_required"
        )
    early = EarlyClosure(case=case, reason=reason, decision_reference=reference, recorded_by=by)
    if reference and decisions.can_verify():
        info = decisions.find(reference)
        if info is None:
            errors["decision_reference"] = ValidationError(
                ERROR_DECISION_NOT_FOUND % {"reference": reference}, code="decision_not_found"
            )
        elif info.kind != decisions.EARLY_CLOSURE or info.case_reference != case.reference:
            errors["decision_reference"] = ValidationError(
                ERROR_DECISION_NOT_ABOUT_CASE
                % {"reference": info.reference, "case": case.reference},
                code="decision_not_about_case",
            )
        else:
            early.decision_reference = info.reference
            early.decided_on, early.body_name, early.verified = info.date, info.body_name, True
    elif data.decided_on is None:
        errors["decided_on"] = ValidationError(ERROR_DECISION_DATE, code="decision_date_required")
    elif data.decided_on > timezone.localdate():
        errors["decided_on"] = ValidationError(ERROR_FUTURE_DECISION, code="future_date")
    else:
        early.decided_on = data.decided_on
    if errors:
        raise ValidationError(errors)
    try:
        early.full_clean(exclude=["case", "recorded_by"])
    except ValidationError as error:
        raise ValidationError(
            {("early_reason" if k == "reason" else k): v for k, v in error.error_dict.items()}
        ) from error
    return early


CONTENT_FIELDS = ("title", "description", "discovery", "setting", "areas")


@transaction.atomic
def case_update(*, case: Case, by: User, version: int, **fields: Any) -> Case:
    """Change the problem picture; refuses a stale edit rather than overwrite someone's work."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {unknown}")
    locked = _locked(case, version, by)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    case_written(locked, desk=False, listed=True)  # the codes are in the agenda's lines
    return locked


@transaction.atomic
def case_reassign(*, case: Case, owner: User, by: User, reason: str) -> Case:
    """Give the case to another coordinator of its municipality; the history says why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(ERROR_REASON_FOR_OWNER, code="reason_required")}
        )
    try:  # the reason is kept in the history, so it is guarded like every free text
        check_no_personal_data(reason, str(_("Reason")), "case")
    except ValidationError as error:
        raise ValidationError({"reason": error}) from error
    if owner.pk == case.owner_id:
        raise ValidationError({"owner": ValidationError(ERROR_SAME_OWNER, code="same_owner")})
    if not has_capability(owner, Capability.WORK_CASES, case.municipality_id):
        raise ValidationError(
            {
                "owner": ValidationError(
                    ERROR_NOT_A_COORDINATOR % {"municipality": case.municipality},
                    code="not_a_coordinator",
                )
            }
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.owner = owner
    locked.version += 1
    set_history_user(locked, by)
    set_change_reason(locked, reason)
    locked.full_clean()
    locked.save()
    case_written(locked)
    transaction.on_commit(
        lambda: notify(
            owner,
            "cases.case_is_yours",
            params={"reference": locked.reference},
            link=case_url(locked),
            target=locked,
        )
    )
    return locked


def note_add(*, case: Case, text: str, by: User) -> Note:
    note = Note(case=case, text=text.strip(), author=by)
    set_history_user(note, by)
    note.full_clean()
    note.save()
    case_written(case, desk=False)
    return note


@transaction.atomic
def measure_save(
    *, measure: Measure, by: User, responsible_ids: frozenset[int] | None = None
) -> Measure:
    """Save a new or changed measure; a receiver (`responsible_ids` given) only its own."""
    if responsible_ids is not None and measure.responsible_id not in responsible_ids:
        raise ValidationError(
            {"responsible": ValidationError(ERROR_NOT_RESPONSIBLE, code="not_responsible")}
        )
    set_history_user(measure, by)
    measure.full_clean()
    measure.save()
    case_written(measure.case)
    return measure


def consent_save(*, consent: Consent, organisations: Iterable[Organisation], by: User) -> Consent:
    """Save a consent and the organisations it covers (for a pseudonym, never a name)."""
    set_history_user(consent, by)
    consent.full_clean()
    consent.save()
    consent.organisations.set(list(organisations))
    case_written(consent.case, desk=False)
    return consent


def subject_add(*, case: Case, data: SubjectData, by: User) -> Subject:
    if case.subjects.filter(pseudonym=data.pseudonym).exists():
        raise ValidationError(
            {"pseudonym": ValidationError(ERROR_DUPLICATE_PSEUDONYM, code="duplicate_pseudonym")}
        )
    subject = Subject(case=case, **data.__dict__)
    set_history_user(subject, by)
    subject.full_clean()
    subject.save()
    case_written(case, desk=False)
    return subject
