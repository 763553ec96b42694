"""The start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
