from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Concern cases")

    def ready(self) -> None:
        # Registers the escalation hand-over step and timeline source.
        from . import escalation  # noqa: F401
