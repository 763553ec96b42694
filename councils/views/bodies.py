"""The cooperation overview and a page per body."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sutohamu.dates import in_force
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .. import access, services
from ..choices import MembershipKind
from ..forms import BodyForm, MeetingPlanForm
from ..models import Agreement, Body
from .access import member_required


@member_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = list(
        access.bodies_visible_to(request.user)
        .select_related("municipality")
        .annotate(member_count=Count("memberships", filter=in_force(today, prefix="memberships__")))
    )
    # "My bodies" are those the person sits in; the administrator, who sees every body to
    # manage its memberships, gets them under a heading of their own.
    own = set(access.bodies_with_member(request.user).values_list("pk", flat=True))
    agreement = Agreement.objects.filter(terminated_on__isnull=True).first()
    return render(
        request,
        "councils/overview.html",
        {
            "bodies": [b for b in visible if b.pk in own],
            "other_bodies": [b for b in visible if b.pk not in own],
            "agreement": agreement,
        },
    )


@member_required
def body_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = access.body_for(request.user, pk)
    memberships = list(
        access.memberships_of_body(request.user, body)
        .active()
        .select_related("user", "organisation")
    )
    # Only the medskick the person may open: the administrator sees the body, not its medskick.
    open_medskick = access.medskick_of_body(request.user, body).open()
    year = timezone.localdate().year
    return render(
        request,
        "councils/body_detail.html",
        {
            "body": body,
            "members": [m for m in memberships if m.kind != MembershipKind.CO_OPTED],
            "co_opted": [m for m in memberships if m.kind == MembershipKind.CO_OPTED],
            "open_medskick": open_medskick.select_related("sender", "receiver"),
            "plan": access.meeting_plan_of_body(request.user, body, year),
            "year": year,
            "can_edit": access.can_change_body(request.user, body),
            "change_log": change_log(body),
        },
    )


@member_required
def body_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = access.body_for(request.user, pk, change=True)
    form = BodyForm(request.POST or None, instance=body)
    if save_form(
        request,
        form,
        lambda data: services.body_save(body=form.instance, by=request.user),
        done=_("The body was saved."),
    ):
        return redirect("councils:body", pk=body.pk)
    return render_form(
        request, form, title=_("Edit %(body)s") % {"body": body}, cancel_url=body_url(body)
    )


@member_required
def meeting_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    body = access.body_for(request.user, pk, change=True)
    year = timezone.localdate().year
    current = access.meeting_plan_of_body(request.user, body, year)
    initial = {"year": year, "planned_meetings": current.planned_meetings if current else None}
    form = MeetingPlanForm(request.POST or None, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.meeting_plan_save(
            body=body,
            year=data["year"],
            planned_meetings=data["planned_meetings"],
            by=request.user,
        ),
        done=_("The meeting plan was saved."),
    ):
        return redirect("councils:body", pk=body.pk)
    return render_form(
        request,
        form,
        title=_("Meetings a year: %(body)s") % {"body": body},
        cancel_url=body_url(body),
    )


def body_url(body: Body) -> str:
    return reverse("councils:body", args=[body.pk])
