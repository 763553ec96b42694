"""The notification kinds of the reminders and their messages (registered at start-up by
`RemindersConfig.ready()`, so every process, the web process too, renders them in the reader's
language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from meetings.notify import ACTION_DUE, AGENDA_DUE

from .models import ReminderKind

K = ReminderKind
FOLLOWUP_DUE = "reminders.followup_due"
FOLLOWUP_OVERDUE = "reminders.followup_overdue"
ESCALATION_UNACKNOWLEDGED = "reminders.escalation_unacknowledged"
MEASURE_OVERDUE = "reminders.measure_overdue"
CONSENT_EXPIRING = "reminders.consent_expiring"

# Reminder kind -> notification kind (the meetings' two are the meetings app's own).
KIND_KEYS: dict[str, str] = {
    K.FOLLOWUP_DUE: FOLLOWUP_DUE,
    K.FOLLOWUP_OVERDUE: FOLLOWUP_OVERDUE,
    K.ESCALATION_UNACKNOWLEDGED: ESCALATION_UNACKNOWLEDGED,
    K.MEASURE_OVERDUE: MEASURE_OVERDUE,
    K.CONSENT_EXPIRING: CONSENT_EXPIRING,
    K.ACTION_ITEM_DUE: ACTION_DUE,
    K.AGENDA_DUE: AGENDA_DUE,
}

FOLLOWUP_DUE_MESSAGE = gettext_lazy("Follow-up contact in %(reference)s due %(date)s")
FOLLOWUP_OVERDUE_MESSAGE = gettext_lazy("Follow-up contact in %(reference)s overdue since %(date)s")
ESCALATION_UNACKNOWLEDGED_MESSAGE = gettext_lazy(
    "Escalation of %(reference)s not acknowledged since %(date)s"
)
MEASURE_OVERDUE_MESSAGE = gettext_lazy(
    "A measure in %(reference)s passed its planned end %(date)s without an outcome"
)
CONSENT_EXPIRING_MESSAGE = gettext_lazy("A consent in %(reference)s expires %(date)s")
