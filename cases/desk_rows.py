"""Keeping the desk's read model (models/desk.py) in step with its sources.

`desk_sync(case_ids)` is the one function that writes it: the write services call it in their
own transaction after changing a case, a measure, an escalation or a follow-up plan, and it
recomputes those cases' rows from the source tables (five queries, then a delete and an insert).
`desk_rebuild()` does the same for every case (the migration's backfill, the demo, the
benchmark's generator, which write without the services). Inside `desk_deferred()` (a bulk
loader such as the demo's seed, which writes each case many times in one transaction) a sync
only notes its cases, and the block's end recomputes each of them once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from .choices import CaseStatus, EscalationStatus, MeasureStatus
from .lifecycle import OPEN_STATUSES
from .models import Case, Commitment, DeskItem, DeskKind, Escalation, FollowUpPlan, Measure
from .versions import desks_changed

OPEN_MEASURE = (MeasureStatus.PLANNED, MeasureStatus.ONGOING)
WAITING_ESCALATION = (EscalationStatus.NEW, EscalationStatus.ACKNOWLEDGED)
REBUILD_BATCH = 2000

# The cases noted by desk_sync inside desk_deferred() (None: outside, sync at once).
_deferred: ContextVar[set[int] | None] = ContextVar("desk_deferred", default=None)

# What makes two rows the same row (the test compares the table with a recomputation on these).
FIELDS = (
    "kind",
    "case_id",
    "municipality_id",
    "owner_id",
    "case_status",
    "reference",
    "on",
    "at",
    "measure_id",
    "measure_kind",
    "escalation_id",
    "escalation_status",
    "party_id",
    "since",
    "months",
)


def desk_rows_of(case_ids: Iterable[int] | None = None) -> list[DeskItem]:
    """The rows the cases should have, computed from the source tables (None: every case)."""
    cases = Case.objects.all()
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    by_pk = {
        c["pk"]: c
        for c in cases.values(
            "pk", "municipality_id", "owner_id", "status", "reference", "reported_at"
        )
    }
    ids = list(by_pk)
    open_ids = [pk for pk, c in by_pk.items() if c["status"] in OPEN_STATUSES]

    def row(case_pk: int, kind: str, **more: object) -> DeskItem:
        case = by_pk[case_pk]
        fields = {
            "kind": kind,
            "case_id": case_pk,
            "municipality_id": case["municipality_id"],
            "owner_id": case["owner_id"],
            "case_status": case["status"],
            "reference": case["reference"],
            "at": case["reported_at"],
        }
        return DeskItem(**(fields | more))

    rows = [row(pk, DeskKind.CASE) for pk in ids]
    for m in Measure.objects.filter(case_id__in=open_ids, status__in=OPEN_MEASURE).values(
        "pk", "case_id", "kind", "responsible_id", "planned_start", "planned_end"
    ):
        if m["planned_end"] is not None:
            kind = DeskKind.MEASURE_DUE
        elif m["planned_start"] is None:
            kind = DeskKind.MEASURE_UNSCHEDULED
        else:
            continue  # started on a date, with no end planned: no panel lists it
        rows.append(
            row(
                m["case_id"],
                kind,
                on=m["planned_end"],
                measure_id=m["pk"],
                measure_kind=m["kind"],
                party_id=m["responsible_id"],
            )
        )
    for e in Escalation.objects.filter(case_id__in=open_ids, status__in=WAITING_ESCALATION).values(
        "pk", "case_id", "status", "receiver_id", "created_at"
    ):
        rows.append(
            row(
                e["case_id"],
                DeskKind.ESCALATION,
                at=e["created_at"],
                escalation_id=e["pk"],
                escalation_status=e["status"],
                party_id=e["receiver_id"],
            )
        )
    followed = [pk for pk in open_ids if by_pk[pk]["status"] == CaseStatus.FOLLOW_UP]
    months = dict(Commitment.objects.filter(case_id__in=followed).values_list("case_id", "months"))
    for plan in FollowUpPlan.objects.filter(case_id__in=followed).values(
        "case_id", "next_contact_on", "started_on"
    ):
        case_pk = plan["case_id"]
        rows.append(
            row(
                case_pk,
                DeskKind.FOLLOW_UP,
                on=plan["next_contact_on"],
                since=plan["started_on"],
                months=months.get(case_pk),
            )
        )
    return rows


def desk_sync(case_ids: Iterable[int]) -> None:
    """Recompute the cases' desk rows; call inside the write's transaction."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    pending = _deferred.get()
    if pending is not None:
        pending.update(ids)
        return
    with transaction.atomic():
        DeskItem.objects.filter(case_id__in=ids).delete()
        DeskItem.objects.bulk_create(desk_rows_of(ids))


@contextmanager
def desk_deferred() -> Iterator[None]:
    """Syncs inside the block recompute each noted case once, at the block's end (use it inside
    the writes' transaction: the desk is stale until then, so nothing in it may read the desk)."""
    if _deferred.get() is not None:  # nested: the outer block syncs
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    desk_sync(pending)


def desk_rebuild() -> int:
    """Every case's desk rows anew, in batches; returns the number of rows."""
    written = 0
    with transaction.atomic():
        DeskItem.objects.all().delete()
        ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_BATCH):
            batch = ids[start : start + REBUILD_BATCH]
            written += len(DeskItem.objects.bulk_create(desk_rows_of(batch)))
        desks_changed()  # every desk's cached panels (sutohamu.fragments), on commit
    return written
