"""The one door of meetings: who sees and changes which meeting, and what of a case an agenda shows.

A meeting is seen by whoever sees its body, changed by the body's editors; the agenda is prepared
by the host municipality's people (the agenda owner). An agenda's case lines show a reference and
an anonymised one-line summary built from codes (municipality, areas, setting, status), never the
problem picture, description or pseudonyms, and only for a case the person may see; the others
are a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.capabilities import Capability, active_roles, fragment_scope, has_capability
from accounts.models import Organisation, User
from cases.choices import CaseStatus
from cases.models import Case, Escalation
from cases.models.case import CaseQuerySet
from councils.choices import BodyKind, MembershipKind
from councils.models import Body, Medskick, Membership
from sutohamu import statements

from .models import (
    ActionItem,
    ActionItemQuerySet,
    AgendaItem,
    AgendaRotation,
    AgendaVersion,
    Decision,
    Meeting,
    MeetingQuerySet,
    MinutesVersion,
)
from .schedule import rotation_order

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

# A case is due for review at a meeting while work on it goes on.
REVIEW_STATUSES = (CaseStatus.MEASURES, CaseStatus.FOLLOW_UP)


def _get(queryset: QuerySet[Any], pk: object) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agenda_scope(user: User) -> str:
    """Whose cached agenda parts these are: the person, their roles and their seats in force, so
    that a seat taken away (in the admin, past every service) changes the key at once. The seats
    are read on every request by a statement compiled once per person and day."""
    statement = statements.compiled(
        ("meetings.seats", user.pk, timezone.localdate()),
        lambda now: Membership.objects.filter(user=user).active().values("body_id", "kind"),
    )
    rows = statement.rows() if statement else []
    seats = sorted((row["body_id"], row["kind"]) for row in rows)
    return f"{fragment_scope(user)};{seats}"


def meetings_visible_to(user: AnyUser) -> MeetingQuerySet:
    return Meeting.objects.visible_to(user).select_related("body", "host")


def meeting_for(user: AnyUser, pk: object, *, change: bool = False) -> Meeting:
    """A meeting the person sees (404), with change=True one of a body they edit (403)."""
    meeting: Meeting = _get(meetings_visible_to(user).select_related("body__municipality"), pk)
    if change and not can_change(user, meeting):
        raise PermissionDenied
    return meeting


def can_change(user: AnyUser, meeting: Meeting) -> bool:
    """The body's editors move, cancel, record attendance and write the minutes (the rule's
    statement compiled once per person, roles, day and body; run on the live seats)."""
    body_id = meeting.body_id
    return statements.exists(
        ("meetings.can_change", fragment_scope(user), timezone.localdate(), body_id),
        lambda now: Body.objects.changeable_by(user).filter(pk=body_id),
    )


def can_prepare(user: AnyUser, meeting: Meeting) -> bool:
    """The agenda owner: the host's people who prepare meetings (a body's editors if no host)."""
    if not can_change(user, meeting):
        return False
    if meeting.host_id is None:
        return True
    return has_capability(user, Capability.PREPARE_MEETINGS, meeting.host_id)


def prepare_for(user: AnyUser, pk: object) -> Meeting:
    meeting = meeting_for(user, pk)
    if not can_prepare(user, meeting):
        raise PermissionDenied
    return meeting


def record_version_for(
    model: type[AgendaVersion] | type[MinutesVersion], meeting: Meeting, number: int | None
) -> AgendaVersion | MinutesVersion | None:
    """A frozen version of a meeting the person sees: `number`, else the latest (None: none yet;
    404 for a number that does not exist)."""
    versions = model.objects.filter(meeting=meeting)
    if number is None:
        return versions.order_by("-number").first()
    found = versions.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def item_for(meeting: Meeting, pk: object) -> AgendaItem:
    item: AgendaItem = _get(meeting.items.all(), pk)
    item.meeting = meeting
    return item


def bodies_visible_to(user: AnyUser) -> QuerySet[Body]:
    return Body.objects.visible_to(user)


def bodies_changeable_by(user: AnyUser) -> QuerySet[Body]:
    return Body.objects.changeable_by(user)


def decisions_visible_to(user: AnyUser) -> QuerySet[Decision]:
    return Decision.objects.visible_to(user).select_related("meeting__body")


def action_items_visible_to(user: AnyUser) -> ActionItemQuerySet:
    return ActionItem.objects.visible_to(user).select_related("owner", "meeting__body")


def action_item_for(user: AnyUser, pk: object) -> ActionItem:
    """An action item of a body the person edits, or their own (403 if only seen)."""
    item: ActionItem = _get(action_items_visible_to(user), pk)
    if (
        item.owner_id != getattr(user, "pk", None)
        and not Body.objects.changeable_by(user).filter(pk=item.meeting.body_id).exists()
    ):
        raise PermissionDenied
    return item


def readable_picture_ids(user: AnyUser) -> set[int]:
    """The ids of `picture_organisations_for`, by a statement compiled once per person and day."""
    statement = statements.compiled(
        ("meetings.readable_pictures", fragment_scope(user), timezone.localdate()),
        lambda now: picture_organisations_for(user).order_by().values("pk"),
    )
    return {row["pk"] for row in statement.rows()} if statement else set()


def reporting_organisations(user: AnyUser, choices: list[Organisation]) -> list[Organisation]:
    """Of the organisations expected to bring a lägesbild, those the person speaks for."""
    own = {a.organisation_id for a in active_roles(user)}
    return [o for o in choices if o.pk in own]


def picture_organisations_for(user: AnyUser) -> QuerySet[Organisation]:
    """Whose lägesbild history the person may read: the working group's reporters, for members."""
    groups = Body.objects.with_member(user).filter(kind=BodyKind.WORKING_GROUP)
    rotating = AgendaRotation.objects.filter(body__in=groups).values("municipality")
    partners = Membership.objects.filter(body__in=groups, kind=MembershipKind.CO_OPTED)
    return Organisation.objects.filter(
        Q(pk__in=rotating) | Q(pk__in=partners.values("organisation"))
    ).order_by("kind", "name")


