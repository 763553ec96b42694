"""Measures (insatser) taken in a case."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.dates import validate_date_order
from sutohamu.fields import GuardedCharField, GuardedTextField

from ..choices import MeasureKind, MeasureStatus
from .case import Case


class Measure(models.Model):
    """A measure with its responsible organisation, status, planned and actual dates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind of measure"), max_length=24, choices=MeasureKind.choices)
    description = GuardedTextField(_("description"), blank=True, max_length=2000)
    responsible = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = GuardedCharField(
        _("responsible unit"),
        max_length=120,
        blank=True,
        help_text=_("For example the school, social services or leisure."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    outcome = GuardedTextField(_("outcome"), blank=True, max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["case", "planned_start", "pk"]
        # The desk's "not scheduled" list: few rows among all measures, found without a scan.
        indexes = [
            models.Index(
                fields=["case"],
                condition=Q(
                    planned_start__isnull=True,
                    planned_end__isnull=True,
                    status__in=[MeasureStatus.PLANNED, MeasureStatus.ONGOING],
                ),
                name="measure_unscheduled",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="measure_planned_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="measure_actual_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        validate_date_order(self.planned_start, self.planned_end, "planned_end")
        validate_date_order(self.actual_start, self.actual_end, "actual_end")

    @property
    def is_open(self) -> bool:
        return self.status in {MeasureStatus.PLANNED, MeasureStatus.ONGOING}
