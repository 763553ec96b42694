from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Reminders sent without a request: daily sweep, e-mail and digest (the follow-up issue)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from accounts.notifications import register_group

        from .services import KIND_KEYS

        register_group("paminnelser", _("Reminders"), KIND_KEYS.values(), "reminders:preferences")
