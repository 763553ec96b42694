"""The schedule and the meetings: list, page, generate, create, move, cancel, attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from councils.views.access import member_required
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, add_validation_error, render_form

from .. import access, services
from ..forms import AttendanceForm, CancelForm, MeetingForm, NewMeetingForm, ScheduleForm
from ..schedule import DEFAULT_SKIPPED_MONTHS, generate_year
from .common import meeting_context, refused

# Case lines the meeting page lists before "show all" (a working group reviews thousands at
# county scale; the page's cost must not grow with them).
AGENDA_CASE_LINES = 30


@member_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    raw = request.GET.get("ar", "")
    if raw and not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        return refused(request, ValidationError(_("Choose a year between 2000 and 2100.")))
    year = int(raw) if raw else this_year
    meetings = list(access.meetings_visible_to(request.user).in_year(year).order_by("starts_at"))
    now = timezone.now()
    return render(
        request,
        "meetings/list.html",
        {
            "year": year,
            "years": [this_year - 1, this_year, this_year + 1],
            "coming": [m for m in meetings if m.ends_at >= now],
            "past": [m for m in reversed(meetings) if m.ends_at < now],  # newest first
            "can_plan": access.bodies_changeable_by(request.user).exists(),
            "can_see_pictures": access.picture_organisations_for(request.user).exists(),
        },
    )


@member_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk)
    limit = None if request.GET.get("arenden") == "alla" else AGENDA_CASE_LINES
    context = meeting_context(request, meeting, case_limit=limit)
    context["change_log"] = change_log(meeting, limit=20)
    return render(request, "meetings/detail.html", context)


@member_required
def schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    bodies = access.bodies_changeable_by(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = ScheduleForm(
        request.POST or None,
        bodies=bodies,
        initial={"year": timezone.localdate().year + 1, "skipped_months": DEFAULT_SKIPPED_MONTHS},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = generate_year(
                body=data["body"],
                year=data["year"],
                skipped_months=data["skipped_months"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(n)s meetings were added to the schedule.") % {"n": len(created)},
            )
            return redirect(f"{reverse('meetings:list')}?ar={data['year']}")
    return render_form(
        request,
        form,
        title=_("Generate a year's schedule"),
        intro=_(
            "Meetings that exist are kept with their agenda owner; a meeting with minutes is "
            "never removed."
        ),
        submit_label=_("Generate"),
    )


@member_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    bodies = access.bodies_changeable_by(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = NewMeetingForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            meeting = services.meeting_create(
                body=form.cleaned_data["body"],
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The meeting was added."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render_form(request, form, title=_("New meeting"), submit_label=_("Add"))


@member_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk, change=True)
    local = timezone.localtime(meeting.starts_at)
    form = MeetingForm(
        request.POST or None,
        initial={
            "day": local.date(),
            "start": local.time(),
            "end": timezone.localtime(meeting.ends_at).time(),
            "place": meeting.place,
        },
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.meeting_move(
                meeting=meeting,
                starts_at=starts_at,
                ends_at=ends_at,
                place=form.cleaned_data["place"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The meeting was changed; the agenda owner stays."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Move or change the meeting"),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
    )


@member_required
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk, change=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The meeting was cancelled."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Cancel the meeting"),
        intro=_("The other meetings keep their agenda owners."),
        submit_label=_("Cancel the meeting"),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
    )


@member_required
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk, change=True)
    seats = services.seats_of(meeting)
    recorded = {a.user_id for a in meeting.attendance.all() if a.present and a.user_id}
    guests = [a.organisation_id for a in meeting.attendance.all() if a.user_id is None]
    choices = [(s.user_id, f"{s.user} ({s.organisation}, {s.get_kind_display()})") for s in seats]
    form = AttendanceForm(
        request.POST or None,
        seats=choices,
        initial={"present": list(recorded), "guests": guests},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting,
                present=form.cleaned_data["present"],
                guests=form.cleaned_data["guests"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Attendance"),
        intro=_("Tick who was present; co-opted members who are not ticked are left out."),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
    )
