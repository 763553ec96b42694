"""Action plans: which coordinator a new concern in each area goes to."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation
from sutohamu.http import AuthenticatedHttpRequest, render_form

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
            "can_edit": ActionPlanAssignment.can_edit_for(request.user, m.pk),
            "rows": [(area, lines.get((m.pk, area.value))) for area in Area],
        }
        for m in municipalities
    ]
    return render(request, "councils/action_plan_list.html", {"plans": plans})


@member_required
def action_plan_edit(
    request: AuthenticatedHttpRequest, municipality_pk: int, area: str
) -> HttpResponse:
    municipality = get_object_or_404(Organisation.objects.municipalities(), pk=municipality_pk)
    if area not in Area.values:
        raise PermissionDenied
    if not ActionPlanAssignment.can_edit_for(request.user, municipality.pk):
        raise PermissionDenied
    line = ActionPlanAssignment.objects.filter(municipality=municipality, area=area).first()
    line = line or ActionPlanAssignment(municipality=municipality, area=area)
    form = ActionPlanAssignmentForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The action plan was saved."))
        return redirect("councils:action_plans")
    return render_form(
        request,
        form,
        title=_("Action plan %(municipality)s: %(area)s")
        % {"municipality": municipality, "area": Area(area).label},
        cancel_url=reverse("councils:action_plans"),
    )
