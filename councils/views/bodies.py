"""The cooperation overview and a page per body."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sutohamu.dates import in_force
from sutohamu.history import change_log
from sutohamu.http import render_form

from ..choices import MembershipKind
from ..forms import BodyForm, MeetingPlanForm
from ..models import Agreement, Body, Medskick, Membership
from .access import member_required


@member_required
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    bodies = (
        Body.objects.visible_to(request.user)
        .select_related("municipality")
        .annotate(member_count=Count("memberships", filter=in_force(today, prefix="memberships__")))
    )
    agreement = Agreement.objects.filter(terminated_on__isnull=True).first()
    return render(request, "councils/overview.html", {"bodies": bodies, "agreement": agreement})


@member_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_object_or_404(
        Body.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    memberships = list(
        Membership.objects.active().filter(body=body).select_related("user", "organisation")
    )
    open_medskick = Medskick.objects.open().filter(Q(sender=body) | Q(receiver=body))
    year = timezone.localdate().year
    return render(
        request,
        "councils/body_detail.html",
        {
            "body": body,
            "members": [m for m in memberships if m.kind != MembershipKind.CO_OPTED],
            "co_opted": [m for m in memberships if m.kind == MembershipKind.CO_OPTED],
            "open_medskick": open_medskick.select_related("sender", "receiver"),
            "plan": body.meeting_plans.filter(year=year).first(),
            "year": year,
            "can_edit": body.can_edit(request.user),
            "change_log": change_log(body),
        },
    )


def _editable_body(request: HttpRequest, pk: int) -> Body:
    body = get_object_or_404(Body.objects.visible_to(request.user), pk=pk)
    if not body.can_edit(request.user):
        raise PermissionDenied
    return body


@member_required
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = _editable_body(request, pk)
    form = BodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The body was saved."))
        return redirect("councils:body", pk=body.pk)
    return render_form(
        request, form, title=_("Edit %(body)s") % {"body": body}, cancel_url=body_url(body)
    )


@member_required
def meeting_plan(request: HttpRequest, pk: int) -> HttpResponse:
    body = _editable_body(request, pk)
    year = timezone.localdate().year
    current = body.meeting_plans.filter(year=year).first()
    initial = {"year": year, "planned_meetings": current.planned_meetings if current else None}
    form = MeetingPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            body.plan_meetings(
                year=form.cleaned_data["year"], count=form.cleaned_data["planned_meetings"]
            )
        except ValidationError as error:
            form.add_error("planned_meetings", error.messages)
        else:
            messages.success(request, _("The meeting plan was saved."))
            return redirect("councils:body", pk=body.pk)
    return render_form(
        request,
        form,
        title=_("Meetings a year: %(body)s") % {"body": body},
        cancel_url=body_url(body),
    )


def body_url(body: Body) -> str:
    return reverse("councils:body", args=[body.pk])
