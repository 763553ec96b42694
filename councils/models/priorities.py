"""Priorities (prioriteringar) per period, local or joint, and citizen promises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.capabilities import Capability, active_roles, organisation_ids_with
from accounts.models import Organisation
from sutohamu import decisions
from sutohamu.fields import GuardedCharField, GuardedTextField

from ..choices import ActivityStatus, Area, BodyKind, Period, PriorityOutcome, PriorityScope
from .organisations import Body

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


ERROR_JOINT_NEEDS_DECISION = _(
    "A joint priority needs the working group's decision: give the decision's reference."
)
ERROR_JOINT_NEEDS_DECISION_DATE = _("Give the date of the working group's decision.")
ERROR_DECISION_NOT_FOUND = _("No decision with the reference %(reference)s was found.")
ERROR_NOT_A_PRIORITY_DECISION = _(
    "Decision %(reference)s is not recorded as a decision on a joint priority. Give the reference "
    "of the working group's priority decision."
)
ERROR_JOINT_PRIORITY_NOT_ALLOWED = _("Only the working group's members decide joint priorities.")
ERROR_PRIORITY_NOT_ALLOWED = _(
    "Local priorities are kept by the municipality's coordinators, joint ones by the working "
    "group's members."
)


@dataclass(frozen=True)
class PriorityRights:
    """The one rule of who keeps priorities, with the person's rights read once.

    Local priorities: the municipality's coordinators (who edit their own bodies). Joint ones:
    those who edit the working group. The list's links, the form's choices, the queryset and the
    service all read it from here.
    """

    own: frozenset[int]
    joint: bool

    def allows(self, priority: Priority) -> bool:
        return self.allows_values(priority.scope, priority.municipality_id)

    def allows_values(self, scope: str, municipality_id: int | None) -> bool:
        if scope == PriorityScope.LOCAL:
            return municipality_id in self.own
        return self.joint

    def check(self, scope: str, municipality_id: int | None) -> None:
        """Refuse (on the scope field) a priority of a kind the person does not keep."""
        if self.allows_values(scope, municipality_id):
            return
        if scope == PriorityScope.JOINT:
            error = ValidationError(ERROR_JOINT_PRIORITY_NOT_ALLOWED, code="not_allowed")
        else:
            error = ValidationError(ERROR_PRIORITY_NOT_ALLOWED, code="not_allowed")
        raise ValidationError({"scope": error})


def priority_rights(user: AnyUser) -> PriorityRights:
    own = frozenset(organisation_ids_with(user, Capability.EDIT_OWN_BODIES))
    joint = Body.objects.changeable_by(user).filter(kind=BodyKind.WORKING_GROUP).exists()
    return PriorityRights(own=own, joint=joint)


class PriorityQuerySet(models.QuerySet["Priority"]):
    def visible_to(self, user: AnyUser) -> PriorityQuerySet:
        """Priorities are the cooperation's public plan: every member reads them all."""
        return self.all() if active_roles(user) else self.none()

    def changeable_by(self, user: AnyUser) -> PriorityQuerySet:
        """The priorities the person may open for editing (PriorityRights.allows as a filter)."""
        rights = priority_rights(user)
        allowed = Q(scope=PriorityScope.LOCAL, municipality_id__in=rights.own)
        if rights.joint:
            allowed |= Q(scope=PriorityScope.JOINT)
        return self.filter(allowed)


