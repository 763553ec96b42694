from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from .notifications import register_kind
        from .signals import record_last_login
        from .twofactor import NOTIFICATION_KIND, NOTIFICATION_MESSAGE

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="sutohamu_last_login")
        # A reset, an enrolment link or its use is told to the person (accounts/twofactor.py).
        register_kind(NOTIFICATION_KIND, NOTIFICATION_MESSAGE)
