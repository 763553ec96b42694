"""The desk's read model: one row per case and per line a desk panel can show.

Kept in step with cases, measures, escalations and follow-up plans by the write services, in
their transaction, through one function (cases/desk_rows.py); never written anywhere else. Each
panel reads one partial index of it instead of walking the owner's open cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CaseStatus, EscalationStatus, MeasureKind
from .case import Case, changeable_filter
from .escalations import Escalation
from .measures import Measure

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


class DeskKind(models.TextChoices):
    CASE = "case", _("Case")
    MEASURE_DUE = "measure_due", _("Measure with a planned end")
    MEASURE_UNSCHEDULED = "measure_unscheduled", _("Measure not scheduled")
    ESCALATION = "escalation", _("Escalation waiting for an answer")
    FOLLOW_UP = "follow_up", _("Case in follow-up")


class DeskItemQuerySet(models.QuerySet["DeskItem"]):
    """The desk is a worker's page: the rows of the cases the person works, by the cases' rule."""

    def changeable_by(self, user: AnyUser) -> DeskItemQuerySet:
        return self.filter(changeable_filter(user))

    def visible_to(self, user: AnyUser) -> DeskItemQuerySet:
        return self.changeable_by(user)


def _of(kind: DeskKind, **more: object) -> Q:
    return Q(kind=kind, **more)


class DeskItem(models.Model):
    """A line of the coordinator's desk, copied from its case, measure, escalation or plan."""

    kind = models.CharField(max_length=24, choices=DeskKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    case_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    reference = models.CharField(max_length=24)  # the case's, which never changes
    # The panel's date: a measure's planned end or a plan's next contact.
    on = models.DateField(null=True)
    # The panel's time: the case reported, or the escalation sent.
    at = models.DateTimeField()
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, null=True, related_name="+")
    measure_kind = models.CharField(max_length=24, choices=MeasureKind.choices, blank=True)
    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    escalation_status = models.CharField(
        max_length=16, choices=EscalationStatus.choices, blank=True
    )
    # The measure's responsible organisation or the escalation's receiver.
    party = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    # Follow-up: when it started and the months committed (None: no commitment planned).
    since = models.DateField(null=True)
    months = models.PositiveSmallIntegerField(null=True)

    objects = DeskItemQuerySet.as_manager()

    class Meta:
        indexes = [
            # The start page counts a coordinator's open cases from this index alone.
            models.Index(
                fields=["owner", "case_status", "municipality"],
                condition=_of(DeskKind.CASE),
                name="desk_case_owner_status_town",
            ),
            models.Index(
                fields=["owner", "at"],
                condition=_of(DeskKind.CASE, case_status=CaseStatus.REPORTED),
                name="desk_case_waiting",
            ),
            models.Index(
                fields=["owner", "on"],
                condition=_of(DeskKind.MEASURE_DUE),
                name="desk_measure_due",
            ),
            models.Index(
                fields=["owner", "at", "measure"],
                condition=_of(DeskKind.MEASURE_UNSCHEDULED),
                name="desk_measure_unscheduled",
            ),
            # The escalations panel: a coordinator's own municipality's rows in the order shown,
            # so that its 20 rows are read and not all of the municipality's (at national scale
            # PostgreSQL intersected the owner's rows with the municipality's 6,400).
            models.Index(
                fields=["owner", "municipality", "at"],
                condition=_of(DeskKind.ESCALATION),
                name="desk_escalation_owner_town",
            ),
            models.Index(
                fields=["municipality", "on", "reference"],
                condition=_of(DeskKind.FOLLOW_UP),
                name="desk_follow_up",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "case", "measure", "escalation"],
                nulls_distinct=False,
                name="desk_item_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.kind}"
