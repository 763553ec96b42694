"""The read log: every time a person opens a case page, timeline, PDF or export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ReadKind


class ReadLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a read-log row."""


class CaseRead(models.Model):
    """One read of a case by a person; written once and never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="reads"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=16, choices=ReadKind.choices)

    class Meta:
        verbose_name = _("case read")
        verbose_name_plural = _("case reads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.case_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ReadLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ReadLogIsAppendOnly
