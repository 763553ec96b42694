"""The cooperation agreement (samverkansöverenskommelse), its points and signatories."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from sutohamu.fields import GuardedCharField, GuardedTextField

from ..storage import private_storage


class Agreement(models.Model):
    """Runs until one party terminates it; a termination ends it for every party."""

    title = GuardedCharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"))
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), related_name="+")
    document = models.FileField(
        _("signed document"), storage=private_storage, upload_to="agreements/", blank=True
    )
    # The signed document's SHA-256: kept in the history when a later upload replaces the file.
    document_sha256 = models.CharField(
        _("SHA-256 of the signed document"), max_length=64, blank=True, editable=False
    )
    terminated_by = models.ForeignKey(
        Organisation,
        verbose_name=_("terminated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = GuardedTextField(_("reason for termination"), blank=True, max_length=2000)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True, terminated_by__isnull=True)
                | Q(terminated_on__isnull=False, terminated_by__isnull=False),
                name="termination_has_party_and_date",
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(terminated_on__gte=models.F("start_date")),
                name="termination_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def in_force(self) -> bool:
        return self.terminated_on is None


class AgreementPoint(models.Model):
    """One numbered point of the agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField(_("number"))
    text = GuardedTextField(_("text"), max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement point")
        verbose_name_plural = _("agreement points")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_point_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Signatory(models.Model):
    """Who signed for a party: the office (e.g. kommunalråd), organisation and date."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    office = GuardedCharField(_("office"), max_length=120)
    signed_on = models.DateField(_("signed on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agreement", "signed_on", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.office}, {self.organisation}"
