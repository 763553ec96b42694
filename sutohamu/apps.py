from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SuToHaMuConfig(AppConfig):
    """The project's shared utilities as an app: no models; its template tags are found."""

    name = "sutohamu"
    verbose_name = "SuToHaMu"


class SuToHaMuAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SuToHaMuAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import checks

        checks.register_checks()
