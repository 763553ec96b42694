"""The person's notifications: the list, opening one, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutohamu.http import AuthenticatedHttpRequest

from . import notifications


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the person was told about what they can still reach, newest first; `?visa=`
    narrows it to a registered group (the reminders), an unknown group shows everything."""
    rows = notifications.visible_to(request.user).order_by("-created_at", "-pk")
    group = notifications.GROUPS.get(request.GET.get("visa", ""))
    if group:
        rows = rows.filter(kind__in=group.kinds)
    page = Paginator(rows, 50).get_page(request.GET.get("sida"))
    return render(request, "accounts/notifications.html", {"page": page, "group": group})


@require_POST
@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the person's own notification read and go where it points, if it still leads there.

    Something out of reach (a hand-over, a closed part) sends the person to the list with a
    message instead of a 404.
    """
    note = get_object_or_404(request.user.notifications, pk=pk)
    notifications.mark_read(request.user, note)
    if not notifications.can_reach(request.user, note):
        messages.info(request, _("What that notification was about is no longer yours to open."))
        return redirect("notifications")
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
        return redirect(note.link)
    return redirect("notifications")


@require_POST
@login_required
def mark_notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(request.user.notifications, pk=pk)
    notifications.mark_read(request.user, note)
    return redirect(_back(request))


@require_POST
@login_required
def mark_all_notifications_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request))


def _back(request: AuthenticatedHttpRequest) -> str:
    """The page the form was on (a path inside the app), else the list."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return "notifications"
