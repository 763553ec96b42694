"""Reminder bookkeeping: each reminder is one row per (what, kind, due date, person), so a sweep
run twice, in two workers at once, or again after a worker died, sends it once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    FOLLOWUP_DUE = "followup_due", _("Follow-up contact due")
    FOLLOWUP_OVERDUE = "followup_overdue", _("Follow-up contact overdue")
    ESCALATION_UNACKNOWLEDGED = "escalation_unack", _("Escalation not acknowledged")
    MEASURE_OVERDUE = "measure_overdue", _("Measure past its planned end without an outcome")
    CONSENT_EXPIRING = "consent_expiring", _("Consent expiring")
    ACTION_ITEM_DUE = "action_item_due", _("Action item due")
    AGENDA_DUE = "agenda_due", _("Agenda due (two weeks before a meeting)")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("E-mail at once")
    DIGEST = "digest", _("One daily digest e-mail")


class Reminder(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    # What it is about: a model label and id ("cases.followupplan", 12).
    target_type = models.CharField(_("about"), max_length=64)
    target_id = models.PositiveBigIntegerField(_("about id"))
    due_on = models.DateField(_("due"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # What the in-app notification points at (the case, escalation or meeting), so that it
    # disappears for a person who can no longer reach it.
    notify_type = models.CharField(max_length=64, blank=True)
    notify_id = models.PositiveBigIntegerField(null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Delivery: the notification, and the e-mail sent at once or in a digest.
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, db_index=True)
    notification = models.ForeignKey(
        "accounts.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "due_on", "recipient"],
                name="one_reminder_per_thing_kind_day_person",
            ),
        ]
        indexes = [
            models.Index(
                fields=["channel", "emailed_at"],
                condition=models.Q(channel="digest", emailed_at__isnull=True),
                name="reminder_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.due_on} → {self.recipient_id}"


class ReminderPreference(models.Model):
    """How one person wants one kind of reminder (e-mail at once unless they chose otherwise)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
