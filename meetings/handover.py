"""The meetings' hand-over step: open action items follow the successor.

Registered with councils.handover in MeetingsConfig.ready(). An open action item owned by the
person leaving, from a meeting of a body where the handed-over role's organisation sits, moves to
the successor; the orphans page lists open action items whose owner holds no role today.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment
from councils import handover
from councils.handover import HandoverContext, HandoverStep
from councils.models import Membership
from sutohamu import fragments
from sutohamu.history import set_change_reason

from .models import ActionItem
from .versions import ACTIONS_VERSION


def _move_action_items(ctx: HandoverContext) -> int:
    bodies = Membership.objects.filter(organisation=ctx.organisation).values("body")
    items = list(
        ActionItem.objects.open().filter(owner=ctx.from_user, meeting__body__in=bodies).distinct()
    )
    for item in items:
        item.owner = ctx.to_user
        set_change_reason(item, ctx.reason)
        item.save(update_fields=["owner"])
    if items:
        fragments.bump(ACTIONS_VERSION)
    return len(items)


def _action_item_orphans() -> QuerySet[ActionItem]:
    """Open action items whose owner holds no role today (left, or the account is closed)."""
    roles = RoleAssignment.objects.active().filter(user=OuterRef("owner"), user__is_active=True)
    return (
        ActionItem.objects.open()
        .annotate(ok=Exists(roles))
        .filter(ok=False)
        .select_related("owner", "meeting__body")
    )


def register() -> None:
    handover.register(
        HandoverStep(
            "action_items",
            gettext_lazy("Open action items"),
            _move_action_items,
            _action_item_orphans,
        )
    )
