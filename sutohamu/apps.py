from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SuToHaMuConfig(AppConfig):
    """The project's shared utilities as an app: no models; its template tags are found."""

    name = "sutohamu"
    verbose_name = "SuToHaMu"

    def ready(self) -> None:
        from django.apps import apps

        from .history_managers import history_managers_once

        # Every model is loaded (and simple_history has put its descriptors) before any ready().
        history_managers_once(apps.get_models())


class SuToHaMuAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SuToHaMuAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import checks

        checks.register_checks()
