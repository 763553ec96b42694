"""Who sits in which body, in what capacity, and a body's meeting plan for a year."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.capabilities import Capability, has_capability
from accounts.models import Organisation
from sutohamu.dates import in_force, validate_date_order

from ..choices import MembershipKind
from .organisations import Body

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: datetime.date | None = None) -> MembershipQuerySet:
        return self.filter(in_force(on))

    def visible_to(self, user: AnyUser) -> MembershipQuerySet:
        """The seats of the bodies the person sees."""
        return self.filter(body__in=Body.objects.visible_to(user))

    def changeable_by(self, user: AnyUser) -> MembershipQuerySet:
        """Only the administrator, who manages memberships (in the admin site), changes seats."""
        if has_capability(user, Capability.MANAGE_ACCOUNTS):
            return self.all()
        return self.none()


class Membership(models.Model):
    """A person's seat in a body: member, co-opted (adjungerad) or chair, for a period."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("represents"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    kind = models.CharField(_("kind of membership"), max_length=16, choices=MembershipKind.choices)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "kind", "user"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=Q(end_date__isnull=True),
                name="one_open_membership_per_body_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()}), {self.body}"

    def clean(self) -> None:
        validate_date_order(self.start_date, self.end_date, "end_date")


class MeetingPlanQuerySet(models.QuerySet["MeetingPlan"]):
    def visible_to(self, user: AnyUser) -> MeetingPlanQuerySet:
        """A body's meeting plan is read by whoever sees the body."""
        return self.filter(body__in=Body.objects.visible_to(user))

    def changeable_by(self, user: AnyUser) -> MeetingPlanQuerySet:
        """Whoever changes the body sets its meeting plan."""
        return self.filter(body__in=Body.objects.changeable_by(user))


class MeetingPlan(models.Model):
    """How many meetings a body plans in a year; the meetings issue schedules them."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="meeting_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_meetings = models.PositiveSmallIntegerField(_("planned meetings"))
    history = HistoricalRecords()

    objects = MeetingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting plan")
        verbose_name_plural = _("meeting plans")
        ordering = ["body", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="one_meeting_plan_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}: {self.planned_meetings}"

    def clean(self) -> None:
        if self.body_id is not None and self.planned_meetings is not None:
            try:
                self.body.check_meeting_count(self.planned_meetings)
            except ValidationError as error:
                raise ValidationError({"planned_meetings": error}) from error