# What an agenda shows of cases, escalations and medskick.


@dataclass(frozen=True)
class CaseLine:
    reference: str
    summary: str


@dataclass(frozen=True)
class Lines:
    lines: list[Any]
    hidden: int  # lines the person may not see: a count only
    more: int = 0  # lines the person may see beyond those listed (the page lists a first part)


def _municipality_ids(meeting: Meeting) -> list[int]:
    if meeting.body.kind == BodyKind.LOCAL_COUNCIL:
        return [meeting.body.municipality_id] if meeting.body.municipality_id else []
    if meeting.body.kind == BodyKind.WORKING_GROUP:
        return rotation_order(meeting.body)
    return []


def due_for_review(meeting: Meeting) -> CaseQuerySet:
    """The cases a meeting reviews, for everyone: the page narrows them per reader, the official
    record lists them all by reference and codes."""
    return Case.objects.filter(
        municipality_id__in=_municipality_ids(meeting), status__in=REVIEW_STATUSES
    )


def summary_of(case: Case) -> str:
    """An anonymised one-line summary, from codes only: never the case's own words."""
    parts = [case.municipality.name, ", ".join(case.area_labels)]
    parts += [str(case.get_setting_display()), str(case.get_status_display())]
    return " · ".join(p for p in parts if p)


def case_lines(user: AnyUser, meeting: Meeting, limit: int | None = None) -> Lines:
    """Cases due for review: reference and summary for those the person sees, else a count.

    With `limit`, the first lines and a count of the rest the person may see: the page stays
    the same size whatever the number of cases (the PDF lists them all).
    """
    due = due_for_review(meeting)
    # The visibility rule on the same rows (not `pk IN (everything visible)`), so that the
    # municipality and status index narrows first: a whole-table scan at county scale otherwise.
    visible = due.visible_to(user)
    listed = (
        visible.select_related("municipality")
        .only("reference", "areas", "setting", "status", "municipality__name")
        # NULLS FIRST (references are never null) keeps the planner off the reference index:
        # walking it with the LIMIT read 39,000 other municipalities' cases (40 ms at county
        # scale) where the municipality and status index finds the 2,000 due ones directly.
        .order_by(F("reference").asc(nulls_first=True))
    )
    seen = list(listed if limit is None else listed[: limit + 1])
    more = 0
    if limit is not None and len(seen) > limit:
        seen = seen[:limit]
        more = visible.count() - limit
    hidden = due.count() - len(seen) - more
    return Lines([CaseLine(c.reference, summary_of(c)) for c in seen], hidden, more)


def escalation_lines(user: AnyUser, meeting: Meeting) -> Lines:
    """Escalations marked for the working group: case reference and receiver, else a count."""
    if meeting.body.kind != BodyKind.WORKING_GROUP:
        return Lines([], 0)
    marked = Escalation.objects.for_working_group()
    seen = list(
        marked.visible_to(user)
        .select_related("case", "receiver")
        .only("kind", "status", "case__reference", "receiver__name", "created_at")
        .order_by("created_at")
    )
    return Lines(seen, marked.count() - len(seen))


def medskick_lines(user: AnyUser, meeting: Meeting) -> Lines:
    """Open medskick to or from the body: title for members of either side, else a count."""
    open_items = Medskick.objects.open().for_bodies(Body.objects.filter(pk=meeting.body_id))
    seen = list(
        open_items.filter(pk__in=Medskick.objects.visible_to(user).values("pk"))
        .select_related("sender", "receiver")
        .order_by("sent_at")
    )
    return Lines(seen, open_items.count() - len(seen))


def open_action_items(meeting: Meeting) -> list[ActionItem]:
    """Open action items from the body's earlier meetings."""
    return list(
        ActionItem.objects.open()
        .filter(meeting__body_id=meeting.body_id, meeting__starts_at__lt=meeting.starts_at)
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
