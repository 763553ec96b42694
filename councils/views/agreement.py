"""The cooperation agreement: read by every member; document and termination by the admin."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, capability_required, has_capability
from sutohamu.history import change_log
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from ..forms import AgreementDocumentForm, AgreementTerminationForm
from ..models import Agreement
from ..services import agreement_document_replace
from ..services import agreement_terminate as agreement_terminate_service
from .access import member_required


@member_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agreements = Agreement.objects.prefetch_related("parties")
    return render(request, "councils/agreement_list.html", {"agreements": agreements})


@member_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("terminated_by").prefetch_related(
            "parties", "points", "signatories__organisation"
        ),
        pk=pk,
    )
    return render(
        request,
        "councils/agreement_detail.html",
        {
            "agreement": agreement,
            "can_manage": has_capability(request.user, Capability.MANAGE_REFERENCE_DATA),
            "change_log": change_log(agreement),
        },
    )


@member_required
def agreement_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Served through this view only: the file lives outside the web root."""
    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.document:
        raise Http404
    return FileResponse(
        agreement.document.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"samverkansoverenskommelse-{agreement.pk}.pdf",
    )


@capability_required(Capability.MANAGE_REFERENCE_DATA)
def agreement_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    form = AgreementDocumentForm(request.POST or None, request.FILES or None, instance=agreement)
    if save_form(
        request,
        form,
        lambda data: agreement_document_replace(
            agreement=agreement, document=data["document"], by=request.user
        ),
        done=_("The signed document was uploaded."),
    ):
        return redirect("councils:agreement", pk=agreement.pk)
    return render_form(
        request,
        form,
        title=_("Upload the signed agreement"),
        intro=_("A PDF file, at most %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_BYTES // 1_000_000},
        cancel_url=agreement_url(agreement),
    )


@capability_required(Capability.MANAGE_REFERENCE_DATA)
def agreement_terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    form = AgreementTerminationForm(request.POST or None, agreement=agreement)
    if save_form(
        request,
        form,
        lambda data: agreement_terminate_service(
            agreement=agreement,
            party=data["party"],
            on=data["on"],
            reason=data["reason"],
            by=request.user,
        ),
        done=_("The agreement is terminated for all parties."),
    ):
        return redirect("councils:agreement", pk=agreement.pk)
    return render_form(
        request,
        form,
        title=_("Record termination"),
        intro=_("A termination by one party ends the agreement for all parties."),
        submit_label=_("Terminate the agreement"),
        cancel_url=agreement_url(agreement),
    )


def agreement_url(agreement: Agreement) -> str:
    return reverse("councils:agreement", args=[agreement.pk])
