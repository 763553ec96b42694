"""The one door through which the councils views fetch what is scoped to the person.

Each helper returns the object or raises: Http404 when it is out of the person's reach (a hidden
object answers exactly like a missing one), PermissionDenied when the person sees it but may not
make the change asked for. Lists come from the same QuerySet vocabulary (`visible_to`,
`changeable_by`), so a list never shows what the object's own page would refuse.
tests/councils/test_access_door.py fails when a councils view reaches a scoped model's manager.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.capabilities import Capability, has_capability
from accounts.models import Organisation

from .choices import Area
from .models import (
    ActionPlanAssignment,
    Body,
    CitizenPromise,
    Medskick,
    MeetingPlan,
    Membership,
    Priority,
)
from .models.medskick import ROUTES, MedskickQuerySet
from .models.memberships import MembershipQuerySet
from .models.organisations import BodyQuerySet
from .models.priorities import PriorityRights
from .models.priorities import promise_municipalities as _promise_municipalities

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.capabilities import AnyUser


def _get(queryset, pk: object):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def body_for(user: AnyUser, pk: object, *, change: bool = False) -> Body:
    """A body the person sees (404 otherwise); with change=True one they may edit (403)."""
    body = _get(Body.objects.visible_to(user).select_related("municipality"), pk)
    if change and not can_change_body(user, body):
        raise PermissionDenied
    return body


def can_change_body(user: AnyUser, body: Body) -> bool:
    """Whether the body page offers editing: the rule of Body.objects.changeable_by."""
    return Body.objects.changeable_by(user).filter(pk=body.pk).exists()


def medskick_for(
    user: AnyUser, pk: object, *, change: bool = False, receiving: bool = False
) -> Medskick:
    """A medskick the person sees (404 otherwise).

    change=True: one either side's editor may change (close), else 403.
    receiving=True: one the receiving body's editor may receive and answer, else 403.
    """
    item = _get(
        Medskick.objects.visible_to(user).select_related(
            "sender", "receiver", "sent_by", "handler"
        ),
        pk,
    )
    if receiving:
        allowed = Medskick.objects.answerable_by(user)
    elif change:
        allowed = Medskick.objects.changeable_by(user)
    else:
        return item
    if not allowed.filter(pk=item.pk).exists():
        raise PermissionDenied
    return item


def bodies_visible_to(user: AnyUser) -> BodyQuerySet:
    return Body.objects.visible_to(user)


def bodies_with_member(user: AnyUser) -> BodyQuerySet:
    """The bodies the person sits in today (a medskick's inbox and outbox)."""
    return Body.objects.with_member(user)


def bodies_changeable_by(user: AnyUser) -> BodyQuerySet:
    return Body.objects.changeable_by(user)


def medskick_visible_to(user: AnyUser) -> MedskickQuerySet:
    return Medskick.objects.visible_to(user)


def medskick_of_body(user: AnyUser, body: Body) -> MedskickQuerySet:
    """A body's medskick as the person may see them: the body page lists no more."""
    return Medskick.objects.visible_to(user).for_bodies(Body.objects.filter(pk=body.pk))


def memberships_of_body(user: AnyUser, body: Body) -> MembershipQuerySet:
    return Membership.objects.visible_to(user).filter(body=body)


def meeting_plan_of_body(user: AnyUser, body: Body, year: int) -> MeetingPlan | None:
    return MeetingPlan.objects.visible_to(user).filter(body=body, year=year).first()


def can_answer_medskick(user: AnyUser, item: Medskick) -> bool:
    return Medskick.objects.answerable_by(user).filter(pk=item.pk).exists()


def can_change_medskick(user: AnyUser, item: Medskick) -> bool:
    return Medskick.objects.changeable_by(user).filter(pk=item.pk).exists()


def priorities_visible_to(user: AnyUser) -> QuerySet[Priority]:
    return Priority.objects.visible_to(user)


def priority_for(user: AnyUser, pk: object, rights: PriorityRights) -> Priority:
    """A priority the person keeps under `rights` (priority_rights, read once per request).

    Every member sees the priorities (404 only for a missing one); one outside the rights is 403.
    """
    priority: Priority = _get(Priority.objects.visible_to(user), pk)
    if not rights.allows(priority):
        raise PermissionDenied
    return priority


def priority_rows(
    priorities: Iterable[Priority], rights: PriorityRights
) -> list[tuple[Priority, bool]]:
    """Each priority with whether the person may open it: only those titles become links."""
    return [(p, rights.allows(p)) for p in priorities]


def promises_visible_to(user: AnyUser) -> QuerySet[CitizenPromise]:
    return CitizenPromise.objects.visible_to(user)


def promise_for(user: AnyUser, pk: object, *, change: bool = False) -> CitizenPromise:
    """A citizen promise (every member sees them); with change=True one they make (403).

    Read in one query with `changeable` (whether the person may change it) for the page.
    """
    changeable = CitizenPromise.objects.changeable_by(user).filter(pk=OuterRef("pk"))
    promise: CitizenPromise = _get(
        CitizenPromise.objects.visible_to(user)
        .select_related("municipality", "police_area")
        .annotate(changeable=Exists(changeable)),
        pk,
    )
    if change and not promise.changeable:  # type: ignore[attr-defined]
        raise PermissionDenied
    return promise


def medskick_senders(user: AnyUser) -> BodyQuerySet:
    """The bodies the person may send a medskick from: edited by them, with a route to send on."""
    return Body.objects.changeable_by(user).filter(kind__in=list(ROUTES))


def promise_municipalities(user: AnyUser) -> QuerySet[Organisation]:
    """The municipalities the person may write a citizen promise for (the create view's rule)."""
    return _promise_municipalities(user)


def can_change_action_plan(user: AnyUser, municipality_id: int) -> bool:
    """The municipality's own coordinators keep its action plan; the administrator may too."""
    return has_capability(user, Capability.WORK_CASES, municipality_id) or has_capability(
        user, Capability.MANAGE_ACCOUNTS
    )


def action_plan_for(user: AnyUser, municipality_pk: int, area: str) -> ActionPlanAssignment:
    """A municipality's line for one area, stored or new: 404 for no such place, 403 outside
    the person's municipalities."""
    municipality = get_object_or_404(Organisation.objects.municipalities(), pk=municipality_pk)
    if area not in Area.values:
        raise Http404
    if not can_change_action_plan(user, municipality.pk):
        raise PermissionDenied
    line = ActionPlanAssignment.objects.filter(municipality=municipality, area=area).first()
    return line or ActionPlanAssignment(municipality=municipality, area=area)
