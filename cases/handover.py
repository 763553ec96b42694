"""Hand-over steps of the cases app: owned cases, escalations sent and the receiver's queue.

Registered with councils.handover when the app is ready (see apps.py), so that a hand-over moves
everything a person holds, and the orphans page finds what was left pointing at someone without
the role it needs.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accounts.capabilities import ROLE_CAPABILITIES, Capability, roles_with
from accounts.choices import Role
from accounts.models import role_in_force
from councils import handover
from councils.handover import HandoverContext, HandoverStep
from sutohamu.history import set_change_reason

from .choices import OPEN_ESCALATION
from .escalation import REVIEWING_ROLES, sync_grants
from .models import Case, Escalation
from .versions import cases_changed
from .written import cases_written

WORKING_ROLES = roles_with(Capability.WORK_CASES)


def _works_cases(ctx: HandoverContext) -> bool:
    return Capability.WORK_CASES in ROLE_CAPABILITIES[Role(ctx.assignment.role)]


def _move_cases(ctx: HandoverContext) -> int:
    """Open cases of the municipality owned by the person leaving go to the successor."""
    if not _works_cases(ctx):
        return 0
    cases = list(Case.objects.open().filter(owner=ctx.from_user, municipality=ctx.organisation))
    for case in cases:
        case.owner = ctx.to_user
        case.version += 1
        set_change_reason(case, ctx.reason)
        case.save(update_fields=["owner", "version"])
    cases_written(cases)
    return len(cases)


def _case_orphans() -> QuerySet[Case]:
    """Open cases whose owner no longer works cases in the case's municipality."""
    return (
        Case.objects.open()
        .filter(owner__isnull=False)
        .filter(~role_in_force("owner", "municipality", WORKING_ROLES))
        .select_related("owner", "municipality")
    )


def _move_sent(ctx: HandoverContext) -> int:
    """Open escalations the person sent: answers and notices now reach the successor."""
    if not _works_cases(ctx):
        return 0
    items = list(
        Escalation.objects.open()
        .filter(created_by=ctx.from_user, case__municipality=ctx.organisation)
        .select_related("case")
    )
    for item in items:
        item.created_by = ctx.to_user
        set_change_reason(item, ctx.reason)
        item.save(update_fields=["created_by"])
    # The timeline names the sender (its cached part follows the case's version).
    cases_changed(item.case.reference for item in items)
    return len(items)


def _sent_orphans() -> QuerySet[Escalation]:
    return (
        Escalation.objects.open()
        .filter(~role_in_force("created_by", "case__municipality", WORKING_ROLES))
        .select_related("case", "receiver", "created_by")
    )


def _move_queue(ctx: HandoverContext) -> int:
    """The receiver's queue items the person handled follow the successor, and so do grants."""
    items = list(
        Escalation.objects.open()
        .filter(handler=ctx.from_user, receiver=ctx.organisation)
        .select_related("case")
    )
    for item in items:
        item.handler = ctx.to_user
        set_change_reason(item, ctx.reason)
        item.save(update_fields=["handler"])
    # The timeline and the receivers' queues (CASES_LISTED) name the handler.
    cases_changed((item.case.reference for item in items), listed=True)
    sync_grants(
        Case.objects.filter(
            escalations__receiver=ctx.organisation, escalations__status__in=OPEN_ESCALATION
        ).distinct(),
        exclude=[ctx.from_user],
    )
    return len(items)


def _queue_orphans() -> QuerySet[Escalation]:
    return (
        Escalation.objects.open()
        .filter(handler__isnull=False)
        .filter(~role_in_force("handler", "receiver", REVIEWING_ROLES))
        .select_related("case", "receiver", "handler")
    )


def register() -> None:
    handover.register(
        HandoverStep("cases", gettext_lazy("Cases owned"), _move_cases, _case_orphans)
    )
    handover.register(
        HandoverStep(
            "escalations_sent", gettext_lazy("Escalations sent"), _move_sent, _sent_orphans
        )
    )
    handover.register(
        HandoverStep(
            "escalations",
            gettext_lazy("Escalations in the receiver's queue"),
            _move_queue,
            _queue_orphans,
        )
    )
