"""Long-term follow-up: the commitment planned at assessment, the thinning contact cadence, the
contact log, changes to the plan (each with a reason) and early-closure decisions.

The seed's lesson: the classic mistake is to end too early. So the commitment is planned before
the work starts, contact thins out but goes on, and closing before the minimum period needs a
working-group decision.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.fields import GuardedCharField, GuardedTextField

from .case import Case

WEEKS, MONTHS = "weeks", "months"
UNITS = (WEEKS, MONTHS)
# How far ahead two cadences are compared to tell whether a change thins the contact out.
COMPARE_MONTHS = 36


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to `end` (0 if `end` is earlier)."""
    delta = relativedelta(end, start)
    return max(0, delta.years * 12 + delta.months)


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class PlanChangeKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    CADENCE = "cadence", _("Contact cadence")
    TEAM = "team", _("Team")


@dataclass(frozen=True)
class Phase:
    """Contact every `every` weeks or months, for `months` months (None: from then on)."""

    every: int
    unit: str
    months: int | None

    def after(self, day: datetime.date) -> datetime.date:
        """The contact one step after `day`."""
        if self.unit == WEEKS:
            return day + datetime.timedelta(weeks=self.every)
        return day + relativedelta(months=self.every)

    def as_dict(self) -> dict[str, Any]:
        return {"every": self.every, "unit": self.unit, "months": self.months}


def default_cadence() -> list[dict[str, Any]]:
    return [dict(phase) for phase in settings.FOLLOWUP_CADENCE]


def phases_of(cadence: list[dict[str, Any]]) -> list[Phase]:
    return [Phase(int(p["every"]), str(p["unit"]), p.get("months")) for p in cadence]


def validate_cadence(cadence: Any) -> None:
    """A list of one to five phases; every one but the last lasts some months."""
    error = ValidationError(_("The contact cadence is not valid."), code="bad_cadence")
    if not isinstance(cadence, list) or not 1 <= len(cadence) <= 5:
        raise error
    for index, phase in enumerate(cadence):
        if not isinstance(phase, dict) or phase.get("unit") not in UNITS:
            raise error
        every, months = phase.get("every"), phase.get("months")
        if not isinstance(every, int) or not 1 <= every <= 52:
            raise error
        last = index == len(cadence) - 1
        if not last and (not isinstance(months, int) or not 1 <= months <= 120):
            raise error
        if last and months is not None:
            raise error


def phase_on(cadence: list[dict[str, Any]], started_on: datetime.date, day: datetime.date) -> Phase:
    """The phase of the cadence that applies on `day` of a follow-up started on `started_on`."""
    phases = phases_of(cadence)
    boundary = started_on
    for phase in phases:
        if phase.months is None:
            return phase
        boundary = boundary + relativedelta(months=phase.months)
        if day < boundary:
            return phase
    return phases[-1]


def next_contact(
    cadence: list[dict[str, Any]], started_on: datetime.date, last: datetime.date | None
) -> datetime.date:
    """The next contact: one step of the phase in force after the last contact (or the start)."""
    base = last or started_on
    return phase_on(cadence, started_on, base).after(base)


def planned_contacts(
    cadence: list[dict[str, Any]], started_on: datetime.date, months: int = COMPARE_MONTHS
) -> list[datetime.date]:
    """Every contact the cadence plans over `months`, when each is kept on its day."""
    end = started_on + relativedelta(months=months)
    days: list[datetime.date] = []
    day = next_contact(cadence, started_on, None)
    while day <= end:
        days.append(day)
        day = next_contact(cadence, started_on, day)
    return days


def contacts_through(
    cadence: list[dict[str, Any]], started_on: datetime.date, through: datetime.date
) -> int:
    """How many contacts the cadence plans from its start up to and including `through`, each
    kept on its day: the number of `planned_contacts` on or before `through`, counted from the
    phases' lengths and steps (the report counts hundreds of thousands of planned contacts)."""
    return contacts_counter(cadence, started_on)(through)


def contacts_counter(
    cadence: list[dict[str, Any]], started_on: datetime.date
) -> Callable[[datetime.date], int]:
    """`contacts_through` of one plan as a function of the day: the phases' bases and lengths
    worked out once (the report asks it for many days of the same start)."""
    # (phase, its first base, contacts before it, bases in it: None for the phase in force
    # from there on, see `phase_on`)
    parts: list[tuple[Phase, datetime.date, int, int | None]] = []
    phases = phases_of(cadence)
    base, count = started_on, 0
    boundary = started_on
    for index, phase in enumerate(phases):
        if phase.months is None or index == len(phases) - 1:
            upper = None
        else:
            boundary = boundary + relativedelta(months=phase.months)
            upper = boundary
            if base >= upper:
                continue
        steps = _steps_before(phase, base, upper)
        parts.append((phase, base, count, steps))
        if steps is None:
            break
        count += steps
        base = _step(phase, base, steps)

    def through(day: datetime.date) -> int:
        for phase, first, before, steps in parts:
            counted = _steps_through(phase, first, day)
            if steps is None or counted < steps:
                return before + counted
        return count

    return through


