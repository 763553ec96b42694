"""Lägesbild: submit a picture for a meeting; each organisation's history; all side by side."""

from __future__ import annotations

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Organisation
from councils.views.access import member_required
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from .. import access, services
from ..charts import AREAS, history_rows, latest_rows, trend_chart
from ..forms import SituationReportForm


@member_required
def picture_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_for(request.user, pk)
    own = access.reporting_organisations(request.user, services.expected_reporters(meeting))
    if not own:
        raise PermissionDenied
    chosen = request.GET.get("for") or request.POST.get("organisation")
    current = next((o for o in own if str(o.pk) == str(chosen)), own[0])
    existing = meeting.situation_reports.filter(organisation=current).first()
    initial = {"organisation": current.pk}
    if existing is not None:
        initial.update(
            {
                f: getattr(existing, f)
                for f in (
                    "trend_andt",
                    "trend_crime",
                    "trend_vbe",
                    "risk_factors",
                    "protective_factors",
                    "text",
                )
            }
        )
    form = SituationReportForm(request.POST or None, organisations=own, initial=initial)
    if save_form(
        request,
        form,
        lambda data: services.situation_report_submit(
            meeting=meeting,
            organisation=data["organisation"],
            data=data,
            by=request.user,
        ),
        done=_("The situational picture was submitted."),
    ):
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form(
        request,
        form,
        title=_("Situational picture for %(meeting)s") % {"meeting": meeting},
        intro=_("Trends per area, the risk and protective factors you see, and a short text."),
        submit_label=_("Submit"),
    )


@member_required
def picture_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every reporter's latest pictures side by side (what Agera gets in return)."""
    organisations = list(access.picture_organisations_for(request.user))
    if not organisations:
        raise PermissionDenied
    rows = latest_rows(organisations, meetings=4)
    columns = [(org, rows[org.pk]) for org in organisations]
    return render(request, "meetings/pictures.html", {"columns": columns, "areas": AREAS})


@member_required
def picture_history(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    organisation = _organisation(request, org_pk)
    rows = history_rows(organisation, limit=24)
    return render(
        request,
        "meetings/picture_history.html",
        {"organisation": organisation, "rows": rows, "areas": AREAS},
    )


# The SVG is shown as an image (no script runs); its own <style> is what pygal colours with.
@csp_update({"style-src": ["'unsafe-inline'"]})
@never_cache
@member_required
def picture_chart(request: AuthenticatedHttpRequest, org_pk: int, area: str) -> HttpResponse:
    organisation = _organisation(request, org_pk)
    if area not in dict(AREAS):
        raise Http404
    svg = trend_chart(organisation, area, history_rows(organisation, limit=24))
    return HttpResponse(svg, content_type="image/svg+xml")


def _organisation(request: AuthenticatedHttpRequest, org_pk: int) -> Organisation:
    found = access.picture_organisations_for(request.user).filter(pk=org_pk).first()
    if found is None:
        raise Http404
    return found
