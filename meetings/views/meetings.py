"""The schedule and the meetings: list, page, generate, create, move, cancel, attendance."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.capabilities import fragment_scope
from councils.views.access import member_required
from sutohamu import rendered, statements
from sutohamu.fragments import Page
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form
from sutohamu.links import url_maker

from .. import access, services
from ..choices import MeetingStatus
from ..forms import AttendanceForm, CancelForm, MeetingForm, NewMeetingForm, ScheduleForm
from ..schedule import DEFAULT_SKIPPED_MONTHS, generate_year
from ..versions import agenda_versions
from .common import meeting_context, refused

if TYPE_CHECKING:
    from ..models import Meeting

# Case lines the meeting page lists before "show all" (a working group reviews thousands at
# county scale; the page's cost must not grow with them).
AGENDA_CASE_LINES = 30


@member_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    raw = request.GET.get("ar", "")
    if raw and not (raw.isdigit() and 2000 <= int(raw) <= 2100):
        return refused(
            request,
            ValidationError(_("Choose a year between 2000 and 2100."), code="year_out_of_range"),
        )
    year = int(raw) if raw else this_year
    user = request.user
    # The three reads compiled once per person, roles, day and year (sutohamu.statements): the
    # ORM's building of the rules cost more than running them.
    scope = (fragment_scope(user), timezone.localdate())
    listed = statements.compiled(
        ("meetings.list", *scope, year),
        lambda now: (
            access.meetings_visible_to(user)
            .in_year(year)
            .order_by("starts_at")
            .values(*_LIST_COLUMNS)
        ),
    )
    meetings = listed.rows() if listed else []
    now = timezone.now()
    lines = list(zip(meetings, _rows(meetings), strict=True))
    coming = [row for m, row in lines if m["ends_at"] >= now]
    past = [row for m, row in reversed(lines) if m["ends_at"] < now]  # newest first
    return render(
        request,
        "meetings/list.html",
        {
            "year": year,
            "years": [this_year - 1, this_year, this_year + 1],
            "coming": coming,
            "past": past,
            "coming_table": _table(coming, _("Coming meetings")),
            "past_table": _table(past, _("Past meetings")),
            "can_plan": statements.exists(
                ("meetings.can_plan", *scope), lambda now: access.bodies_changeable_by(user)
            ),
            "can_see_pictures": statements.exists(
                ("meetings.can_see_pictures", *scope),
                lambda now: access.picture_organisations_for(user),
            ),
        },
    )


@dataclass(frozen=True)
class MeetingRow:
    """A line of the meetings list as plain text: the template only prints it."""

    url: str
    starts_at: str
    body: str
    host: str
    place: str
    status: str


def _table(rows: list[MeetingRow], caption: str) -> SafeString:
    """The list's table, a pure function of its rows (plain text) and caption: rendered once per
    process for the same rows, so a list that has not changed costs no table rendering."""
    return rendered.once(
        "meetings/includes/meeting_table.html",
        (caption, tuple(rows)),
        {"rows": rows, "caption": caption},
    )


_LIST_COLUMNS = ("pk", "starts_at", "ends_at", "body__name", "host__name", "place", "status")


def _rows(meetings: list[dict[str, Any]]) -> list[MeetingRow]:
    """The list's lines with one `reverse` and each status label translated once, not per row."""
    detail = url_maker("meetings:detail", 1)
    labels = {value: str(label) for value, label in MeetingStatus.choices}
    return [
        MeetingRow(
            url=detail(m["pk"]),
            starts_at=dateformat.format(timezone.localtime(m["starts_at"]), "Y-m-d H:i"),
            body=m["body__name"],
            host=m["host__name"] or "",
            place=m["place"],
            status=labels[m["status"]],
        )
        for m in meetings
    ]


@member_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The agenda items' versions before any row (sutohamu.fragments).
    parts = Page(versions=agenda_versions(pk), scope=access.agenda_scope(request.user))
    meeting = access.meeting_for(request.user, pk)
    limit = None if request.GET.get("arenden") == "alla" else AGENDA_CASE_LINES
    # The page below its title in one part, asked for in the same round trip as nothing else:
    # on a hit no row beyond the door is read (the context is lazy). Whether the meeting has
    # started joins the key: the approval's refusal changes at the starting hour, not at midnight.
    parts.expect("agenda.page", [limit, meeting.has_started()])
    context = meeting_context(request, meeting, case_limit=limit, parts=parts)
    context["change_log"] = cache(lambda: change_log(meeting, limit=20))
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
    saved = save_form(
        request,
        form,
        lambda data: generate_year(
            body=data["body"],
            year=data["year"],
            skipped_months=data["skipped_months"],
            by=request.user,
        ),
        done=lambda created: _("%(n)s meetings were added to the schedule.") % {"n": len(created)},
    )
    if saved:
        return redirect(f"{reverse('meetings:list')}?ar={form.cleaned_data['year']}")
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

    def create(data: dict[str, Any]) -> Meeting:
        starts_at, ends_at = form.times()
        return services.meeting_create(
            body=data["body"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=data["place"],
            by=request.user,
        )

    saved = save_form(request, form, create, done=_("The meeting was added."))
    if saved:
        return redirect("meetings:detail", pk=saved.result.pk)
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

    def move(data: dict[str, Any]) -> None:
        starts_at, ends_at = form.times()
        services.meeting_move(
            meeting=meeting,
            starts_at=starts_at,
            ends_at=ends_at,
            place=data["place"],
            by=request.user,
        )

    done = _("The meeting was changed; the agenda owner stays.")
    if save_form(request, form, move, done=done):
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
    if save_form(
        request,
        form,
        lambda data: services.meeting_cancel(
            meeting=meeting, reason=data["reason"], by=request.user
        ),
        done=_("The meeting was cancelled."),
    ):
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
    if save_form(
        request,
        form,
        lambda data: services.attendance_record(
            meeting=meeting,
            present=data["present"],
            guests=data["guests"],
            by=request.user,
        ),
        done=_("The attendance was saved."),
    ):
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Attendance"),
        intro=_("Tick who was present; co-opted members who are not ticked are left out."),
        cancel_url=reverse("meetings:detail", args=[meeting.pk]),
    )
