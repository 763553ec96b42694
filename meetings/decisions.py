"""The decision look-ups registered in sutohamu.decisions (for priorities and early closures)."""

from __future__ import annotations

from django.urls import reverse

from sutohamu.decisions import EARLY_CLOSURE, DecisionInfo

from .models import Decision


def _info(decision: Decision) -> DecisionInfo:
    return DecisionInfo(
        reference=decision.reference,
        date=decision.meeting.day,
        body_name=decision.meeting.body.name,
        url=reverse("meetings:detail", args=[decision.meeting_id]) + f"#beslut-{decision.pk}",
        kind=decision.kind,
        case_reference=decision.case.reference if decision.case else "",
    )


def find(reference: str) -> DecisionInfo | None:
    decision = (
        Decision.objects.filter(reference__iexact=reference.strip())
        .select_related("meeting__body", "case")
        .first()
    )
    return None if decision is None else _info(decision)


def about_case(case_reference: str) -> list[DecisionInfo]:
    """Early-closure decisions naming the case (a handful at most), newest first."""
    return [
        _info(d)
        for d in Decision.objects.filter(
            kind=EARLY_CLOSURE, case__reference__iexact=case_reference.strip()
        )
        .select_related("meeting__body", "case")
        .order_by("-year", "-number")
    ]
