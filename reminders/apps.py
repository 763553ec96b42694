from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Reminders sent without a request: daily sweep, e-mail and digest (the follow-up issue)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # The reminders' notification kinds, in every process (the web process renders them).
        from accounts.notifications import register_group, register_kind

        from . import kinds

        register_kind(kinds.FOLLOWUP_DUE, kinds.FOLLOWUP_DUE_MESSAGE)
        register_kind(kinds.FOLLOWUP_OVERDUE, kinds.FOLLOWUP_OVERDUE_MESSAGE)
        register_kind(kinds.ESCALATION_UNACKNOWLEDGED, kinds.ESCALATION_UNACKNOWLEDGED_MESSAGE)
        register_kind(kinds.MEASURE_OVERDUE, kinds.MEASURE_OVERDUE_MESSAGE)
        register_kind(kinds.CONSENT_EXPIRING, kinds.CONSENT_EXPIRING_MESSAGE)
        register_group(
            "paminnelser", _("Reminders"), kinds.KIND_KEYS.values(), "reminders:preferences"
        )
