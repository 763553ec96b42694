"""Organisations of the five-level model: part of the foundation every app builds on.

The table keeps its first name (`councils_organisation`): the model moved here so that the
foundation (organisations, people, roles, capabilities) imports no app above it.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import Level, OrganisationKind

municipality_code_validator = RegexValidator(
    r"^\d{4}$", _("A municipality code has exactly four digits.")
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def municipalities(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.MUNICIPALITY)

    def parties(self) -> OrganisationQuerySet:
        """Those that can take part in a case or a meeting: never the Security Service, which
        is informed through the police."""
        return self.exclude(kind=OrganisationKind.SECURITY_SERVICE)


class Organisation(models.Model):
    """A party at one of the five levels; new municipalities and partners are rows, not code."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=12,
        unique=True,
        help_text=_("Used in case references, e.g. SUN for Sunne."),
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital letters, digits and hyphens."))],
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        null=True,
        unique=True,
        validators=[municipality_code_validator],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(table_name="councils_historicalorganisation")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        db_table = "councils_organisation"
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.MUNICIPALITY)
                | (Q(municipality_code__isnull=False) & Q(level=Level.MUNICIPALITY)),
                name="municipality_has_code_and_level_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name
