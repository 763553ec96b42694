"""Anmäl oro: report a concern; and the reporter's own list of what became of it."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, capability_required
from sutohamu.http import AuthenticatedHttpRequest, save_form

from ..access import can_work, reports_of
from ..forms import IntakeForm, SubjectFormSet, without_errors
from ..services import SubjectData, case_report


@capability_required(Capability.REPORT_CONCERN)
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, user=request.user)
    subjects = SubjectFormSet(request.POST or None, prefix="subjects")
    if request.method == "POST" and "add_row" in request.POST:
        # "Add a row" without a script: the same input back with one more row, nothing saved.
        context = {"form": without_errors(form), "subjects": subjects.add_row()}
        return render(request, "cases/report.html", context)
    if subjects.is_valid() and (
        saved := save_form(
            request,
            form,
            lambda data: case_report(
                by=request.user,
                municipality=data["municipality"],
                areas=data["areas"],
                setting=data["setting"],
                title=data["title"],
                description=data["description"],
                discovery=data["discovery"],
                subjects=[SubjectData(**subject) for subject in subjects.subjects()],
            ),
            done=lambda case: (
                _("The concern was reported as %(reference)s.") % {"reference": case.reference}
            ),
        )
    ):
        if can_work(request.user, saved.result):
            return redirect("cases:detail", reference=saved.result.reference)
        return redirect("cases:my_reports")
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/report.html", {"form": form, "subjects": subjects}, status=status)


@capability_required(Capability.FOLLOW_OWN_REPORTS)
def my_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the person reported: her own title and what happened; never the owner's words."""
    return render(request, "cases/my_reports.html", {"reports": reports_of(request.user)})
