"""Action plans: which coordinator a new concern in each area goes to."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .. import access, services
from ..choices import Area
from ..forms import ActionPlanAssignmentForm
from ..models import ActionPlanAssignment
from .access import member_required


@member_required
def action_plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = list(Organisation.objects.municipalities().active())
    lines = {
        (line.municipality_id, line.area): line
        for line in ActionPlanAssignment.objects.select_related("coordinator", "fallback")
    }
    plans = [
        {
            "municipality": m,
            "can_edit": access.can_change_action_plan(request.user, m.pk),
            "rows": [(area, lines.get((m.pk, area.value))) for area in Area],
        }
        for m in municipalities
    ]
    return render(request, "councils/action_plan_list.html", {"plans": plans})


@member_required
def action_plan_edit(
    request: AuthenticatedHttpRequest, municipality_pk: int, area: str
) -> HttpResponse:
    line = access.action_plan_for(request.user, municipality_pk, area)
    form = ActionPlanAssignmentForm(request.POST or None, instance=line)
    if save_form(
        request,
        form,
        lambda data: services.action_plan_save(assignment=form.instance, by=request.user),
        done=_("The action plan was saved."),
    ):
        return redirect("councils:action_plans")
    return render_form(
        request,
        form,
        title=_("Action plan %(municipality)s: %(area)s")
        % {"municipality": line.municipality, "area": Area(area).label},
        cancel_url=reverse("councils:action_plans"),
    )
