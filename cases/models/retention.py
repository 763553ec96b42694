"""What retention (gallring) reduced, and when: the case keeps only its aggregate fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case


class RetentionRecord(models.Model):
    """One case reduced to its aggregate fields; the counts say what was deleted or emptied."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="retention"
    )
    reduced_at = models.DateTimeField(_("reduced"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"))
    months = models.PositiveSmallIntegerField(_("retention period (months)"))
    # {"subjects": 3, "notes": 2, "history_rows": 17, ...}: numbers only, never content.
    counts = models.JSONField(_("what was reduced"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the scheduled task did it."),
    )

    class Meta:
        verbose_name = _("retention record")
        verbose_name_plural = _("retention records")
        ordering = ["-reduced_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reduced_at:%Y-%m-%d}"
