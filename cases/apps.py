from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Concern cases")

    def ready(self) -> None:
        from accounts.models import RoleAssignment

        from . import escalation, handover

        handover.register()
        # A role given, changed or ended at an organisation keeps the grants of its open
        # escalations in step (the grant is a record; reads also check the live condition).
        post_save.connect(
            _role_saved, sender=RoleAssignment, dispatch_uid="cases.sync_grants_on_role"
        )
        escalation.register_timeline()


def _role_saved(sender: type, instance: object, raw: bool = False, **kwargs: object) -> None:
    from .escalation import sync_grants_at

    if not raw:
        sync_grants_at(instance.organisation_id)  # type: ignore[attr-defined]
