"""Escalations (eskaleringar): a case shared with a receiving organisation, with its queue item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.capabilities import Capability, organisation_ids_with
from accounts.choices import OrganisationKind
from sutohamu.fields import GuardedTextField
from sutohamu.states import StateTable

from ..choices import OPEN_ESCALATION, EscalationKind, EscalationStatus, MeasureKind
from .case import Case, Subject
from .measures import Measure

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

E = EscalationStatus
OPEN = OPEN_ESCALATION

# From each state, the actions the service accepts and those a page offers: answering is
# accepted straight from "new" but offered once acknowledged, and not again once answered;
# closing is offered once acknowledged. Which side may take which action is the view's door
# (cases/escalation.py, RECEIVER_ACTIONS and SENDER_ACTIONS).
_ANY_OPEN = frozenset({"close", "withdraw", "record_security_service"})
ESCALATION_STATES = StateTable(
    allowed={
        E.NEW: _ANY_OPEN | {"acknowledge", "answer"},
        E.ACKNOWLEDGED: _ANY_OPEN | {"answer"},
        E.ANSWERED: _ANY_OPEN | {"answer"},
    },
    offered={
        E.NEW: frozenset({"acknowledge", "withdraw", "record_security_service"}),
        E.ACKNOWLEDGED: _ANY_OPEN | {"answer"},
        E.ANSWERED: _ANY_OPEN,
    },
)


def kind_for(receiver: object) -> str:
    kind = getattr(receiver, "kind", "")
    if kind == OrganisationKind.MUNICIPALITY:
        return EscalationKind.NEIGHBOUR
    if kind == OrganisationKind.CIVIL_SOCIETY:
        return EscalationKind.AGERA
    if kind == OrganisationKind.POLICE_AREA:
        return EscalationKind.POLICE
    return EscalationKind.REGIONAL


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def open(self) -> EscalationQuerySet:
        return self.filter(status__in=OPEN)

    def in_queue_of(self, user: AnyUser) -> EscalationQuerySet:
        """The receiving side: escalations to organisations where the person reviews today."""
        return self.filter(
            receiver_id__in=organisation_ids_with(user, Capability.REVIEW_ESCALATIONS)
        )

    def sent_for(self, user: AnyUser) -> EscalationQuerySet:
        """The sending side: escalations of cases the person works."""
        return self.filter(
            case__municipality_id__in=organisation_ids_with(user, Capability.WORK_CASES)
        )

    def visible_to(self, user: AnyUser) -> EscalationQuerySet:
        """Either side sees the escalation; what of the case it shows is the door's business."""
        return self.in_queue_of(user) | self.sent_for(user)

    def changeable_by(self, user: AnyUser) -> EscalationQuerySet:
        """Each side changes its own part; the action decides which side (see cases/access.py)."""
        return self.visible_to(user)

    def for_working_group(self) -> EscalationQuerySet:
        """Open escalations to a neighbour marked for the working group's next meeting."""
        return self.open().filter(take_up_at_working_group=True)


class Escalation(models.Model):
    """A case escalated to one organisation: what is asked, what is shared, and the answer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escalations")
    receiver = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="escalations_received",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=EscalationKind.choices, editable=False
    )
    reason = GuardedTextField(_("reason"), max_length=2000)
    request = GuardedTextField(_("what is asked"), max_length=2000)
    shared_subjects = models.ManyToManyField(
        Subject, verbose_name=_("pseudonyms shared"), blank=True, related_name="escalations"
    )
    take_up_at_working_group = models.BooleanField(
        _("take up at the working group's meeting"), default=False
    )
    status = models.CharField(_("status"), max_length=16, choices=E.choices, default=E.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("escalated"), default=timezone.now)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations_handled",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answer = GuardedTextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = GuardedTextField(_("closing note"), max_length=2000, blank=True)
    # The police part: only whether, when and by whom; never what was said.
    security_service_informed_on = models.DateField(
        _("Security Service informed on"), null=True, blank=True
    )
    security_service_informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Security Service informed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(m2m_fields=[shared_subjects])

    objects = EscalationQuerySet.as_manager()

    # Filled in by cases.access.escalation_for for the person who fetched it.
    is_receiver: bool = False
    is_sender: bool = False
    shows_case: bool = False

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "receiver"],
                condition=Q(status__in=OPEN),
                name="one_open_escalation_per_receiver",
            ),
        ]
        indexes = [
            # A receiver's queue counted by state (the start page's queue panel, the queue):
            # read from the index alone, whatever the number of escalations the country has
            # (the partial unique index above leads with the case, and a prepared statement's
            # parameters cannot use its condition).
            models.Index(fields=["receiver", "status"], name="escalation_receiver_status"),
            # The queue's page in its order (oldest first), open or all: a page reads its rows
            # and not every escalation of the receiver (at national scale the police area's
            # 3,200 open of 15,400 were sorted for each page, 18 ms).
            models.Index(
                fields=["receiver", "created_at"],
                condition=Q(status__in=OPEN),
                name="escalation_queue_open",
            ),
            models.Index(fields=["receiver", "created_at"], name="escalation_queue_all"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.receiver}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def age(self):
        return (self.closed_at or timezone.now()) - self.created_at

    def check_action(self, action: str) -> None:
        if not ESCALATION_STATES.allows(self.status, action):
            raise ValidationError(
                _("This escalation is %(status)s and cannot be changed that way.")
                % {"status": self.get_status_display().lower()},
                code="wrong_status",
            )


class ProposedMeasure(models.Model):
    """A measure the receiver proposes; the case owner accepts it into the case in one action."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="proposed_measures"
    )
    kind = models.CharField(_("kind of measure"), max_length=24, choices=MeasureKind.choices)
    description = GuardedTextField(_("description"), max_length=2000, blank=True)
    responsible = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_as = models.OneToOneField(
        Measure,
        verbose_name=_("accepted as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposed measure")
        verbose_name_plural = _("proposed measures")
        ordering = ["escalation", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()
