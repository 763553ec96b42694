"""The private calendar address: made anew or revoked by its person; read without signing in."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import active_roles
from councils.views.access import member_required
from sutohamu.http import AuthenticatedHttpRequest

from .. import services
from ..feed import calendar_for
from ..models import CalendarFeed


@member_required
def feed_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.active().filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("meetings:feed_ics", args=[feed.token])) if feed else ""
    )
    return render(request, "meetings/feed.html", {"feed": feed, "url": url})


@require_POST
@member_required
def feed_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    had_one = CalendarFeed.objects.active().filter(user=request.user).exists()
    services.feed_create(by=request.user)
    if had_one:
        messages.success(
            request, _("A new calendar address was made; the old one no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address was made."))
    return redirect("meetings:feed")


@require_POST
@member_required
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.feed_revoke(by=request.user)
    messages.success(request, _("The calendar address was revoked."))
    return redirect("meetings:feed")


@require_GET
def feed_ics(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """No sign-in (calendars cannot); a revoked or unknown key, or a person without roles: 404."""
    feed = CalendarFeed.objects.active().select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not active_roles(feed.user):
        raise Http404
    base = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        calendar_for(feed.user, base), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="sutohamu.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
