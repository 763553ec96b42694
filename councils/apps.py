from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Cooperation structure")

    def ready(self) -> None:
        from . import services

        services.register_handover()
