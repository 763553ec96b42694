"""The agenda (kallelse): standing items, add, reorder (also without JavaScript), send, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from councils.views.access import member_required
from sutohamu.http import AuthenticatedHttpRequest, save_form

from .. import access, records, services
from ..forms import ItemForm, MoveForm
from ..models import AgendaVersion
from ..pdf import pdf_response
from .common import meeting_context, refused


@require_POST
@member_required
def agenda_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.prepare_for(request.user, pk)
    try:
        services.agenda_create(meeting=meeting, by=request.user)
    except ValidationError as error:
        return refused(request, error, meeting)
    messages.success(request, _("The agenda was created with its standing items."))
    return redirect("meetings:detail", pk=meeting.pk)


@member_required
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.prepare_for(request.user, pk)
    form = ItemForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.item_add(
            meeting=meeting,
            title=data["title"],
            text=data["text"],
            by=request.user,
        ),
        done=_("The item was added."),
    ):
        return redirect(f"{meeting_url(meeting.pk)}#dagordning")
    context = meeting_context(request, meeting)
    context["item_form"] = form
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "meetings/detail.html", context, status=status)


def meeting_url(pk: int) -> str:
    return reverse("meetings:detail", args=[pk])


@require_POST
@member_required
def item_move(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Up, down, or to a position: buttons that work without JavaScript and by keyboard."""
    meeting = access.prepare_for(request.user, pk)
    item = access.item_for(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        to = item.position + (-1 if direction == "up" else 1)
    else:
        form = MoveForm(request.POST)
        if not form.is_valid():
            return refused(
                request,
                ValidationError(
                    _("Give the new position as a number."), code="position_not_a_number"
                ),
                meeting,
            )
        to = form.cleaned_data["to"]
    try:
        services.item_move(item=item, to=to, by=request.user)
    except ValidationError as error:
        return refused(request, error, meeting)
    messages.success(request, _("“%(title)s” is now item %(n)s.") % {"title": item.title, "n": to})
    return redirect(f"{meeting_url(meeting.pk)}#punkt-{item.pk}")


@require_POST
@member_required
def item_remove(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = access.prepare_for(request.user, pk)
    item = access.item_for(meeting, item_pk)
    try:
        services.item_remove(item=item, by=request.user)
    except ValidationError as error:
        return refused(request, error, meeting)
    messages.success(request, _("The item was removed."))
    return redirect(f"{meeting_url(meeting.pk)}#dagordning")


@require_POST
@member_required
def agenda_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.prepare_for(request.user, pk)
    try:
        sent = services.agenda_send(meeting=meeting, by=request.user)
    except ValidationError as error:
        return refused(request, error, meeting)
    messages.success(request, _("The agenda was sent to %(n)s people.") % {"n": sent})
    return redirect("meetings:detail", pk=meeting.pk)


@member_required
def agenda_download(
    request: AuthenticatedHttpRequest, pk: int, number: int | None = None
) -> HttpResponse:
    """The sent agenda's frozen bytes (the latest version, or `number`); before sending, a
    draft built the same way for every reader."""
    meeting = access.meeting_for(request.user, pk)
    version = access.record_version_for(AgendaVersion, meeting, number)
    if version is None:
        data = records.render(records.agenda_content(meeting))
        return pdf_response(data, f"kallelse-{meeting.pk}-utkast.pdf")
    return pdf_response(bytes(version.pdf), f"kallelse-{meeting.pk}-v{version.number}.pdf")
