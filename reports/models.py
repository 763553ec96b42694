"""The archive of status reports: who asked for which report and when, and what was built.

A report keeps its figures as canonical JSON (sorted keys, no spaces): building the same report
twice gives the same bytes, and the page, the PDF and the CSV are all rendered from them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ALL = "all", _("The whole cooperation")
    VBE = "vbe", _("Violent extremism only")


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")
    # Only in the archive of old: a custom period is no longer built (its reports are withdrawn).
    CUSTOM = "custom", _("Custom period")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    BUILDING = "building", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class DownloadKind(models.TextChoices):
    PAGE = "page", _("Report page")
    PDF = "pdf", _("PDF")
    CSV = "csv", _("CSV")


# Said when a report of the scope and period is already published or being built (the service
# checks first; the constraint below catches two orders at once).
ALREADY_IN_ARCHIVE = _(
    "The archive already holds a report of that scope and period: open it there."
)


class Report(models.Model):
    """One status report: its period and scope, who asked, and (once built) its figures."""

    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Canonical JSON of the suppressed figures (see reports/figures.py); empty until built.
    figures = models.TextField(_("figures"), blank=True, editable=False)
    digest = models.CharField(_("SHA-256 of the figures"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    # A stable code, never a traceback: "disclosure" when the audit refused the figures.
    error = models.CharField(_("error"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_percent"
            ),
            # A period's report of one scope is published once (what is published is final):
            # a second one would be the same table again, for anyone to subtract from the first.
            # Only a failed one may be ordered anew. The service says so first; this catches
            # two orders at once.
            models.UniqueConstraint(
                fields=["scope", "period_kind", "start", "end"],
                condition=~models.Q(status="failed"),
                name="report_once_per_scope_and_period",
                violation_error_code="already_in_archive",
                violation_error_message=ALREADY_IN_ARCHIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} ({self.scope})"

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def figures_data(self) -> dict[str, Any]:
        """The stored figures, parsed (empty until built)."""
        return json.loads(self.figures) if self.figures else {}

    @property
    def is_pending(self) -> bool:
        return self.status in {ReportStatus.QUEUED, ReportStatus.BUILDING}


class StoredPeriod(models.Model):
    """The trend figures of a closed period (Snabb start and the months in follow-up), computed
    once and reused by every later report whose trend covers the period.

    Keyed by scope, period, the figures' format and `basis` (a digest of the municipalities
    reported on and the statistics' minimum count). `watermark`
    holds the last id of each source of change when the figures were computed (see
    reports/figures.py, `changed_since`): a change after it that touches a case reported or
    closed in the period makes the stored figures stale, and they are computed again.
    """

    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    basis = models.CharField(_("basis"), max_length=64)
    format = models.PositiveSmallIntegerField(_("format"))
    figures = models.TextField(_("figures"))
    watermark = models.JSONField(_("watermark"))
    stored_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        verbose_name = _("stored period figures")
        verbose_name_plural = _("stored period figures")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period_kind", "start", "basis", "format"],
                name="stored_period_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} ({self.scope})"


class DownloadIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a row of the download log."""


# Any 64-bit number, the same in every installation: the key of the download chain's lock.
DOWNLOAD_CHAIN_LOCK_KEY = 0x5354484D_52455054  # "STHMREPT"
DOWNLOAD_GENESIS = bytes(32)


def download_digest(
    previous: bytes, seq: int, report_id: int, user_id: int, at: datetime.datetime, kind: str
) -> bytes:
    """SHA-256 over the previous seal and the entry (UTC to the microsecond, as the read log)."""
    utc = at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return hashlib.sha256(previous + f"{seq}|{report_id}|{user_id}|{utc}|{kind}".encode()).digest()


class ReportDownload(models.Model):
    """One read of a report (page, PDF or CSV) by a person; written once and never changed.

    Append-only in the database (a trigger; the app's role may only insert and read) and a hash
    chain of its own: each row carries its place and a seal over the previous seal, made under a
    lock as it is inserted (downloads are rare, so the lock held to the request's commit costs
    little), checked with the read log by `verify_read_log`.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=8, choices=DownloadKind.choices)
    seq = models.PositiveBigIntegerField(_("entry"), unique=True, editable=False)
    digest = models.BinaryField(_("seal"), max_length=32, editable=False)

    class Meta:
        verbose_name = _("report read")
        verbose_name_plural = _("report reads")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.report_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DownloadIsAppendOnly
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DOWNLOAD_CHAIN_LOCK_KEY])
            last = ReportDownload.objects.order_by("-seq").values_list("seq", "digest").first()
            seq, previous = (last[0], bytes(last[1])) if last else (0, DOWNLOAD_GENESIS)
            self.seq = seq + 1
            self.digest = download_digest(
                previous, self.seq, self.report_id, self.user_id, self.at, self.kind
            )
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise DownloadIsAppendOnly
