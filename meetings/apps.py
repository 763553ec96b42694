from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from sutohamu import decisions

        from . import notify  # noqa: F401 - registers the notification kinds and target
        from .decisions import find

        decisions.register(find)
