from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Cooperation structure")

    def ready(self) -> None:
        # Registers the councils' hand-over steps.
        from . import services  # noqa: F401
