"""Measures and consents of a case: the owning municipality, and a receiver its own measures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, organisation_ids_with
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, add_validation_error, render_form

from ..access import case_for, consent_for, measure_for
from ..forms import ConsentForm, MeasureForm
from ..models import Consent, Measure
from ..rights import Right
from ..services import consent_save, measure_save


@login_required
def measure_edit(
    request: AuthenticatedHttpRequest, reference: str, pk: int | None = None
) -> HttpResponse:
    """The owning municipality edits every measure; a receiver with the right adds and edits
    the measures its own organisation is responsible for."""
    case = case_for(request.user, reference, need=Right.ADD_MEASURE)
    own = (
        None
        if case.access.works
        else organisation_ids_with(request.user, Capability.REVIEW_ESCALATIONS)
    )
    measure = measure_for(case, request.user, pk) if pk else Measure(case=case)
    form = MeasureForm(request.POST or None, instance=measure, responsible_ids=own)
    if request.method == "POST" and form.is_valid():
        try:
            measure_save(measure=form.save(commit=False), by=request.user, responsible_ids=own)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
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


@login_required
def consent_edit(
    request: AuthenticatedHttpRequest, reference: str, pk: int | None = None
) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK)
    consent = consent_for(case, pk) if pk else Consent(case=case)
    form = ConsentForm(request.POST or None, instance=consent)
    if request.method == "POST" and form.is_valid():
        try:
            consent_save(
                consent=form.save(commit=False),
                organisations=form.cleaned_data["organisations"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
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
