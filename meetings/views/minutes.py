"""Minutes (protokoll): notes per item, numbered decisions, action items, approval, corrections."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from councils.views.access import member_required
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .. import access, records, services
from ..choices import ActionStatus
from ..forms import (
    ActionItemForm,
    DecisionForm,
    DecisionSearchForm,
    JusteringForm,
    NotesForm,
)
from ..models import Meeting, MinutesVersion
from ..pdf import pdf_response
from .common import meeting_context, refused


def _owners(meeting: Meeting) -> QuerySet[User]:
    seats = [s.user_id for s in services.seats_of(meeting)]
    return User.objects.filter(pk__in=seats).order_by("first_name", "last_name")


def _present(meeting: Meeting) -> QuerySet[User]:
    return User.objects.filter(pk__in=[u.pk for u in services.present_people(meeting)]).order_by(
        "first_name", "last_name"
    )


def _minutes_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    notes: NotesForm | None = None,
    decision: DecisionForm | None = None,
    action: ActionItemForm | None = None,
    justering: JusteringForm | None = None,
) -> HttpResponse:
    items = list(meeting.items.order_by("position", "pk"))
    context = meeting_context(request, meeting)
    checkers = list(meeting.checkers.select_related("user"))
    context.update(
        notes_form=notes or NotesForm(items=items),
        decision_form=decision or DecisionForm(items=meeting.items.all()),
        action_form=action
        or ActionItemForm(owners=_owners(meeting), decisions=meeting.decisions.all()),
        justering_form=justering
        or JusteringForm(
            present=_present(meeting),
            initial={"chair": meeting.chair_id, "checkers": [c.user_id for c in checkers]},
        ),
        started=meeting.has_started(),
    )
    forms = (notes, decision, action, justering)
    refused_form = any(f is not None and f.is_bound and f.errors for f in forms)
    return render(request, "meetings/minutes.html", context, status=400 if refused_form else 200)


def _open_minutes(
    view: Callable[[AuthenticatedHttpRequest, Meeting], HttpResponse],
) -> Callable[[AuthenticatedHttpRequest, int], HttpResponse]:
    """The minutes' write views take the meeting through its door and answer a locked one with
    409 before any form is read: approved minutes change only by a correction."""

    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        meeting = access.meeting_for(request.user, pk, change=True)
        if meeting.is_locked:
            return refused(request, ValidationError(services.ERROR_LOCKED, code="locked"), meeting)
        return view(request, meeting)

    return wrapper


@member_required
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk, change=True)
    if request.method != "POST":
        return _minutes_page(request, meeting)
    if meeting.is_locked:
        return refused(request, ValidationError(services.ERROR_LOCKED, code="locked"), meeting)
    form = NotesForm(request.POST, items=list(meeting.items.order_by("position", "pk")))
    if save_form(
        request,
        form,
        lambda data: services.minutes_save(
            meeting=meeting, notes=form.values("note"), by=request.user
        ),
        done=_("The minutes were saved."),
    ):
        return redirect("meetings:minutes", pk=meeting.pk)
    return _minutes_page(request, meeting, notes=form)


@require_POST
@member_required
@_open_minutes
def decision_add(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    form = DecisionForm(request.POST, items=meeting.items.all())
    saved = save_form(
        request,
        form,
        lambda data: services.decision_add(
            meeting=meeting,
            text=data["text"],
            item=data["item"],
            kind=data["kind"],
            case_reference=data["case_reference"],
            by=request.user,
        ),
        done=lambda decision: _("Decision %(ref)s was recorded.") % {"ref": decision},
    )
    if saved:
        return redirect("meetings:minutes", pk=meeting.pk)
    return _minutes_page(request, meeting, decision=form)


@require_POST
@member_required
@_open_minutes
def action_add(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    form = ActionItemForm(request.POST, owners=_owners(meeting), decisions=meeting.decisions.all())
    if save_form(
        request,
        form,
        lambda data: services.action_item_add(
            meeting=meeting,
            title=data["title"],
            owner=data["owner"],
            due_date=data["due_date"],
            decision=data["decision"],
            by=request.user,
        ),
        done=_("The action item was added."),
    ):
        return redirect("meetings:minutes", pk=meeting.pk)
    return _minutes_page(request, meeting, action=form)


@require_POST
@member_required
@_open_minutes
def justering(request: AuthenticatedHttpRequest, meeting: Meeting) -> HttpResponse:
    """The secretary names the chair and the justerare among those present."""
    form = JusteringForm(request.POST, present=_present(meeting))
    if save_form(
        request,
        form,
        lambda data: services.justering_set(
            meeting=meeting, chair=data["chair"], checkers=list(data["checkers"]), by=request.user
        ),
        done=_("The chair and the minutes checkers were named."),
    ):
        return redirect("meetings:minutes", pk=meeting.pk)
    return _minutes_page(request, meeting, justering=form)


@require_POST
@member_required
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A justerare approves (any member who sees the meeting may be one); the service decides."""
    meeting = access.meeting_for(request.user, pk)
    try:
        version = services.minutes_approve(meeting=meeting, by=request.user)
    except ValidationError as error:
        return refused(request, error, meeting)
    if version is None:
        messages.success(
            request, _("Your approval was recorded; the other minutes checker has yet to approve.")
        )
    else:
        messages.success(request, _("The minutes were approved and are now locked."))
    return redirect("meetings:detail", pk=meeting.pk)


