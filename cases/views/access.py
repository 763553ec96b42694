"""How every case view fetches its case: through visible_to or workable_by, else 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.capabilities import has_object_grant

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


def case_to_add(request: HttpRequest, reference: str, permission: str) -> tuple[Case, bool]:
    """A case the person works, or one an open escalation lets them add to (a neighbouring
    municipality's measures and notes, Agera's measures). Returns the case and whether the
    person works it in full."""
    case = case_to_read(request, reference)
    if Case.objects.workable_by(request.user).filter(pk=case.pk).exists():
        return case, True
    if has_object_grant(request.user, f"cases.{permission}", case):
        return case, False
    raise Http404
