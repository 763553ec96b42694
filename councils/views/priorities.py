"""Priorities per period, and the citizen promises with their activities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, organisation_ids_with
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .. import access, services
from ..forms import CitizenPromiseForm, PriorityForm, PromiseActivityForm
from ..models import PromiseActivity
from ..models.priorities import PriorityRights, priority_rights
from .access import member_required


def _year(request: AuthenticatedHttpRequest) -> int:
    try:
        return int(request.GET.get("ar", ""))
    except ValueError:
        return timezone.localdate().year


@member_required
def priority_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = _year(request)
    priorities = access.priorities_visible_to(request.user).filter(year=year)
    rights = priority_rights(request.user)
    return render(
        request,
        "councils/priority_list.html",
        {
            "rows": access.priority_rows(priorities.select_related("municipality"), rights),
            "year": year,
            "can_add": bool(organisation_ids_with(request.user, Capability.EDIT_OWN_BODIES)),
        },
    )


@member_required
def priority_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not organisation_ids_with(request.user, Capability.EDIT_OWN_BODIES):
        raise PermissionDenied
    rights = priority_rights(request.user)
    form = PriorityForm(request.POST or None, rights=rights)
    if _saved(request, form, rights):
        return redirect(f"{reverse('councils:priorities')}?ar={form.instance.year}")
    return render_form(
        request, form, title=_("New priority"), cancel_url=reverse("councils:priorities")
    )


@member_required
def priority_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rights = priority_rights(request.user)
    priority = access.priority_for(request.user, pk, rights)
    form = PriorityForm(request.POST or None, instance=priority, rights=rights)
    if _saved(request, form, rights):
        return redirect(f"{reverse('councils:priorities')}?ar={priority.year}")
    return render_form(
        request,
        form,
        title=_("Edit priority"),
        cancel_url=reverse("councils:priorities"),
        change_log=change_log(priority),
        template="councils/priority_form.html",
    )


def _saved(request: AuthenticatedHttpRequest, form: PriorityForm, rights: PriorityRights) -> bool:
    """Save through the service with the rights the door already read."""
    return (
        save_form(
            request,
            form,
            lambda data: services.priority_save(
                priority=form.instance, by=request.user, rights=rights
            ),
            done=_("The priority was saved."),
        )
        is not None
    )


@member_required
def promise_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    promises = access.promises_visible_to(request.user).select_related(
        "municipality", "police_area"
    )
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
    if saved := save_form(
        request,
        form,
        lambda data: services.promise_save(promise=form.instance, by=request.user),
        done=_("The citizen promise was saved."),
    ):
        return redirect("councils:promise", pk=saved.result.pk)
    return render_form(request, form, title=_("New citizen promise"))


@member_required
def promise_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    promise = access.promise_for(request.user, pk)
    return render(
        request,
        "councils/promise_detail.html",
        {
            "promise": promise,
            "activities": promise.activities.select_related("owner"),
            "can_edit": promise.changeable,  # type: ignore[attr-defined]  # from promise_for
            "change_log": change_log(promise),
        },
    )


@member_required
def activity_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    promise = access.promise_for(request.user, pk, change=True)
    return _activity_form(
        request,
        PromiseActivity(promise=promise),
        title=_("New activity: %(promise)s") % {"promise": promise.title},
    )


@member_required
def activity_edit(request: AuthenticatedHttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    promise = access.promise_for(request.user, pk, change=True)
    activity = get_object_or_404(promise.activities, pk=activity_pk)
    return _activity_form(
        request,
        activity,
        title=_("Follow up: %(activity)s") % {"activity": activity.title},
        change_log=change_log(activity),
        template="councils/priority_form.html",
    )


def _activity_form(
    request: AuthenticatedHttpRequest, activity: PromiseActivity, **page: Any
) -> HttpResponse:
    """A new activity and a followed-up one share the form, the service and the way back."""
    promise = activity.promise
    form = PromiseActivityForm(request.POST or None, instance=activity)
    if save_form(
        request,
        form,
        lambda data: services.activity_save(activity=form.instance, by=request.user),
        done=_("The activity was saved."),
    ):
        return redirect("councils:promise", pk=promise.pk)
    return render_form(
        request, form, cancel_url=reverse("councils:promise", args=[promise.pk]), **page
    )