class Priority(models.Model):
    """What the cooperation decided to prioritise in one area for a year or half-year."""

    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(
        _("period"), choices=Period.choices, default=Period.YEAR
    )
    scope = models.CharField(_("scope"), max_length=8, choices=PriorityScope.choices)
    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="priorities",
        help_text=_("Only for a local priority."),
    )
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    title = GuardedCharField(_("title"), max_length=200)
    description = GuardedTextField(_("description"), blank=True, max_length=4000)
    decision_reference = GuardedCharField(
        _("decision reference"),
        max_length=120,
        blank=True,
        help_text=_("A joint priority needs the working group's decision, e.g. SUTOHAMU-2026-014."),
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    outcome = models.CharField(
        _("status at period end"),
        max_length=16,
        choices=PriorityOutcome.choices,
        default=PriorityOutcome.OPEN,
    )
    history = HistoricalRecords()

    objects = PriorityQuerySet.as_manager()

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["-year", "period", "scope", "area", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope=PriorityScope.LOCAL, municipality__isnull=False)
                | Q(scope=PriorityScope.JOINT, municipality__isnull=True),
                name="local_priority_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.scope == PriorityScope.LOCAL and self.municipality_id is None:
            raise ValidationError(
                {
                    "municipality": ValidationError(
                        _("A local priority needs a municipality."), code="local_needs_municipality"
                    )
                }
            )
        if self.scope == PriorityScope.JOINT and self.municipality_id is not None:
            raise ValidationError(
                {
                    "municipality": ValidationError(
                        _("A joint priority belongs to no single municipality."),
                        code="joint_has_no_municipality",
                    )
                }
            )
        if self.scope == PriorityScope.JOINT:
            self._check_decision()

    def _check_decision(self) -> None:
        """A joint priority rests on the working group's decision: its reference and date.

        Once the meetings app registers its look-up the reference must name a recorded decision,
        whose date is taken over; until then the reference text and the date are required.
        """
        reference = (self.decision_reference or "").strip()
        if not reference:
            raise ValidationError(
                {
                    "decision_reference": ValidationError(
                        ERROR_JOINT_NEEDS_DECISION, code="joint_needs_decision"
                    )
                }
            )
        if decisions.can_verify():
            info = decisions.find(reference)
            if info is None:
                raise ValidationError(
                    {
                        "decision_reference": ValidationError(
                            ERROR_DECISION_NOT_FOUND % {"reference": reference},
                            code="decision_not_found",
                        )
                    }
                )
            if info.kind != decisions.PRIORITY:
                raise ValidationError(
                    {
                        "decision_reference": ValidationError(
                            ERROR_NOT_A_PRIORITY_DECISION % {"reference": info.reference},
                            code="not_a_priority_decision",
                        )
                    }
                )
            self.decision_reference, self.decision_date = info.reference, info.date
        elif self.decision_date is None:
            raise ValidationError(
                {
                    "decision_date": ValidationError(
                        ERROR_JOINT_NEEDS_DECISION_DATE, code="joint_needs_decision_date"
                    )
                }
            )


ERROR_DUE_BEFORE_YEAR = _("The due date cannot be before the promise's year (%(year)s).")


def promise_municipalities(user: AnyUser) -> models.QuerySet[Organisation]:
    """The municipalities the person may write a citizen promise for (their coordinators)."""
    own = organisation_ids_with(user, Capability.EDIT_OWN_BODIES)
    return Organisation.objects.municipalities().filter(pk__in=own)


class CitizenPromiseQuerySet(models.QuerySet["CitizenPromise"]):
    def visible_to(self, user: AnyUser) -> CitizenPromiseQuerySet:
        """Citizen promises are public commitments: every member reads them all."""
        return self.all() if active_roles(user) else self.none()

    def changeable_by(self, user: AnyUser) -> CitizenPromiseQuerySet:
        """Made by police and municipality: their coordinators and the kommunpolis edit it."""
        own = organisation_ids_with(user, Capability.EDIT_OWN_BODIES)
        return self.filter(Q(municipality_id__in=own) | Q(police_area_id__in=own))


class CitizenPromise(models.Model):
    """A municipality's and the police's medborgarlöfte for one year."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="citizen_promises",
    )
    police_area = models.ForeignKey(
        Organisation,
        verbose_name=_("local police area"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = GuardedCharField(_("title"), max_length=200)
    text = GuardedTextField(_("promise"), max_length=4000)
    history = HistoricalRecords()

    objects = CitizenPromiseQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")
        ordering = ["-year", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="one_promise_per_municipality_and_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.title}"


class PromiseActivity(models.Model):
    """One activity under a citizen promise, with its owner and a follow-up note."""

    promise = models.ForeignKey(CitizenPromise, on_delete=models.CASCADE, related_name="activities")
    title = GuardedCharField(_("activity"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    follow_up = GuardedTextField(_("follow-up note"), blank=True, max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["promise", "due_date", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """An activity is due within or after its promise's year, whichever road saves it."""
        if self.promise_id is None or self.due_date is None:
            return
        year = self.promise.year
        if self.due_date.year < year:
            error = ValidationError(ERROR_DUE_BEFORE_YEAR % {"year": year}, code="due_before_year")
            raise ValidationError({"due_date": error})
