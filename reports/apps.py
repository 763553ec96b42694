from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The steering group's status reports (aggregates only; the status-report issue)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        # Models are importable only once the registry is ready, hence the imports here.
        from celery.signals import worker_init

        from accounts import panels
        from cases.audit import register_log_name
        from cases.models.reads import register_chain

        from . import panels as report_panels
        from .chain import CHAIN, download_seal_at, verify_downloads
        from .suppression import load_solver

        register_chain(CHAIN, verify_downloads, download_seal_at)
        register_log_name(CHAIN, "Report download log")
        panels.register_summary("reports", report_panels.summary_plan)
        # A Celery worker imports SciPy as it boots (web workers import it on a first solve).
        worker_init.connect(load_solver, weak=False, dispatch_uid="reports.load_solver")
