"""Meetings of every body: schedule, attendance, lägesbild, agenda, minutes, decisions, actions."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from cases.models import Case
from councils.models import Body
from sutohamu.fields import GuardedCharField, GuardedTextField

from .choices import (
    STANDING_TITLES,
    ActionStatus,
    AttendanceKind,
    DecisionKind,
    ItemKind,
    MeetingStatus,
    Trend,
)

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

ERROR_END_BEFORE_START = _("The meeting cannot end before it starts.")

# The agenda owner is reminded this many days before the meeting.
AGENDA_DUE_DAYS = 14


class AgendaRotation(models.Model):
    """A body's agenda owners in turn; a fifth municipality joins by adding a row."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="rotation"
    )
    municipality = models.ForeignKey(
        Organisation, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("agenda rotation")
        verbose_name_plural = _("agenda rotation")
        ordering = ["body", "position"]
        constraints = [
            models.UniqueConstraint(fields=["body", "municipality"], name="rotation_once_per_body"),
            models.UniqueConstraint(fields=["body", "position"], name="rotation_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.position}. {self.municipality}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: AnyUser) -> MeetingQuerySet:
        """Whoever sees the body sees its meetings."""
        return self.filter(body__in=Body.objects.visible_to(user))

    def of_member(self, user: AnyUser) -> MeetingQuerySet:
        """Meetings of bodies where the person holds a seat today (their calendar)."""
        return self.filter(body__in=Body.objects.with_member(user))

    def changeable_by(self, user: AnyUser) -> MeetingQuerySet:
        return self.filter(body__in=Body.objects.changeable_by(user))

    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(status=MeetingStatus.CANCELLED)

    def coming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        return self.not_cancelled().filter(ends_at__gte=now or timezone.now())

    def in_year(self, year: int) -> MeetingQuerySet:
        return self.filter(starts_at__year=year)

    def agenda_due_on(self, day: datetime.date) -> MeetingQuerySet:
        """Meetings whose agenda owner should be reminded on `day`: two weeks before, not sent."""
        return self.filter(
            status=MeetingStatus.PLANNED,
            starts_at__date=day + datetime.timedelta(days=AGENDA_DUE_DAYS),
        )


class Meeting(models.Model):
    """One meeting of a body; the host municipality owns its agenda."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = GuardedCharField(_("place"), max_length=160, blank=True)
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("agenda owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    cancel_reason = GuardedCharField(_("reason for cancelling"), max_length=300, blank=True)
    agenda_sent_at = models.DateTimeField(_("agenda sent"), null=True, blank=True)
    approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Justering: the chair and the minutes' author (who named the justerare); the justerare are
    # MinutesChecker rows. The author never approves: only the justerare do.
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": ValidationError(ERROR_END_BEFORE_START, code="end_before_start")}
            )

    @property
    def year(self) -> int:
        return timezone.localtime(self.starts_at).year

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_locked(self) -> bool:
        """Approved minutes are locked: only a recorded correction changes them."""
        return self.status == MeetingStatus.MINUTES_APPROVED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        """Minutes are approved, decisions and action items recorded, from the start only."""
        return self.starts_at <= (now or timezone.now())


class MinutesChecker(models.Model):
    """A justerare: one of one or two attendees who check and approve the minutes."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="checkers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes checker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes checker")
        verbose_name_plural = _("minutes checkers")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="checker_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.user}"


class Attendance(models.Model):
    """Who was there: a member present or absent, a co-opted member, a guest by organisation."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AttendanceKind.choices)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["kind", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="attendance_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.organisation} ({self.get_kind_display()})"


class SituationReport(models.Model):
    """A lägesbild: one organisation's picture before a working-group meeting; no case content."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="situation_reports",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    trend_andt = models.CharField(_("ANDT"), max_length=8, choices=Trend.choices)
    trend_crime = models.CharField(_("crime prevention"), max_length=8, choices=Trend.choices)
    trend_vbe = models.CharField(_("violent extremism"), max_length=8, choices=Trend.choices)
    risk_factors = GuardedTextField(_("risk factors seen"), max_length=1000, blank=True)
    protective_factors = GuardedTextField(_("protective factors seen"), max_length=1000, blank=True)
    text = GuardedTextField(_("short picture"), max_length=2000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("situational picture")
        verbose_name_plural = _("situational pictures")
        ordering = ["meeting__starts_at", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_picture_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}, {self.meeting}"


class AgendaItem(models.Model):
    """One item of the agenda (kallelse); its notes are the minutes of that item."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=ItemKind.choices, default=ItemKind.CUSTOM
    )
    title = GuardedCharField(_("title"), max_length=200)
    text = GuardedTextField(_("description"), max_length=2000, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("presented by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = GuardedTextField(_("notes"), max_length=4000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"

    def standing_title(self, template: str) -> str:
        """A standing item's title from its template, in the active language."""
        text = gettext(template)
        return text % self.organisation.name if "%s" in text and self.organisation else text

    @cached_property
    def heading(self) -> str:
        """The title in the reader's language: standing items were titled in their creator's."""
        for template in STANDING_TITLES.get(self.kind, ()):
            for language in ("sv", "en"):
                with translation.override(language):
                    matches = self.standing_title(template) == self.title
                if matches:
                    return self.standing_title(template)
        return self.title


class RecordVersion(models.Model):
    """A frozen official document: its content, the PDF's bytes and their SHA-256.

    Rendered once when the agenda is sent or the minutes approved (or corrected), and served
    byte for byte to every reader after that; a correction is a new version with its reason.
    """

    number = models.PositiveSmallIntegerField(_("version"))
    reason = GuardedTextField(_("reason"), max_length=1000, blank=True)
    content = models.JSONField(_("content"), default=dict)
    pdf = models.BinaryField(_("PDF"), default=bytes, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["meeting", "number"]

    def __str__(self) -> str:
        return f"{getattr(self, 'meeting', '')} v{self.number}"


class AgendaVersion(RecordVersion):
    """A sent agenda (kallelse): version 1 when first sent, a new one each time it is re-sent."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="agenda_versions",
    )

    class Meta(RecordVersion.Meta):
        verbose_name = _("agenda version")
        verbose_name_plural = _("agenda versions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_version_unique"),
        ]


class MinutesVersion(RecordVersion):
    """Justered minutes: the first approval, then each correction."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="versions"
    )

    class Meta(RecordVersion.Meta):
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
        ]


class DecisionCounter(models.Model):
    """The last decision number per body and year; locked while a decision is numbered."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="one_decision_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.year}: {self.last_number}"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def visible_to(self, user: AnyUser) -> DecisionQuerySet:
        return self.filter(meeting__body__in=Body.objects.visible_to(user))


class Decision(models.Model):
    """A decision in the minutes, numbered per body and year (SUTOHAMU-2026-014)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions"
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("number"), editable=False)
    reference = GuardedCharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DecisionKind.choices, default=DecisionKind.GENERAL
    )
    # An early closure names the case it closes (and only that case can be closed with it).
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = GuardedTextField(_("decision"), max_length=2000)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-year", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.EARLY_CLOSURE, case__isnull=False)
                | (~Q(kind=DecisionKind.EARLY_CLOSURE) & Q(case__isnull=True)),
                name="early_closure_names_its_case",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def due_by(self, day: datetime.date) -> ActionItemQuerySet:
        """Open action items due on or before `day` (for the reminders)."""
        return self.open().filter(due_date__lte=day)

    def visible_to(self, user: AnyUser) -> ActionItemQuerySet:
        return self.filter(meeting__body__in=Body.objects.visible_to(user))


class ActionItem(models.Model):
    """An åtgärdspunkt: what is to be done, by whom, by when."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    title = GuardedCharField(_("what"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A person's private calendar address; revoking it makes the address answer 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_feed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.token}"
