"""The one place that says what each role may do.

Views, templates and services ask this module; none of them looks at role names. A capability
comes only from a role that is active today, so an ended role grants nothing, on the day it ends,
without any event. Per-object grants (django-guardian) are written through this module, but they
never open anything on their own: the cases app checks the live condition in the same query.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connections, models
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.choices import OrganisationKind
from sutohamu import statements

from .choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse

    from accounts.models import Organisation

    from .models import RoleAssignment, User

    # Who a request may carry: a signed-in person or the anonymous visitor.
    AnyUser: TypeAlias = User | AnonymousUser


class Capability(enum.StrEnum):
    VIEW_COOPERATION = "view_cooperation"  # agreement, bodies, medskick, priorities
    EDIT_OWN_BODIES = "edit_own_bodies"  # bodies where the person is coordinator or chair
    PREPARE_MEETINGS = "prepare_meetings"
    REPORT_CONCERN = "report_concern"  # open a case for a municipality
    FOLLOW_OWN_REPORTS = "follow_own_reports"  # reference and status of what one reported
    WORK_CASES = "work_cases"  # full case content of the role's municipality
    REVIEW_ESCALATIONS = "review_escalations"  # the organisation's receiver queue
    RECORD_SECURITY_SERVICE_NOTICE = "record_security_service_notice"
    VIEW_STATUS_REPORTS = "view_status_reports"  # aggregated figures only
    VIEW_VBE_STATUS_REPORTS = "view_vbe_status_reports"  # aggregated figures, VBE only
    MANAGE_ACCOUNTS = "manage_accounts"  # people, roles, memberships
    MANAGE_REFERENCE_DATA = "manage_reference_data"  # organisations, bodies
    READ_ACCESS_LOG = "read_access_log"  # who read which case; never case text


C = Capability

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.COORDINATOR: frozenset(
        {
            C.VIEW_COOPERATION,
            C.EDIT_OWN_BODIES,
            C.PREPARE_MEETINGS,
            C.REPORT_CONCERN,
            C.FOLLOW_OWN_REPORTS,
            C.WORK_CASES,
            C.REVIEW_ESCALATIONS,
            C.VIEW_STATUS_REPORTS,
        }
    ),
    Role.COUNCIL_MEMBER: frozenset({C.VIEW_COOPERATION, C.REPORT_CONCERN, C.FOLLOW_OWN_REPORTS}),
    Role.COMMUNITY_POLICE: frozenset(
        {
            C.VIEW_COOPERATION,
            C.EDIT_OWN_BODIES,
            C.PREPARE_MEETINGS,
            C.REVIEW_ESCALATIONS,
            C.RECORD_SECURITY_SERVICE_NOTICE,
        }
    ),
    Role.POLICE_AREA_CHIEF: frozenset(
        {C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_STATUS_REPORTS}
    ),
    Role.AGERA: frozenset({C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_VBE_STATUS_REPORTS}),
    Role.COUNTY_BOARD: frozenset({C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS, C.VIEW_STATUS_REPORTS}),
    Role.STEERING_GROUP: frozenset({C.VIEW_COOPERATION, C.VIEW_STATUS_REPORTS}),
    # A level-4/5 organisation joins as data: a person to receive its escalations.
    Role.CONTACT_PERSON: frozenset({C.VIEW_COOPERATION, C.REVIEW_ESCALATIONS}),
    Role.ADMINISTRATOR: frozenset({C.VIEW_COOPERATION, C.MANAGE_ACCOUNTS, C.MANAGE_REFERENCE_DATA}),
    Role.DATA_PROTECTION_OFFICER: frozenset({C.READ_ACCESS_LOG}),
}

# Capabilities that open the content of a case: in full, or the part an escalation shares.
CASE_CONTENT_CAPABILITIES: frozenset[Capability] = frozenset({C.WORK_CASES, C.REVIEW_ESCALATIONS})

# Separation of duties: whoever holds one of these roles never reads case content, whatever else
# they hold (a conflicting role is refused when it is given, and ignored here if it exists anyway).
SEPARATED_ROLES: frozenset[Role] = frozenset({Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER})


def opens_case_content(role: str) -> bool:
    return bool(ROLE_CAPABILITIES[Role(role)] & CASE_CONTENT_CAPABILITIES)


# Where each role can be held; None means any organisation.
ROLE_ORGANISATION_KINDS: dict[Role, frozenset[str] | None] = {
    Role.COORDINATOR: frozenset({OrganisationKind.MUNICIPALITY}),
    Role.COUNCIL_MEMBER: frozenset({OrganisationKind.MUNICIPALITY}),
    Role.COMMUNITY_POLICE: frozenset({OrganisationKind.POLICE_AREA}),
    Role.POLICE_AREA_CHIEF: frozenset({OrganisationKind.POLICE_AREA}),
    Role.AGERA: frozenset({OrganisationKind.CIVIL_SOCIETY}),
    Role.COUNTY_BOARD: frozenset({OrganisationKind.COUNTY_BOARD}),
    Role.STEERING_GROUP: frozenset({OrganisationKind.MUNICIPALITY, OrganisationKind.POLICE_AREA}),
    # The Security Service is informed through the police part, never a receiver of its own.
    Role.CONTACT_PERSON: frozenset(
        {
            OrganisationKind.COUNTY_POLICE,
            OrganisationKind.POLICE_REGION,
            OrganisationKind.NATIONAL_CENTRE,
        }
    ),
    Role.ADMINISTRATOR: None,
    Role.DATA_PROTECTION_OFFICER: None,
}


def roles_with(capability: Capability) -> list[str]:
    """The roles that grant a capability, for queries over role assignments."""
    return sorted(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def role_fits_organisation(role: str, organisation: Organisation) -> bool:
    kinds = ROLE_ORGANISATION_KINDS[Role(role)]
    return kinds is None or organisation.kind in kinds


def active_roles(user: AnyUser) -> list[RoleAssignment]:
    """The user's roles in force today, read once per user object and day."""
    if not user.is_authenticated or not user.is_active:
        return []
    today = timezone.localdate()
    cached = getattr(user, "_active_roles_cache", None)
    if cached is None or cached[0] != today:
        roles = _read_roles(user, today)
        user._active_roles_cache = (today, roles)
        return roles
    return cached[1]


