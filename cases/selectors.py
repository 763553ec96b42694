"""What the coordinator's desk shows; a fixed number of queries whatever the case count."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from accounts.capabilities import fragment_scope
from accounts.models import User
from councils.choices import Area
from sutohamu import statements
from sutohamu.links import url_maker
from sutohamu.templatetags.formats import prose_date

from . import access
from .choices import CaseStatus, EscalationStatus, MeasureKind
from .lifecycle import OPEN_STATUSES
from .models import Case, Consent, DeskItem, DeskKind, Measure, ProposedMeasure
from .models.case import CaseQuerySet
from .models.followup import months_between

MEASURES_DUE_DAYS = 14
DESK_PAGE_SIZE = 50


@dataclass(frozen=True)
class DeskLine:
    """A line of a desk panel ready to print: its links built and its labels resolved."""

    href: str  # the case page
    reference: str
    text: str = ""  # what the line is about: the measure's kind, the escalation's receiver
    when: str = ""  # its date, worded
    overdue: bool = False
    link: str = ""  # the measure's form, the escalation's page
    detail: str = ""  # the measure's responsible organisation, the escalation's status


@dataclass
class Desk:
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    waiting: list[DeskLine] = field(default_factory=list)
    measures_due: list[DeskLine] = field(default_factory=list)
    measures_unscheduled: list[DeskLine] = field(default_factory=list)
    consents_expiring: list[Consent] = field(default_factory=list)
    escalations_waiting: list[DeskLine] = field(default_factory=list)
    followup: dict[str, Any] = field(default_factory=dict)


class _Wording:
    """Labels and links for one page: each choice list and URL pattern resolved once."""

    def __init__(self) -> None:
        self.case_url = url_maker("cases:detail", 1)
        self.measure_url = url_maker("cases:measure_edit", 2)
        self.escalation_url = url_maker("cases:escalation", 1)
        self.measure_kinds = {k: str(v) for k, v in MeasureKind.choices}
        self.escalation_statuses = {k: str(v).lower() for k, v in EscalationStatus.choices}
        self.due = gettext("due %(d)s")
        self.overdue_since = gettext("overdue since %(d)s")
        self.waiting = gettext("waiting %(age)s")
        self.next_contact = gettext("next contact %(d)s")

    def line(self, item: DeskItem, **more: Any) -> DeskLine:
        return DeskLine(href=self.case_url(item.reference), reference=item.reference, **more)


def desk_for(user: User, *, escalations: bool = True) -> Desk:
    """My open cases by state, cases awaiting my first action, measures due, consent expiring,
    escalations waiting and follow-up: seven queries whatever the number of cases (the panels
    read the desk's read model, cases/desk_rows.py; consent from its own table). Without
    `escalations`, six: the desk page reads that panel apart (`escalations_waiting`), because
    it words the time waited by the minute while the other panels are cached for the day."""
    today = timezone.localdate()
    words = _Wording()
    rows = access.desk_items_for(user)
    mine = rows.filter(owner_id=user.pk)
    counts = dict(
        # Counting a column of the index, the kind a literal (see `_CASE_KIND`): an index-only
        # scan of desk_case_owner_status_town, 0.4 ms for the national scale's busiest
        # coordinator's 1,200 open cases against 3 ms reading each row.
        mine.filter(kind=_CASE_KIND, case_status__in=OPEN_STATUSES)
        .values("case_status")
        .annotate(n=Count("case_status"))
        .values_list("case_status", "n")
    )
    due = mine.filter(
        kind=DeskKind.MEASURE_DUE, on__lte=today + datetime.timedelta(days=MEASURES_DUE_DAYS)
    ).order_by("on", "measure_id")[:20]
    unscheduled = (
        mine.filter(kind=DeskKind.MEASURE_UNSCHEDULED)
        .select_related("party")
        .order_by("at", "measure_id")[:20]
    )
    return Desk(
        counts=[
            (status, str(label), counts.get(status, 0))
            for status, label in CaseStatus.choices
            if status in OPEN_STATUSES
        ],
        waiting=[
            words.line(item, when=prose_date(item.at))
            for item in mine.filter(kind=DeskKind.CASE, case_status=CaseStatus.REPORTED).order_by(
                "at"
            )[:20]
        ],
        measures_due=[
            words.line(
                item,
                text=words.measure_kinds.get(item.measure_kind, item.measure_kind),
                overdue=_is_past(item.on, today),
                when=(words.overdue_since if _is_past(item.on, today) else words.due)
                % {"d": prose_date(item.on)},
            )
            for item in due
        ],
        measures_unscheduled=[
            words.line(
                item,
                text=words.measure_kinds.get(item.measure_kind, item.measure_kind),
                link=words.measure_url(item.reference, item.measure_id),
                detail=str(item.party),
            )
            for item in unscheduled
        ],
        consents_expiring=list(
            access.consents_of(access.cases_changeable_by(user).filter(owner=user).open())
            .expiring(today)
            .select_related("case", "subject")
            .order_by("expires_on")[:20]
        ),
        escalations_waiting=escalations_waiting(user, words) if escalations else [],
        followup=followup_lines(user, words, today),
    )


def escalations_waiting(user: User, words: _Wording | None = None) -> list[DeskLine]:
    """The person's escalations not yet answered, oldest first, with the time waited: one query."""
    words = words or _Wording()
    items = (
        access.desk_items_for(user)
        # The kind a literal, like `_CASE_KIND`: the partial index desk_escalation_owner_town.
        .filter(owner_id=user.pk, kind=_ESCALATION_KIND)
        .select_related("party")
        .order_by("at")[:20]
    )
    return [
        words.line(
            item,
            text=str(item.party),
            link=words.escalation_url(item.escalation_id),
            detail=words.escalation_statuses.get(item.escalation_status, ""),
            when=words.waiting % {"age": timesince(item.at)},
        )
        for item in items
    ]


def _is_past(day: datetime.date | None, today: datetime.date) -> bool:
    return day is not None and day < today


FOLLOWUP_LIMIT = 50


def followup_lines(user: User, words: _Wording, today: datetime.date) -> dict[str, Any]:
    """This week's contacts, overdue ones, and the followed cases of the person's
    municipalities with their plans (one query, the first FOLLOWUP_LIMIT by next contact)."""
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    items = list(
        access.desk_items_for(user)
        .filter(kind=DeskKind.FOLLOW_UP)
        .order_by("on", "reference")[:FOLLOWUP_LIMIT]
    )
    dated: list[tuple[DeskLine, datetime.date]] = []
    for item in items:
        if item.on is None or item.since is None:
            continue  # every plan has both; the columns are shared with other kinds of row
        followed = months_between(item.since, today)
        if item.months:
            progress = gettext("followed up %(n)s of %(planned)s months") % {
                "n": followed,
                "planned": item.months,
            }
        else:
            progress = ngettext("followed up %(n)s month", "followed up %(n)s months", followed) % {
                "n": followed
            }
        line = words.line(
            item,
            when=words.next_contact % {"d": prose_date(item.on)},
            overdue=item.on < today,
            text=item.on.isoformat(),
            detail=progress,
        )
        dated.append((line, item.on))
    return {
        "rows": [line for line, _on in dated],
        "this_week": [line for line, on in dated if today <= on <= week_end],
        "overdue": [
            replace(line, when=words.overdue_since % {"d": prose_date(on)})
            for line, on in dated
            if on < today
        ],
    }


def is_overdue(measure: Measure, today: datetime.date) -> bool:
    """Still planned or ongoing after its planned end."""
    return measure.is_open and measure.planned_end is not None and measure.planned_end < today


def overdue_ids(measures: list[Measure], today: datetime.date | None = None) -> set[int]:
    today = today or timezone.localdate()
    return {m.pk for m in measures if is_overdue(m, today)}


def search_cases(cases: CaseQuerySet, text: str) -> CaseQuerySet:
    """Reference, title and problem picture. PostgreSQL: full-text search with the Swedish
    configuration (stems: "propagandan" finds "propaganda"); elsewhere a plain substring."""
    text = text.strip()
    by_reference = Q(reference__icontains=text)
    if connection.vendor != "postgresql":
        return cases.filter(
            by_reference | Q(title__icontains=text) | Q(description__icontains=text)
        )
    vector = SearchVector("title", weight="A", config="swedish") + SearchVector(
        "description", weight="B", config="swedish"
    )
    # Plain: the words as typed, no operators ("-0003" is a reference, not "not 0003").
    query = SearchQuery(text, config="swedish", search_type="plain")
    return cases.annotate(search=vector).filter(by_reference | Q(search=query))


def desk_cases(user: User, filters: dict[str, Any]) -> QuerySet[Case]:
    """The desk's case table: the person's workable cases, filtered."""
    cases = access.cases_changeable_by(user).select_related("owner", "municipality")
    if filters.get("q"):
        cases = search_cases(cases, filters["q"])
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    elif not filters.get("q"):
        cases = cases.filter(status__in=OPEN_STATUSES)
    if filters.get("area"):
        cases = cases.in_area(filters["area"])
    if filters.get("owner"):
        cases = cases.filter(owner=filters["owner"])
    return cases.order_by("-reported_at")


@dataclass(frozen=True)
class CaseRow:
    """A row of the desk's case table, ready to print."""

    href: str
    reference: str
    title: str
    areas: str
    status: str
    owner: str
    reported_at: datetime.datetime


def case_rows(cases: Iterable[Case]) -> list[CaseRow]:
    """The table's rows: choice labels resolved once for the page, links from one pattern."""
    case_url = url_maker("cases:detail", 1)
    areas = {k: str(v) for k, v in Area.choices}
    statuses = {k: str(v) for k, v in CaseStatus.choices}
    return [
        CaseRow(
            href=case_url(c.reference),
            reference=c.reference,
            title=c.title,
            areas=", ".join(areas.get(a, a) for a in c.area_list),
            status=statuses.get(c.status, c.status),
            owner=str(c.owner) if c.owner else "–",
            reported_at=c.reported_at,
        )
        for c in cases
    ]


def open_proposals(case: Case) -> list[ProposedMeasure]:
    """Measures the case's receivers proposed that the owner has not accepted yet."""
    return list(
        access.open_proposals_of(case)
        .select_related("responsible", "escalation__receiver")
        .order_by("pk")
    )


def flags_for(case: Case, consents: list[Consent] | None = None) -> dict[str, bool]:
    """Warnings shown on the case page: consent expired or withdrawn.

    Pass the consents the page already loaded, so that they are not read twice.
    """
    today = timezone.localdate()
    consents = list(case.consents.all()) if consents is None else consents
    return {
        "consent_withdrawn": any(c.is_withdrawn(today) for c in consents),
        "consent_expired": any(c.is_expired(today) and not c.is_withdrawn(today) for c in consents),
    }


# The row kind as a literal in the statement, not a parameter: the partial index the count reads
# (desk_case_owner_status_town, WHERE kind = 'case') is usable only when the statement names the
# kind itself. With a parameter, PostgreSQL's generic plan for the prepared statement (which it
# then never chose) intersected the owner's and the municipality's rows, 34 ms for a county
# coordinator, so every request planned the statement afresh (about 0.3 ms of PostgreSQL).
_CASE_KIND = RawSQL(f"'{DeskKind.CASE.value}'", ())
_ESCALATION_KIND = RawSQL(f"'{DeskKind.ESCALATION.value}'", ())


def open_case_counts(user: User) -> dict[str, Any]:
    """A one-query summary for the start page (from the desk's read model), its statement
    compiled once per person, roles and day (sutohamu.statements) and run on the live rows."""
    return statements.run(open_case_counts_plan(user))


def open_case_counts_plan(user: User) -> statements.Plan[dict[str, int]]:
    """`open_case_counts` as a plan: its statement runs with the other panels' (the start page)."""

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        return (
            access.desk_items_for(user)
            .filter(owner_id=user.pk, kind=_CASE_KIND, case_status__in=OPEN_STATUSES)
            .order_by()
            .values("case_status")
        )

    # Over the open rows only, counting a column of the index: an index-only scan
    # (desk_case_owner_status_town), 0.3 ms for a county coordinator's 2,000 open cases against
    # 14 ms counting the ids of all 7,000 of their rows.
    return statements.counted_plan(
        ("cases.open_case_counts", fragment_scope(user), timezone.localdate()),
        build,
        {
            "open": ("COUNT(case_status)", ()),
            "waiting": (
                "COUNT(case_status) FILTER (WHERE case_status = %s)",
                (CaseStatus.REPORTED,),
            ),
        },
    )


# The open states as literals, like `_CASE_KIND`: with parameters, PostgreSQL's generic plan for
# the prepared count (which it chose) read every escalation a receiver ever had from the index
# (receiver, status) and filtered the state afterwards: 15,432 entries for 3,244 open ones for
# the police area at national scale, 6.8 ms; with the literal array the state is part of the
# index condition, 0.6 ms.
_OPEN_ESCALATION = access.OPEN_ESCALATION_SQL


def queue_counts(user: User) -> dict[str, Any]:
    """A one-query summary of the person's escalation queue for the start page (compiled once
    per person, roles and day, like `open_case_counts`)."""
    return statements.run(queue_counts_plan(user))


def queue_counts_plan(user: User) -> statements.Plan[dict[str, int]]:
    """`queue_counts` as a plan: its statement runs with the other panels' (the start page)."""

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        # `open()` with the states as literals (_OPEN_ESCALATION): see below.
        queue = access.escalations_in_queue_of(user).filter(_OPEN_ESCALATION)
        return queue.order_by().values("status")

    return statements.counted_plan(
        ("cases.queue_counts", fragment_scope(user), timezone.localdate()),
        build,
        {
            "open": ("COUNT(*)", ()),
            "new": ("COUNT(*) FILTER (WHERE status = %s)", (EscalationStatus.NEW,)),
        },
    )
