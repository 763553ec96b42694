"""Consent (samtycke) recorded for a pseudonym: scope, dates, withdrawal; never a name."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sutohamu.dates import validate_date_order, validate_not_future
from sutohamu.fields import GuardedTextField

from .case import Case, Subject


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