def _roles_of(user: User, day: datetime.date) -> models.QuerySet[RoleAssignment]:
    """The one definition of the read: the person's roles in force that day, with organisation."""
    roles = user.roles.active(day).select_related("organisation")
    return roles.order_by("role", "start_date", "pk")


# Sentinels for compiling `_roles_of` once: their places among the parameters are where each
# request's person and day go. Neither can be a real id or a day anyone's role is dated.
_PERSON_MARK = -7_340_033
_DAY_MARK = datetime.date(1, 1, 3)


def _read_roles(user: User, day: datetime.date) -> list[RoleAssignment]:
    """`_roles_of(user, day)` as the ORM would load it.

    Every page reads the roles, and the ORM's building and compiling of this join was most of
    its cost (about 0.5 ms of Python against 0.1 for the statement). So on PostgreSQL it is the
    ORM's own statement compiled once per process (sutohamu.statements), with the person and the
    day as parameters, so it cannot drift from `_roles_of`. The embedded SQLite demo, whose
    backend turns the day into text before it can be marked, goes through the ORM itself.
    """
    if connections[user.roles.db].vendor != "postgresql":
        return list(_roles_of(user, day))
    roles = statements.objects(
        "active roles",
        lambda: statements.ModelStatement(
            # The class through _meta: request.user is a lazy proxy whose type() is the proxy's.
            _roles_of(cast("User", user._meta.model(pk=_PERSON_MARK)), _DAY_MARK),
            {"person": _PERSON_MARK, "day": _DAY_MARK},
        ),
        person=user.pk,
        day=day,
    )
    user_field = user.roles.model._meta.get_field("user")
    for role in roles:
        user_field.set_cached_value(role, user)
    return roles


def fragment_scope(user: AnyUser) -> str:
    """Whose cached page parts these are (sutohamu.fragments): the person and their active
    roles, so that a part is never shown to another person, nor after a role changes."""
    roles = sorted(f"{a.role}@{a.organisation_id}" for a in active_roles(user))
    return f"{user.pk}:{','.join(roles)}"


def forget_roles(user: AnyUser) -> None:
    """Drop the per-object cache after roles change within one request or test."""
    if hasattr(user, "_active_roles_cache"):
        del user._active_roles_cache


def _granted(roles: list[RoleAssignment]) -> list[tuple[RoleAssignment, frozenset[Capability]]]:
    """Each active role with what it grants, case content removed under separation of duties."""
    separated = any(Role(a.role) in SEPARATED_ROLES for a in roles)
    out = []
    for a in roles:
        caps = ROLE_CAPABILITIES[Role(a.role)]
        out.append((a, caps - CASE_CONTENT_CAPABILITIES if separated else caps))
    return out


def capabilities_of(user: AnyUser) -> frozenset[Capability]:
    caps: set[Capability] = set()
    for _assignment, granted in _granted(active_roles(user)):
        caps |= granted
    return frozenset(caps)


def has_capability(
    user: AnyUser, capability: Capability, organisation: Organisation | int | None = None
) -> bool:
    """True when an active role grants the capability, at the organisation if one is named."""
    if organisation is None:
        return capability in capabilities_of(user)
    return _organisation_id(organisation) in organisation_ids_with(user, capability)


def organisation_ids_with(user: AnyUser, capability: Capability) -> frozenset[int]:
    """Ids of the organisations at which the user holds the capability today."""
    return frozenset(
        a.organisation_id for a, caps in _granted(active_roles(user)) if capability in caps
    )


def organisations_with(user: AnyUser, capability: Capability) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for a, caps in _granted(active_roles(user)):
        if capability in caps:
            seen.setdefault(a.organisation_id, a.organisation)
    return sorted(seen.values(), key=lambda o: o.name)


def can_read_case_content(user: AnyUser) -> bool:
    return bool(capabilities_of(user) & CASE_CONTENT_CAPABILITIES)


def require(user: AnyUser, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


def capability_required(
    capability: Capability,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: 403 unless an active role grants the capability (sign-in checked first)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Per-object grants (django-guardian). The cases app calls these, never guardian itself; a grant is
# a record kept in step with its source, and every read also checks the live condition.


def grant_object(user: User, permission: str, obj: models.Model) -> None:
    assign_perm(permission, user, obj)


def revoke_object(user: User, permission: str, obj: models.Model) -> None:
    remove_perm(permission, user, obj)


def _organisation_id(organisation: Organisation | int) -> int:
    return organisation if isinstance(organisation, int) else organisation.pk
