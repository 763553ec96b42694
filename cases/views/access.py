"""How every case view fetches its case: through visible_to or workable_by, else 404."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ..models import Case


def case_to_read(request: HttpRequest, reference: str) -> Case:
    """Own municipality's case or one granted to the person; anyone else gets 404, not 403,
    so that the page does not confirm that the reference exists."""
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("municipality", "owner"),
        reference=reference,
    )


def case_to_work(request: HttpRequest, reference: str) -> Case:
    """Changing a case is for the owning municipality's coordinators only."""
    return get_object_or_404(
        Case.objects.workable_by(request.user).select_related("municipality", "owner"),
        reference=reference,
    )
