"""Handlingsplan: which coordinator takes which area of concern in a municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation, is_coordinator_of

from ..choices import Area
from ..handover import steps

ERROR_NOT_COORDINATOR = _("The person is not an active coordinator of this municipality.")
ERROR_FALLBACK_SAME = _("The fallback must be another person than the coordinator.")

if TYPE_CHECKING:
    pass


class ActionPlanAssignment(models.Model):
    """One line of a municipality's action plan, so a new case gets an owner at once."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="action_plan",
    )
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="action_plan_assignments",
    )
    fallback = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fallback coordinator"),
        on_delete=models.PROTECT,
        related_name="action_plan_fallbacks",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action plan line")
        verbose_name_plural = _("action plan")
        ordering = ["municipality__name", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "area"], name="one_owner_per_area_and_municipality"
            ),
            models.CheckConstraint(
                condition=Q(fallback__isnull=True) | ~Q(fallback=models.F("coordinator")),
                name="fallback_differs_from_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_area_display()}"

    def clean(self) -> None:
        if self.municipality_id is None:
            return
        if self.coordinator_id and not is_coordinator_of(self.coordinator, self.municipality):
            raise ValidationError(
                {"coordinator": ValidationError(ERROR_NOT_COORDINATOR, code="not_coordinator")}
            )
        if self.fallback_id:
            if self.fallback_id == self.coordinator_id:
                raise ValidationError(
                    {"fallback": ValidationError(ERROR_FALLBACK_SAME, code="fallback_same")}
                )
            if self.fallback is not None and not is_coordinator_of(
                self.fallback, self.municipality
            ):
                raise ValidationError(
                    {"fallback": ValidationError(ERROR_NOT_COORDINATOR, code="not_coordinator")}
                )


class Handover(models.Model):
    """The record of one hand-over (överlämning): who left which role to whom, and what moved."""

    role_assignment = models.ForeignKey(
        "accounts.RoleAssignment",
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="handovers_received",
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("performed"), auto_now_add=True)
    moved = models.JSONField(_("what moved"), default=dict)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"

    def moved_items(self) -> list[tuple[str, int]]:
        """What moved, under each step's readable label (keys of steps since removed kept)."""
        labels = {step.key: str(step.label) for step in steps()}
        return [(labels.get(key, key), count) for key, count in self.moved.items()]
