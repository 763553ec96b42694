"""Medskick: an issue sent up from a local council to the working group, or down again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.fields import GuardedCharField, GuardedTextField
from sutohamu.states import StateTable

from ..choices import Area, BodyKind, MedskickStatus
from .organisations import Body

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

S = MedskickStatus

# From each status, the actions allowed: one table, read by the services
# (councils.services.medskick_*, the only writers of a medskick) and by the detail page.
MEDSKICK_STATES = StateTable(
    {
        S.SENT: frozenset({"receive", "answer", "close"}),
        S.RECEIVED: frozenset({"answer", "close"}),
        S.ANSWERED: frozenset({"close"}),
    }
)


# Who sends a medskick to whom: one table, read by Medskick.clean and by the form's "To" list.
ROUTES: dict[str, str] = {
    BodyKind.LOCAL_COUNCIL: BodyKind.WORKING_GROUP,
    BodyKind.WORKING_GROUP: BodyKind.LOCAL_COUNCIL,
}


def receivers_for(sender: Body) -> models.QuerySet[Body]:
    """The bodies this sender may send a medskick to (never itself)."""
    kind = ROUTES.get(sender.kind)
    if kind is None:
        return Body.objects.none()
    return Body.objects.filter(kind=kind).exclude(pk=sender.pk)


class MedskickQuerySet(models.QuerySet["Medskick"]):
    def open(self) -> MedskickQuerySet:
        return self.exclude(status=S.CLOSED)

    def for_bodies(self, bodies: models.QuerySet[Body]) -> MedskickQuerySet:
        return self.filter(Q(sender__in=bodies) | Q(receiver__in=bodies))

    def visible_to(self, user: AnyUser) -> MedskickQuerySet:
        """Members of the sending or the receiving body see a medskick; nobody else.

        Not the administrator: he reads every body's page, but not what the bodies send.
        """
        return self.for_bodies(Body.objects.with_member(user))

    def changeable_by(self, user: AnyUser) -> MedskickQuerySet:
        """Editors of the sending or the receiving body may change (close) a medskick."""
        return self.for_bodies(Body.objects.changeable_by(user))

    def answerable_by(self, user: AnyUser) -> MedskickQuerySet:
        """Only the receiving side marks a medskick received and answers it."""
        return self.filter(receiver__in=Body.objects.changeable_by(user))


class Medskick(models.Model):
    """One issue between a local council and the working group, with its answer."""

    sender = models.ForeignKey(
        Body, verbose_name=_("from"), on_delete=models.PROTECT, related_name="outbox"
    )
    receiver = models.ForeignKey(
        Body, verbose_name=_("to"), on_delete=models.PROTECT, related_name="inbox"
    )
    title = GuardedCharField(_("title"), max_length=200)
    text = GuardedTextField(_("text"), max_length=4000)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    status = models.CharField(_("status"), max_length=16, choices=S.choices, default=S.SENT)
    answer = GuardedTextField(_("answer"), blank=True, max_length=4000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="medskick_handled",
        null=True,
        blank=True,
        help_text=_("The person on the receiving side who answers."),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MedskickQuerySet.as_manager()

    class Meta:
        verbose_name = _("medskick")
        verbose_name_plural = _("medskick")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("receiver")), name="medskick_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.sender_id is None or self.receiver_id is None:
            return
        if self.sender_id == self.receiver_id:
            raise ValidationError(
                {
                    "receiver": ValidationError(
                        _("A body cannot send a medskick to itself."), code="to_itself"
                    )
                }
            )
        if ROUTES.get(self.sender.kind) != self.receiver.kind:
            raise ValidationError(
                {
                    "receiver": ValidationError(
                        _(
                            "A medskick goes from a local council to the working group, "
                            "or from the working group to a local council."
                        ),
                        code="wrong_route",
                    )
                }
            )

    @property
    def is_open(self) -> bool:
        return self.status != S.CLOSED