def _step(phase: Phase, base: datetime.date, n: int) -> datetime.date:
    """The contact `n` steps of `phase` after `base` (months clipped at each step, as stepping
    one by one does: 31 January, 28 February, 28 March)."""
    if phase.unit == WEEKS:
        return base + datetime.timedelta(weeks=phase.every * n)
    month = base.year * 12 + base.month - 1 + phase.every * n
    return datetime.date(month // 12, month % 12 + 1, _day_after(phase, base, n))


def _day_after(phase: Phase, base: datetime.date, n: int) -> int:
    """The day of the month `n` monthly steps after `base`: the shortest month passed clips it."""
    day = base.day
    if day <= 28:
        return day
    start = base.year * 12 + base.month - 1
    for t in range(1, n + 1):
        month = start + phase.every * t
        day = min(day, calendar.monthrange(month // 12, month % 12 + 1)[1])
        if day == 28:
            break
    return day


def _steps_through(phase: Phase, base: datetime.date, through: datetime.date) -> int:
    """How many steps of `phase` from `base` land on or before `through`."""
    if through <= base:
        return 0
    if phase.unit == WEEKS:
        return (through - base).days // (7 * phase.every)
    start = base.year * 12 + base.month - 1
    n = (through.year * 12 + through.month - 1 - start) // phase.every
    if n > 0 and _step(phase, base, n) > through:
        n -= 1
    return n


def _steps_before(phase: Phase, base: datetime.date, upper: datetime.date | None) -> int | None:
    """How many bases from `base` on lie before `upper` (None: no end)."""
    if upper is None:
        return None
    return 1 + _steps_through(phase, base, upper - datetime.timedelta(days=1))


def thins_out(
    old: list[dict[str, Any]], new: list[dict[str, Any]], started_on: datetime.date
) -> bool:
    """Whether the new cadence has had fewer contacts than the old one by any point in time.

    Every second week turned monthly is thinner in the first months even if the monthly rhythm
    later plans more contacts than the old quarterly one.
    """
    old_days = planned_contacts(old, started_on)
    new_days = planned_contacts(new, started_on)
    return any(
        sum(1 for d in new_days if d <= day) < index for index, day in enumerate(old_days, start=1)
    )


def minimum_end(started_on: datetime.date) -> datetime.date:
    """The first day a case followed up since `started_on` may be closed without a decision."""
    return started_on + relativedelta(months=settings.FOLLOWUP_MINIMUM_MONTHS)


def split_team(roles: str) -> list[str]:
    """The team's roles as written ("elevhälsa, mentor"), one entry each, compared loosely."""
    return [part.strip() for part in roles.replace(";", ",").split(",") if part.strip()]


class Commitment(models.Model):
    """How long the municipality expects to stay involved, and with which team (never names)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="commitment")
    months = models.PositiveSmallIntegerField(
        _("planned commitment (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    team_roles = GuardedCharField(
        _("team (roles)"),
        max_length=300,
        blank=True,
        help_text=_("Roles, separated by commas, for example “elevhälsa, mentor, fältassistent”."),
    )
    team_organisations = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("team (organisations)"),
        blank=True,
        related_name="+",
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_at = models.DateTimeField(_("planned"), default=timezone.now)
    history = HistoricalRecords(m2m_fields=[team_organisations])

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"{self.case}: {self.months}"


class FollowUpPlan(models.Model):
    """The contact cadence of a case in follow-up, and its next contact derived from it."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="followup_plan")
    started_on = models.DateField(_("follow-up started"))
    cadence = models.JSONField(
        _("contact cadence"), default=default_cadence, validators=[validate_cadence]
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    next_contact_on = models.DateField(_("next contact"), db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up plan")
        verbose_name_plural = _("follow-up plans")
        # The status report counts each plan's contacts by the periods' ends: read from the
        # indexes alone (`reports.figures.Facts.held_by`).
        indexes = [models.Index(fields=["case", "started_on"], name="followupplan_case_started")]

    def __str__(self) -> str:
        return f"{self.case}: {self.next_contact_on}"

    def derive_next(self) -> None:
        self.next_contact_on = next_contact(self.cadence, self.started_on, self.last_contact_on)

    @property
    def phases(self) -> list[Phase]:
        return phases_of(self.cadence)

    @property
    def minimum_end(self) -> datetime.date:
        return minimum_end(self.started_on)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.next_contact_on < (today or timezone.localdate())

    def months_followed(self, today: datetime.date | None = None) -> int:
        return months_between(self.started_on, today or timezone.localdate())


class Contact(models.Model):
    """One contact in the follow-up: when, what kind, who took part (roles), a short note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind of contact"), max_length=16, choices=ContactKind.choices)
    who = GuardedCharField(
        _("who took part"),
        max_length=200,
        help_text=_("Roles or organisations, for example “samordnare, elevhälsan”. No names."),
    )
    note = GuardedTextField(_("short note"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["case", "on"], name="contact_case_on")]

    def __str__(self) -> str:
        return f"{self.case}: {self.on} {self.kind}"

    def clean(self) -> None:
        if self.on and self.on > timezone.localdate():
            raise ValidationError(
                {"on": ValidationError(_("A contact cannot be in the future."), code="future")}
            )


class PlanChange(models.Model):
    """A change to the commitment, the cadence or the team, with its reason: never silent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_changes")
    kind = models.CharField(_("what changed"), max_length=16, choices=PlanChangeKind.choices)
    thinned = models.BooleanField(_("less contact or a smaller team"), default=False)
    reason = GuardedTextField(_("reason"), max_length=1000, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("change to the follow-up plan")
        verbose_name_plural = _("changes to the follow-up plan")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(thinned=False) | ~models.Q(reason=""),
                name="thinning_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.kind}"


class EarlyClosure(models.Model):
    """The working group's decision to close a case before the minimum follow-up period."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="early_closures")
    reason = GuardedTextField(_("reason"), max_length=2000)
    decided_on = models.DateField(_("decided on"))
    decision_reference = GuardedCharField(_("decision reference"), max_length=40)
    # Found through sutohamu.decisions (the meetings app) rather than typed in.
    verified = models.BooleanField(_("decision found in the minutes"), default=False)
    body_name = GuardedCharField(_("body"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("early-closure decision")
        verbose_name_plural = _("early-closure decisions")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.decision_reference}"
