from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The steering group's status reports (aggregates only; the status-report issue)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        from accounts import panels

        from . import panels as report_panels

        panels.register_summary("reports", report_panels.summary)
