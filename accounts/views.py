"""The start page, notifications, and the DPO's list of role grants that open case content."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render

from sutohamu import statements
from sutohamu.http import AuthenticatedHttpRequest
from sutohamu.links import url_maker

from . import notifications
from .capabilities import Capability, active_roles, capability_required, opens_case_content
from .choices import Role
from .models import RoleAssignment
from .panels import panels_plan, rendered_newest, rendered_panels


# Outside ATOMIC_REQUESTS' transaction: the start page only reads (its panels' statements run as
# one, so they share a snapshot), and BEGIN and COMMIT were two of its round trips (about 1 ms of
# CPU a request at county scale); on the embedded SQLite demo it no longer takes the write lock.
@transaction.non_atomic_requests
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person lands on the panels their active roles open; no role, no panels."""
    opener = url_maker("open_notification", 1)  # one `reverse` for the list, not one a row
    # The panels' statements and the new notifications' run together (one round trip).
    found = statements.gather(
        {
            "newest": notifications.newest_unread_plan(request.user),
            "panels": panels_plan(request.user),
        }
    )
    newest = [(note.message, note.created_at, opener(note.pk)) for note in found["newest"]]
    panels = found["panels"]
    return render(
        request,
        "accounts/home.html",
        {
            "roles": active_roles(request.user),
            "panels": panels,
            # Rendered from the figures alone, kept per process by what it shows.
            "panels_html": rendered_panels(panels),
            "notifications": newest,
            # Rendered from the rows alone, kept per process by what it shows; the forms'
            # CSRF token put in for this request.
            "notifications_html": rendered_newest(newest, get_token(request)),
        },
    )


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
