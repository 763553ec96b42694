"""The start page, notifications, and the DPO's list of role grants that open case content."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sutohamu.http import AuthenticatedHttpRequest

from .capabilities import Capability, active_roles, capability_required, opens_case_content
from .choices import Role
from .models import RoleAssignment
from .panels import panels_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person lands on the panels their active roles open; no role, no panels."""
    return render(
        request,
        "accounts/home.html",
        {
            "roles": active_roles(request.user),
            "panels": panels_for(request.user),
            "notifications": request.user.notifications.unread()[:10],
        },
    )


@require_POST
@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the person's own notification read and go where it points."""
    note = get_object_or_404(request.user.notifications, pk=pk)
    note.mark_read()
    return redirect(note.link or "home")


@capability_required(Capability.READ_ACCESS_LOG)
def role_grants(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every time a role that opens case content was given, changed or ended, and by whom."""
    content_roles = [r for r in Role if opens_case_content(r)]
    rows = (
        RoleAssignment.history.filter(role__in=content_roles)
        .select_related("history_user", "user", "organisation")
        .order_by("-history_date", "-history_id")
    )
    page = Paginator(rows, 100).get_page(request.GET.get("sida"))
    return render(request, "accounts/role_grants.html", {"page": page})
