"""The data protection officer's secrecy log of one case: a page and a PDF (cases/audit.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from councils.forms import DateInput
from sutohamu.dates import validate_plausible_date
from sutohamu.http import AuthenticatedHttpRequest

from ..audit import case_audit, case_audit_pdf, require_auditor


class CaseAuditForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=24,
        help_text=_("For example SUN-2026-0007."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[validate_plausible_date]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[validate_plausible_date]
    )

    def clean_reference(self) -> str:
        return str(self.cleaned_data["reference"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data


@login_required
def case_audit_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_auditor(request.user)
    form = CaseAuditForm(request.GET or None)
    audit = None
    if form.is_valid():
        data = form.cleaned_data
        audit = case_audit(request.user, data["reference"], data["date_from"], data["date_to"])
    return render(
        request,
        "cases/audit.html",
        {"form": form, "audit": audit, "query": request.GET.urlencode()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def case_audit_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_auditor(request.user)
    form = CaseAuditForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/audit.html", {"form": form}, status=400)
    data = form.cleaned_data
    audit = case_audit(request.user, data["reference"], data["date_from"], data["date_to"])
    response = HttpResponse(case_audit_pdf(audit, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="logg-{audit.case.reference}.pdf"'
    return response
