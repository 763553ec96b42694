"""Priorities per period, and the citizen promises with their activities."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, organisation_ids_with
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, add_validation_error, render_form

from .. import access, services
from ..forms import CitizenPromiseForm, PriorityForm, PromiseActivityForm
from ..models import CitizenPromise, Priority, PromiseActivity
from .access import member_required


def _year(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.GET.get("ar", ""))
    except ValueError:
        return timezone.localdate().year


@member_required
def priority_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year(request)
    priorities = Priority.objects.filter(year=year).select_related("municipality")
    return render(
        request,
        "councils/priority_list.html",
        {
            "rows": access.priority_rows(request.user, priorities),
            "year": year,
            "can_add": bool(organisation_ids_with(request.user, Capability.EDIT_OWN_BODIES)),
        },
    )


@member_required
def priority_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisation_ids_with(request.user, Capability.EDIT_OWN_BODIES):
        raise PermissionDenied
    form = PriorityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not form.instance.can_edit(request.user):
            raise PermissionDenied
        if _saved(request, form):
            return redirect(f"{reverse('councils:priorities')}?ar={form.instance.year}")
    return render_form(
        request, form, title=_("New priority"), cancel_url=reverse("councils:priorities")
    )


@member_required
def priority_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(Priority, pk=pk)
    if not priority.can_edit(request.user):
        raise PermissionDenied
    form = PriorityForm(request.POST or None, instance=priority, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not form.instance.can_edit(request.user):
            raise PermissionDenied
        if _saved(request, form):
            return redirect(f"{reverse('councils:priorities')}?ar={priority.year}")
    return render_form(
        request,
        form,
        title=_("Edit priority"),
        cancel_url=reverse("councils:priorities"),
        change_log=change_log(priority),
        template="councils/priority_form.html",
    )


def _saved(request: AuthenticatedHttpRequest, form: PriorityForm) -> bool:
    """Save through the service; its refusal lands on the form (answered with 400)."""
    try:
        services.priority_save(priority=form.instance, by=request.user)
    except ValidationError as error:
        add_validation_error(form, error)
        return False
    messages.success(request, _("The priority was saved."))
    return True


@member_required
def promise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    promises = CitizenPromise.objects.select_related("municipality", "police_area")
    return render(
        request,
        "councils/promise_list.html",
        {
            "promises": promises,
            # The same rule as promise_create: a municipality of one's own to promise for.
            "can_add": access.promise_municipalities(request.user).exists(),
        },
    )


@member_required
def promise_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.promise_municipalities(request.user).exists():
        raise PermissionDenied
    form = CitizenPromiseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        promise = form.save()
        messages.success(request, _("The citizen promise was saved."))
        return redirect("councils:promise", pk=promise.pk)
    return render_form(request, form, title=_("New citizen promise"))


@member_required
def promise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(
        CitizenPromise.objects.select_related("municipality", "police_area"), pk=pk
    )
    return render(
        request,
        "councils/promise_detail.html",
        {
            "promise": promise,
            "activities": promise.activities.select_related("owner"),
            "can_edit": promise.can_edit(request.user),
            "change_log": change_log(promise),
        },
    )


def _editable_promise(request: AuthenticatedHttpRequest, pk: int) -> CitizenPromise:
    promise = get_object_or_404(CitizenPromise, pk=pk)
    if not promise.can_edit(request.user):
        raise PermissionDenied
    return promise


@member_required
def activity_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    promise = _editable_promise(request, pk)
    form = PromiseActivityForm(request.POST or None, instance=PromiseActivity(promise=promise))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity was saved."))
        return redirect("councils:promise", pk=promise.pk)
    return render_form(
        request,
        form,
        title=_("New activity: %(promise)s") % {"promise": promise.title},
        cancel_url=reverse("councils:promise", args=[promise.pk]),
    )


@member_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    promise = _editable_promise(request, pk)
    activity = get_object_or_404(PromiseActivity, pk=activity_pk, promise=promise)
    form = PromiseActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity was saved."))
        return redirect("councils:promise", pk=promise.pk)
    return render_form(
        request,
        form,
        title=_("Follow up: %(activity)s") % {"activity": activity.title},
        cancel_url=reverse("councils:promise", args=[promise.pk]),
        change_log=change_log(activity),
        template="councils/priority_form.html",
    )
