"""The one door to case content.

Every view, task and selector that needs a case, an escalation, a proposal or a part of a case
fetches it here. Each helper returns the object or raises Http404 (out of reach: a page never
confirms that a reference exists) or PermissionDenied (seen, but not this person's to change).
Who may see and change what is said once, in the querysets (`Case.objects.reachable_by`,
`Escalation.objects.visible_to`); the helper that opens case content writes the read log itself,
so no view has to remember it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, has_capability, organisation_ids_with
from accounts.models import User
from sutohamu import statements

from .choices import OPEN_ESCALATION, CaseStatus, EscalationStatus, ReadKind
from .models import (
    Case,
    CaseRead,
    Commitment,
    Consent,
    DeskItem,
    Escalation,
    FollowUpPlan,
    Measure,
    ProposedMeasure,
    Subject,
    Transition,
)
from .rights import CaseAccess, Right

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

    from .models.case import CaseQuerySet
    from .models.consent import ConsentQuerySet
    from .models.escalations import EscalationQuerySet

Side = Literal["either", "receiver", "sender"]


def access_to(user: AnyUser, case: Case) -> CaseAccess:
    """Full work for the owning municipality; otherwise the rights open escalations carry."""
    if has_capability(user, Capability.WORK_CASES, case.municipality_id):
        return CaseAccess(works=True, rights=frozenset(Right))
    rights = frozenset(
        right
        for right in (Right.VIEW, Right.ADD_MEASURE, Right.ADD_NOTE)
        if Case.objects.shared_with(user, right).filter(pk=case.pk).exists()
    )
    return CaseAccess(works=False, rights=rights)


def case_for(
    user: User, reference: str, *, need: Right = Right.VIEW, log: ReadKind | None = None
) -> Case:
    """The case if the person holds `need` on it, with `case.access` filled in; else 404.

    `log` names what is being read; a receiver's read of a case page is logged as the shared part.
    """
    # The own municipality's cases first (`changeable_by`, reachable with every right): the
    # simpler rule, and most reads are the owners'; building the sharing rule's subqueries cost
    # more than the query. Someone who works no municipality's cases skips it without a query.
    case = _own_case(user, reference) or get_object_or_404(
        Case.objects.reachable_by(user, need).select_related("municipality", "owner"),
        reference=reference,
    )
    case.access = access_to(user, case)
    if log is not None:
        kind = ReadKind.SHARED if log == ReadKind.PAGE and not case.access.works else log
        log_read(user, case, kind)
    return case


def _own_case(user: AnyUser, reference: str) -> Case | None:
    """The own-municipality case by reference, its statement compiled once per set of
    municipalities the person works (what `changeable_by` depends on): building and compiling
    the query took four times as long as running it, on every case page and timeline."""
    towns = organisation_ids_with(user, Capability.WORK_CASES)
    if not towns:
        return None
    return statements.first(
        ("own case", frozenset(towns)),
        lambda value: (
            Case.objects.changeable_by(user)
            .select_related("municipality", "owner")
            .filter(reference=value)
        ),
        reference,
    )


def log_read(user: User, case: Case, kind: str) -> None:
    """The read log: append only (the database refuses changes, see the cases migrations)."""
    CaseRead.objects.create(user_id=user.pk, case=case, kind=kind)


def can_work(user: AnyUser, case: Case) -> bool:
    return has_capability(user, Capability.WORK_CASES, case.municipality_id)


def cases_reported_by(user: User) -> QuerySet[Case]:
    """What the person reported, whoever owns it now (see `reports_of` for what she sees)."""
    return Case.objects.reported_by(user)


@dataclass(frozen=True)
class ReportedCase:
    """What a reporter sees of her report: her own title and what happened, never the
    owner's words (no notes, no reasons, no later edits of the title, no owner's name)."""

    reference: str
    title: str
    reported_at: datetime.datetime
    status: str
    events: list[tuple[datetime.datetime, str]]


def reports_of(user: User) -> list[ReportedCase]:
    """The person's reports, newest first, in three queries whatever their number."""
    cases = list(
        cases_reported_by(user)
        .only("pk", "reference", "status", "reported_at")
        .order_by("-reported_at")
    )
    ids = [c.pk for c in cases]
    titles: dict[int, str] = {}
    owner_from: dict[int, datetime.datetime] = {}
    for record in (
        Case.history.filter(id__in=ids)
        .order_by("history_date", "history_id")
        .values("id", "title", "owner_id", "history_date")
    ):
        titles.setdefault(record["id"], record["title"])
        if record["owner_id"] is not None:
            owner_from.setdefault(record["id"], record["history_date"])
    moves: dict[int, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    labels = dict(CaseStatus.choices)
    for case_id, at, to in (
        Transition.objects.filter(case_id__in=ids)
        .exclude(from_status="")
        .order_by("at", "pk")
        .values_list("case_id", "at", "to_status")
    ):
        moves[case_id].append((at, str(labels.get(to, to))))
    reports = []
    for case in cases:
        events = [(case.reported_at, str(_("Reported")))]
        if case.pk in owner_from:
            events.append((owner_from[case.pk], str(_("An owner was assigned"))))
        events += moves[case.pk]
        reports.append(
            ReportedCase(
                reference=case.reference,
                title=titles.get(case.pk, ""),
                reported_at=case.reported_at,
                status=case.get_status_display(),
                events=sorted(events, key=lambda event: event[0]),
            )
        )
    return reports


def cases_for_export(user: User, cases: QuerySet[Case], limit: int) -> list[Case]:
    """Rows of an export of the person's own cases; each exported case is logged as read.

    An export larger than `limit` is refused (code `export_too_large`), never cut short: a
    spreadsheet that silently lacks rows is worse than none.
    """
    scoped = cases.filter(pk__in=Case.objects.changeable_by(user).values("pk"))
    rows = list(scoped[: limit + 1])
    if len(rows) > limit:
        raise ValidationError(
            _(
                "An export holds at most %(limit)s cases and this selection holds more. "
                "Narrow it down by status, area, owner or search words, and export again."
            ),
            code="export_too_large",
            params={"limit": limit},
        )
    CaseRead.objects.bulk_create(
        [CaseRead(user_id=user.pk, case=c, kind=ReadKind.EXPORT) for c in rows]
    )
    return rows


# The distinct owners of the cases of some municipalities, read as a skip scan of the index
# (municipality, owner): one probe per owner, not one row per case. At national scale the plain
# `IN (SELECT owner ...)` read Sunne's 5,100 cases and every one of the 4,900 accounts, 2-5 ms;
# this reads a few index pages, 0.3 ms. The municipalities are `changeable_filter`'s.
_OWNERS_OF_TOWNS = """
    "accounts_user"."id" = ANY(ARRAY(
        WITH RECURSIVE owners(town, owner) AS (
            SELECT t, (
                SELECT c.owner_id FROM cases_case c
                WHERE c.municipality_id = t AND c.owner_id IS NOT NULL
                ORDER BY c.owner_id LIMIT 1
            ) FROM unnest(%s::bigint[]) AS t
          UNION ALL
            SELECT o.town, (
                SELECT c.owner_id FROM cases_case c
                WHERE c.municipality_id = o.town AND c.owner_id > o.owner
                ORDER BY c.owner_id LIMIT 1
            ) FROM owners o WHERE o.owner IS NOT NULL
        )
        SELECT owner FROM owners WHERE owner IS NOT NULL
    ))"""


def owners_to_filter(user: AnyUser) -> QuerySet[User]:
    """The people who own the person's workable cases (the desk's owner filter)."""
    towns = sorted(organisation_ids_with(user, Capability.WORK_CASES))
    owners = RawSQL(_OWNERS_OF_TOWNS, (towns,), output_field=BooleanField())
    return User.objects.filter(owners).order_by("first_name", "last_name")


# Parts of a case, always inside a case already fetched through case_for.


def measures_of(case: Case, user: AnyUser) -> QuerySet[Measure]:
    """All measures for the owning municipality; a receiver only those it is responsible for."""
    if case.access.works:
        return case.measures.all()
    own = organisation_ids_with(user, Capability.REVIEW_ESCALATIONS)
    return case.measures.filter(responsible_id__in=own)


def measure_for(case: Case, user: AnyUser, pk: int) -> Measure:
    return get_object_or_404(measures_of(case, user), pk=pk)


def commitment_of(case: Case) -> Commitment | None:
    """The long-term commitment of a case that came through the door (None until planned)."""
    return Commitment.objects.filter(case=case).first()


def followup_plan_of(case: Case) -> FollowUpPlan | None:
    """The follow-up plan of a case that came through the door (None until follow-up starts)."""
    return FollowUpPlan.objects.filter(case=case).first()


def consent_for(case: Case, pk: int) -> Consent:
    if not case.access.works:
        raise PermissionDenied
    return get_object_or_404(case.consents.all(), pk=pk)


# Escalations: both sides see the escalation; only an open one shows the receiver the case.


def escalation_for(user: User, pk: int, *, side: Side = "either", log: bool = True) -> Escalation:
    """An escalation in the person's queue or of a case they work; else 404.

    `side` asks for the receiving or sending side (403 when the person is only the other side).
    Once closed or withdrawn the receiver sees its own part only (`shows_case` is False), and
    only a page that shows case content is logged as a read.
    """
    item = get_object_or_404(
        Escalation.objects.visible_to(user).select_related(
            "case", "case__municipality", "receiver", "handler", "created_by"
        ),
        pk=pk,
    )
    item.is_receiver = has_capability(user, Capability.REVIEW_ESCALATIONS, item.receiver_id)
    item.is_sender = can_work(user, item.case)
    if (side == "receiver" and not item.is_receiver) or (side == "sender" and not item.is_sender):
        raise PermissionDenied
    item.shows_case = item.is_sender or (
        item.is_open
        and item.is_receiver
        and Case.objects.shared_with(user, Right.VIEW).filter(pk=item.case_id).exists()
    )
    if log and item.shows_case:
        log_read(user, item.case, ReadKind.SHARED)
    return item


def cases_changeable_by(user: AnyUser) -> CaseQuerySet:
    """The cases the person works (the desk's lists and counts start here)."""
    return Case.objects.changeable_by(user)


def consents_of(cases: CaseQuerySet) -> ConsentQuerySet:
    """The consents of cases that came through the door."""
    return Consent.objects.filter(case__in=cases)


def measures_of_cases(cases: CaseQuerySet) -> QuerySet[Measure]:
    """The measures of cases that came through the door."""
    return Measure.objects.filter(case__in=cases)


def desk_items_for(user: AnyUser) -> QuerySet[DeskItem]:
    """The desk's read-model rows of the cases the person works (the cases' own rule)."""
    return DeskItem.objects.changeable_by(user)


def escalations_of(cases: CaseQuerySet) -> QuerySet[Escalation]:
    """The escalations of cases that came through the door."""
    return Escalation.objects.filter(case__in=cases)


def escalations_in_queue_of(user: AnyUser) -> EscalationQuerySet:
    """The receiving side's queue, for counts (queue_for for the list)."""
    return Escalation.objects.in_queue_of(user)


# The open states as literals in the statement, not parameters: a prepared statement's generic
# plan can then use the partial index of the open queue (escalation_queue_open).
OPEN_ESCALATION_SQL = RawSQL(
    '"cases_escalation"."status" IN ({})'.format(", ".join(f"'{s}'" for s in OPEN_ESCALATION)),
    (),
    output_field=BooleanField(),
)


def queue_for(user: AnyUser, *, include_closed: bool) -> tuple[QuerySet[Escalation], dict]:
    """The person's receiving queue and its counts by status (counted over the whole queue)."""
    items = Escalation.objects.in_queue_of(user)
    counts = dict.fromkeys(EscalationStatus.values, 0)  # a status nobody is in shows 0
    # COUNT(*), not of the ids: read from the index (receiver, status) alone, not the table (at
    # national scale 2.7 ms for the police area's 15,400 escalations against 11 ms).
    counts |= dict(items.values("status").annotate(n=Count("*")).values_list("status", "n"))
    if not include_closed:
        items = items.filter(OPEN_ESCALATION_SQL)
    items = items.select_related("case", "case__municipality", "receiver", "handler")
    return items.order_by("created_at"), counts


def escalations_shared_with(user: AnyUser, case: Case) -> QuerySet[Escalation]:
    """The open escalations of a case to the person's receiving organisations."""
    own = organisation_ids_with(user, Capability.REVIEW_ESCALATIONS)
    return case.escalations.open().filter(receiver_id__in=own).select_related("receiver")


def subjects_shared_with(user: AnyUser, case: Case) -> QuerySet[Subject]:
    """The pseudonyms the open escalations to the person's organisations shared, never more."""
    return (
        case.subjects.filter(escalations__in=escalations_shared_with(user, case))
        .distinct()
        .select_related("residence")
    )


def open_proposals_of(case: Case) -> QuerySet[ProposedMeasure]:
    """The proposals not accepted yet of a case that came through the door (case_for)."""
    return ProposedMeasure.objects.filter(escalation__case=case, accepted_as__isnull=True)


def proposal_for(user: AnyUser, pk: int) -> ProposedMeasure:
    """A proposed measure, for the sending side to accept; else 404."""
    return get_object_or_404(
        ProposedMeasure.objects.filter(
            escalation__in=Escalation.objects.sent_for(user)
        ).select_related("escalation__case"),
        pk=pk,
    )


# The read log is for the data protection officer only.


def read_log_for(user: AnyUser) -> QuerySet[CaseRead]:
    if not has_capability(user, Capability.READ_ACCESS_LOG):
        raise PermissionDenied
    return CaseRead.objects.select_related("user", "case").only(
        "at", "kind", "user__username", "user__first_name", "user__last_name", "case__reference"
    )
