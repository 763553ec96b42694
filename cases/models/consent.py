"""Consent (samtycke) recorded for a pseudonym: scope, dates, withdrawal; never a name."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.dates import validate_date_order, validate_not_future
from sutohamu.fields import GuardedTextField

from .case import Case, Subject

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser


class ConsentQuerySet(models.QuerySet["Consent"]):
    def visible_to(self, user: AnyUser) -> ConsentQuerySet:
        """A consent is case content: seen by those who see its case."""
        return self.filter(case__in=Case.objects.visible_to(user))

    def in_force(self, on: datetime.date) -> ConsentQuerySet:
        """Not withdrawn by that day."""
        return self.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))

    def expiring(self, on: datetime.date) -> ConsentQuerySet:
        """The one meaning of "consent expiring": in force, and running out within
        settings.CONSENT_EXPIRING_DAYS of the day. One already expired is no longer expiring
        (it has run out), so the desk and the reminder sweep list the same consents.
        """
        horizon = on + datetime.timedelta(days=settings.CONSENT_EXPIRING_DAYS)
        return self.in_force(on).filter(expires_on__gte=on, expires_on__lte=horizon)


class Consent(models.Model):
    """Which organisations may share what about one pseudonymous subject, and until when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    subject = models.ForeignKey(
        Subject, verbose_name=_("pseudonym"), on_delete=models.PROTECT, related_name="consents"
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("organisations that may share"), related_name="+"
    )
    scope = GuardedTextField(_("scope"), max_length=2000, help_text=_("What may be shared."))
    given_on = models.DateField(_("given on"), validators=[validate_not_future])
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[organisations])

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["case", "given_on"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.given_on}"

    def clean(self) -> None:
        validate_date_order(self.given_on, self.expires_on, "expires_on")
        validate_date_order(self.given_on, self.withdrawn_on, "withdrawn_on")

    def is_withdrawn(self, on: datetime.date | None = None) -> bool:
        return self.withdrawn_on is not None and self.withdrawn_on <= (on or timezone.localdate())

    def is_expired(self, on: datetime.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (on or timezone.localdate())

    @property
    def in_force(self) -> bool:
        return not (self.is_withdrawn() or self.is_expired())
