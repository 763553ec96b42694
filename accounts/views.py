"""The start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .capabilities import active_roles
from .panels import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
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
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the person's own notification read and go where it points."""
    note = get_object_or_404(request.user.notifications, pk=pk)
    note.mark_read()
    return redirect(note.link or "home")
