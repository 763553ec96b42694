"""Measures and consents of a case: added and changed by the owning municipality."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, organisation_ids_with
from sutohamu.history import change_log
from sutohamu.http import render_form

from ..forms import ConsentForm, MeasureForm
from ..models import Consent, Measure
from .access import case_to_add, case_to_work


@login_required  # the case is fetched through workable_by: 404 for anyone else
def measure_edit(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """The owning municipality edits every measure; a receiver with the grant adds and edits
    the measures its own organisation is responsible for."""
    case, works = case_to_add(request, reference, "add_case_measure")
    own = None if works else organisation_ids_with(request.user, Capability.REVIEW_ESCALATIONS)
    measures = case.measures.all() if works else case.measures.filter(responsible_id__in=own)
    measure = get_object_or_404(measures, pk=pk) if pk else Measure(case=case)
    form = MeasureForm(request.POST or None, instance=measure, responsible_ids=own)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The measure was saved."))
        return redirect("cases:detail", reference=case.reference)
    title = _("Edit measure") if pk else _("New measure")
    return render_form(
        request,
        form,
        title=f"{title}: {case.reference}",
        cancel_url=reverse("cases:detail", args=[case.reference]),
        change_log=change_log(measure) if pk else None,
        template="councils/priority_form.html" if pk else "form_page.html",
    )


@login_required  # the case is fetched through workable_by: 404 for anyone else
def consent_edit(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    case = case_to_work(request, reference)
    consent = get_object_or_404(Consent, pk=pk, case=case) if pk else Consent(case=case)
    form = ConsentForm(request.POST or None, instance=consent)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The consent was saved."))
        return redirect("cases:detail", reference=case.reference)
    title = _("Edit consent") if pk else _("Record consent")
    return render_form(
        request,
        form,
        title=f"{title}: {case.reference}",
        intro=_("Consent is recorded for a pseudonym: no name, no personal identity number."),
        cancel_url=reverse("cases:detail", args=[case.reference]),
    )