@member_required
def minutes_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk, change=True)
    if not meeting.is_locked:
        return refused(
            request,
            ValidationError(
                _("The minutes are not approved yet; edit them directly."), code="not_approved"
            ),
            meeting,
        )
    items = list(meeting.items.order_by("position", "pk"))
    decisions = list(meeting.decisions.order_by("number"))
    form = NotesForm(request.POST or None, items=items, decisions=decisions, reason=True)
    saved = save_form(
        request,
        form,
        lambda data: services.minutes_correct(
            meeting=meeting,
            notes=form.values("note"),
            decisions=form.values("decision"),
            reason=data["reason"],
            by=request.user,
        ),
        done=lambda version: (
            _("Version %(n)s of the minutes was recorded.") % {"n": version.number}
        ),
    )
    if saved:
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Correct approved minutes"),
        intro=_("A correction is recorded as a new version with its reason; the earlier stays."),
        submit_label=_("Record the correction"),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
    )


@member_required
def minutes_download(
    request: AuthenticatedHttpRequest, pk: int, number: int | None = None
) -> HttpResponse:
    """Justered minutes: the frozen bytes (the latest version, or `number`), the same for every
    reader; before approval, a draft built the same way for everyone."""
    meeting = access.meeting_for(request.user, pk)
    version = access.record_version_for(MinutesVersion, meeting, number)
    if version is None:
        data = records.render(records.minutes_content(meeting))
        return pdf_response(data, f"protokoll-{meeting.pk}-utkast.pdf")
    return pdf_response(bytes(version.pdf), f"protokoll-{meeting.pk}-v{version.number}.pdf")


@member_required
def decision_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DecisionSearchForm(request.GET or None, bodies=access.bodies_visible_to(request.user))
    decisions = access.decisions_visible_to(request.user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["q"]:
                decisions = decisions.filter(
                    Q(reference__icontains=data["q"]) | Q(text__icontains=data["q"])
                )
            if data["body"]:
                decisions = decisions.filter(meeting__body=data["body"])
            if data["year"]:
                decisions = decisions.filter(year=data["year"])
        else:
            decisions = decisions.none()
            status = 400
    page = Paginator(decisions.order_by("-year", "-number"), 50).get_page(request.GET.get("sida"))
    return render(request, "meetings/decisions.html", {"form": form, "page": page}, status=status)


@member_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = access.action_items_visible_to(request.user)
    mine = request.GET.get("mina") == "1"
    if mine:
        items = items.filter(owner_id=request.user.pk)
    show_all = request.GET.get("alla") == "1"
    if not show_all:
        items = items.open()
    return render(
        request,
        "meetings/actions.html",
        {
            "items": list(items.order_by("due_date", "pk")[:200]),
            "mine": mine,
            "show_all": show_all,
            "statuses": ActionStatus.choices,
        },
    )


@require_POST
@member_required
def action_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = access.action_item_for(request.user, pk)
    try:
        services.action_item_set_status(
            item=item, status=request.POST.get("status", ""), by=request.user
        )
    except ValidationError as error:
        return refused(request, error)
    messages.success(request, _("The action item's status was saved."))
    return redirect("meetings:actions")
