from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Concern cases")

    def ready(self) -> None:
        # Models are importable only once the registry is ready, hence the imports here.
        from accounts import panels
        from accounts.models import RoleAssignment
        from sutohamu.db_roles import register_erasable

        from . import escalation, handover, selectors, services, tasks, timeline
        from .models import Transition
        from .models.reads import register_seal_task

        services.register_notifications()
        # A committed read enqueues the task that seals it (the models cannot import tasks).
        register_seal_task(tasks.enqueue_seal)
        handover.register()
        timeline.register_own()
        # Retention empties a status change's reason; the app role may update that column alone.
        register_erasable(Transition._meta.db_table, ("reason",))
        escalation.register_timeline()
        panels.register_summary("cases", selectors.open_case_counts_plan)
        panels.register_summary("queue", selectors.queue_counts_plan)
        # A role given, changed or ended at an organisation keeps the grants of its open
        # escalations in step (the grant is a record; reads also check the live condition).
        post_save.connect(
            escalation.role_saved, sender=RoleAssignment, dispatch_uid="cases.grants_on_role"
        )
