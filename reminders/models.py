"""Reminder bookkeeping: each reminder is one row per (what, kind, due date, person), so a sweep
run twice, in two workers at once, or again after a worker died, records it once; its in-app
notification is committed with it, and each e-mail is a row of the outbox (`OutboxMail`), sent by
a task of its own."""

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
    # Delivery: the notification (committed with the reminder), and the e-mail at once or in the
    # day's digest (an outbox row; none while a digest reminder waits for its digest).
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, db_index=True)
    notification = models.ForeignKey(
        "accounts.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mail = models.ForeignKey(
        "OutboxMail",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )

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
                fields=["recipient"],
                condition=models.Q(channel="digest", mail__isnull=True),
                name="reminder_digest_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.due_on} → {self.recipient_id}"


class MailState(models.TextChoices):
    PENDING = "pending", _("To be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (no address, or out of reach)")


class OutboxMail(models.Model):
    """One e-mail to send (a reminder at once, or a person's digest): a row of the outbox.

    Written in the transaction that records its reminders, sent by its own task, marked sent in
    the transaction that holds its row lock while the mail server takes it. `key` is the
    idempotency key; the Message-ID is made from it, so a repeat has the same Message-ID.
    """

    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    digest = models.BooleanField(_("digest"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=8, choices=MailState.choices, default=MailState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="pending"),
                name="outbox_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


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
