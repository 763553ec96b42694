from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from accounts import panels
        from sutohamu import decisions as registry

        from . import decisions, handover, notify
        from . import panels as meeting_panels

        notify.register()
        handover.register()
        registry.register(decisions.find, decisions.about_case)
        panels.register_summary("meetings", meeting_panels.summary_plan)
        panels.register_summary("picture", meeting_panels.picture_nudge_plan)
