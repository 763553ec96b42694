"""What the coordinator's desk shows; a fixed number of queries whatever the case count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from . import access
from .choices import CaseStatus, EscalationStatus, MeasureStatus
from .lifecycle import OPEN_STATUSES
from .models import Case, Consent, Escalation, Measure, ProposedMeasure
from .models.case import CaseQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEASURES_DUE_DAYS = 14
DESK_PAGE_SIZE = 50


@dataclass
class Desk:
    counts: list[tuple[str, StrOrPromise, int]] = field(default_factory=list)
    waiting: list[Case] = field(default_factory=list)
    measures_due: list[Measure] = field(default_factory=list)
    measures_unscheduled: list[Measure] = field(default_factory=list)
    overdue_ids: set[int] = field(default_factory=set)
    consents_expiring: list[Consent] = field(default_factory=list)
    escalations_waiting: list[Escalation] = field(default_factory=list)


def desk_for(user: User) -> Desk:
    """My open cases by state, cases awaiting my first action, measures due, consent expiring."""
    today = timezone.localdate()
    mine = access.cases_changeable_by(user).filter(owner=user)
    open_measures = (
        access.measures_of_cases(mine.open())
        .filter(status__in=[MeasureStatus.PLANNED, MeasureStatus.ONGOING])
        .select_related("case", "responsible")
    )
    measures_due = list(
        open_measures.filter(
            planned_end__lte=today + datetime.timedelta(days=MEASURES_DUE_DAYS)
        ).order_by("planned_end")[:20]
    )
    counts = dict(
        mine.filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Desk(
        counts=[
            (status, label, counts.get(status, 0))
            for status, label in CaseStatus.choices
            if status in OPEN_STATUSES
        ],
        waiting=list(mine.filter(status=CaseStatus.REPORTED).order_by("reported_at")[:20]),
        measures_due=measures_due,
        measures_unscheduled=list(
            open_measures.filter(planned_start__isnull=True, planned_end__isnull=True).order_by(
                "case__reported_at", "pk"
            )[:20]
        ),
        overdue_ids=overdue_ids(measures_due, today),
        consents_expiring=list(
            access.consents_of(mine.open())
            .expiring(today)
            .select_related("case", "subject")
            .order_by("expires_on")[:20]
        ),
        escalations_waiting=list(
            access.escalations_of(mine.open())
            .filter(status__in=[EscalationStatus.NEW, EscalationStatus.ACKNOWLEDGED])
            .select_related("case", "receiver")
            .order_by("created_at")[:20]
        ),
    )


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


def open_case_counts(user: User) -> dict[str, Any]:
    """A one-query summary for the start page."""
    mine = access.cases_changeable_by(user).filter(owner=user)
    return mine.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        waiting=Count("pk", filter=Q(status=CaseStatus.REPORTED)),
    )


def queue_counts(user: User) -> dict[str, Any]:
    """A one-query summary of the person's escalation queue for the start page."""
    items = access.escalations_in_queue_of(user).open()
    return items.aggregate(open=Count("pk"), new=Count("pk", filter=Q(status=EscalationStatus.NEW)))
