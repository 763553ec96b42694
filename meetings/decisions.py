"""The decision look-up registered in sutohamu.decisions (for priorities and early closures)."""

from __future__ import annotations

from django.urls import reverse

from sutohamu.decisions import DecisionInfo

from .models import Decision


def find(reference: str) -> DecisionInfo | None:
    decision = (
        Decision.objects.filter(reference__iexact=reference.strip())
        .select_related("meeting__body")
        .first()
    )
    if decision is None:
        return None
    return DecisionInfo(
        reference=decision.reference,
        date=decision.meeting.day,
        body_name=decision.meeting.body.name,
        url=reverse("meetings:detail", args=[decision.meeting_id]) + f"#beslut-{decision.pk}",
    )
