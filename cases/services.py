"""Rules of concern cases that span models: intake, life cycle, edits, read log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification, User
from councils.models import Organisation
from councils.services import assign_owner

from . import lifecycle
from .choices import CaseStatus, ReadKind
from .models import Case, CaseCounter, CaseRead, Subject, Transition

ERROR_STALE = gettext_lazy(
    "Someone else changed this case while you were editing it. Your changes are kept below: "
    "compare them with the current case and save again."
)
ERROR_WRONG_TRANSITION = gettext_lazy("A case that is %(current)s cannot be moved to %(target)s.")
ERROR_REASON_REQUIRED = gettext_lazy("Give a reason: closing and reopening a case need one.")
ERROR_NO_AREA = gettext_lazy("Choose at least one area.")


class StaleEdit(ValidationError):
    """The case changed since the person loaded it (optimistic locking)."""


@dataclass(frozen=True)
class SubjectData:
    pseudonym: str
    age_band: str = ""
    residence: Organisation | None = None


def _next_number(municipality: Organisation, year: int) -> int:
    """Take the next number under a row lock; call inside the intake transaction."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(municipality=municipality, year=year)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(municipality=municipality, year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


@transaction.atomic
def case_report(
    *,
    reporter: User,
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
        raise ValidationError({"areas": ERROR_NO_AREA})
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
        reported_by=reporter,
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
    Transition.objects.create(case=case, from_status="", to_status=case.status, by=reporter, at=now)
    if case.owner is not None:
        notify(
            case.owner,
            _("New case %(reference)s is yours") % {"reference": case.reference},
            case_url(case),
        )
    return case


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


def notify(user: User, text: str, link: str = "") -> Notification:
    return Notification.objects.create(user=user, text=text[:200], link=link)


def _locked(case: Case, version: int, by: User) -> Case:
    """The case row, locked, if nobody has saved it since the person loaded `version`."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise StaleEdit(ERROR_STALE, code="stale")
    current.version += 1
    current._history_user = by  # simple-history records who, also outside a request
    return current


@transaction.atomic
def case_transition(*, case: Case, to: str, by: User, reason: str = "", version: int) -> Case:
    """Move the case along its life cycle; the table in lifecycle.py decides what is allowed."""
    current = case.status
    if to not in lifecycle.allowed_from(current):
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
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    transition = Transition(case=case, from_status=current, to_status=to, by=by, reason=reason)
    transition.full_clean(exclude=["case", "by"])
    locked = _locked(case, version, by)
    locked.status, locked.status_changed_at = to, timezone.now()
    if locked.owner_id is None and to == CaseStatus.ASSESSING:
        locked.owner = by  # whoever starts the assessment owns an ownerless case
    locked._change_reason = reason or None
    locked.save()
    transition.at = locked.status_changed_at
    transition.save()
    return locked


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
    return locked


def record_read(user: User, case: Case, kind: str = ReadKind.PAGE) -> None:
    CaseRead.objects.create(user=user, case=case, kind=kind)


def record_reads(user: User, cases: Iterable[Case], kind: str = ReadKind.EXPORT) -> None:
    CaseRead.objects.bulk_create([CaseRead(user=user, case=c, kind=kind) for c in cases])
