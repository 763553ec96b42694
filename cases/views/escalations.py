"""Escalations: the owner escalates and withdraws; the receiver's queue acknowledges, answers
and closes its part; the kommunpolis records that the Security Service was informed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import (
    Capability,
    capability_required,
    has_capability,
    has_object_grant,
)
from sutohamu.http import add_validation_error, render_form

from .. import escalation as service
from ..choices import EscalationStatus, ReadKind
from ..forms import (
    EscalationAnswerForm,
    EscalationCloseForm,
    EscalationForm,
    ProposalFormSet,
    SecurityServiceForm,
)
from ..models import Case, Escalation, ProposedMeasure
from ..services import record_read
from .access import case_to_work


@login_required
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)
    form = EscalationForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.escalate(
                case=case,
                receiver=data["receiver"],
                by=request.user,
                reason=data["reason"],
                request=data["request"],
                subjects=data["subjects"],
                take_up_at_working_group=data["take_up_at_working_group"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The case was escalated to %(receiver)s.") % {"receiver": data["receiver"]},
            )
            return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Escalate %(reference)s") % {"reference": case.reference},
        intro=_("The receiver sees the problem picture and the pseudonyms you tick; never more."),
        submit_label=_("Escalate"),
    )


@capability_required(Capability.REVIEW_ESCALATIONS)
def queue(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("alla") == "1"
    items = Escalation.objects.in_queue_of(request.user).select_related(
        "case", "receiver", "handler"
    )
    if not show_all:
        items = items.open()
    counts = {s: 0 for s in EscalationStatus.values}
    rows = list(items.order_by("created_at")[:500])
    for item in rows:
        counts[item.status] += 1
    return render(
        request, "cases/queue.html", {"items": rows, "counts": counts, "show_all": show_all}
    )


def _escalation_for(request: HttpRequest, pk: int) -> Escalation:
    """In the person's queue, or an escalation of a case they work; else 404."""
    from accounts.capabilities import organisation_ids_with

    reviews = organisation_ids_with(request.user, Capability.REVIEW_ESCALATIONS)
    works = organisation_ids_with(request.user, Capability.WORK_CASES)
    return get_object_or_404(
        Escalation.objects.filter(
            Q(receiver_id__in=reviews) | Q(case__municipality_id__in=works)
        ).select_related("case", "case__municipality", "receiver", "handler", "created_by"),
        pk=pk,
    )


def _in_queue(request: HttpRequest, item: Escalation) -> bool:
    return has_capability(request.user, Capability.REVIEW_ESCALATIONS, item.receiver_id)


def _context(request: HttpRequest, item: Escalation, **forms: object) -> dict:
    receiver = _in_queue(request, item)
    owner = has_capability(request.user, Capability.WORK_CASES, item.case.municipality_id)
    return {
        "item": item,
        "case": item.case,
        "subjects": item.shared_subjects.all(),
        "proposals": item.proposed_measures.select_related("responsible", "accepted_as"),
        "is_receiver": receiver,
        "is_owner": owner,
        "can_record_sapo": item.kind == "police"
        and has_capability(
            request.user, Capability.RECORD_SECURITY_SERVICE_NOTICE, item.receiver_id
        ),
        "answer_form": forms.get("answer_form")
        or EscalationAnswerForm(initial={"answer": item.answer}),
        "proposal_forms": forms.get("proposal_forms") or ProposalFormSet(prefix="proposals"),
        "close_form": forms.get("close_form") or EscalationCloseForm(),
        "sapo_form": forms.get("sapo_form") or SecurityServiceForm(),
        "action_errors": forms.get("action_errors"),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _escalation_for(request, pk)
    if (
        item.is_open
        and _in_queue(request, item)
        and not has_object_grant(request.user, "cases.view_case", item.case)
    ):
        # Someone who joined the receiving organisation after the escalation was opened.
        service.sync_case_grants(item.case)
    record_read(request.user, item.case, ReadKind.SHARED)
    return render(request, "cases/escalation.html", _context(request, item))


def _receiver_item(request: HttpRequest, pk: int) -> Escalation:
    item = _escalation_for(request, pk)
    if not _in_queue(request, item):
        raise PermissionDenied
    return item


def _refused(
    request: HttpRequest, item: Escalation, error: ValidationError, **forms: object
) -> HttpResponse:
    context = _context(request, item, action_errors=error.messages, **forms)
    status = 409 if getattr(error, "code", "") == "wrong_status" else 400
    return render(request, "cases/escalation.html", context, status=status)


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = _receiver_item(request, pk)
    try:
        service.acknowledge(escalation=item, by=request.user)
    except ValidationError as error:
        return _refused(request, item, error)
    messages.success(request, _("Acknowledged."))
    return redirect("cases:escalation", pk=item.pk)


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = _receiver_item(request, pk)
    form = EscalationAnswerForm(request.POST)
    proposals = ProposalFormSet(request.POST, prefix="proposals")
    if form.is_valid() and proposals.is_valid():
        try:
            service.answer(
                escalation=item,
                by=request.user,
                text=form.cleaned_data["answer"],
                proposals=[
                    {k: v for k, v in p.cleaned_data.items()}
                    for p in proposals
                    if p.cleaned_data.get("kind")
                ],
            )
        except ValidationError as error:
            add_validation_error(form, error)
            return _refused(request, item, error, answer_form=form, proposal_forms=proposals)
        messages.success(request, _("The answer was sent."))
        return redirect("cases:escalation", pk=item.pk)
    context = _context(request, item, answer_form=form, proposal_forms=proposals)
    return render(request, "cases/escalation.html", context, status=400)


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _receiver_item(request, pk)
    form = EscalationCloseForm(request.POST)
    if form.is_valid():
        try:
            service.close_part(escalation=item, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            return _refused(request, item, error, close_form=form)
        messages.success(request, _("Your part is closed."))
        return redirect("cases:queue")
    return render(
        request, "cases/escalation.html", _context(request, item, close_form=form), status=400
    )


@require_POST
@login_required
def security_service(request: HttpRequest, pk: int) -> HttpResponse:
    item = _receiver_item(request, pk)
    if not has_capability(
        request.user, Capability.RECORD_SECURITY_SERVICE_NOTICE, item.receiver_id
    ):
        raise PermissionDenied
    form = SecurityServiceForm(request.POST)
    if form.is_valid():
        try:
            service.record_security_service(
                escalation=item, by=request.user, on=form.cleaned_data["on"]
            )
        except ValidationError as error:
            return _refused(request, item, error, sapo_form=form)
        messages.success(request, _("Recorded that the Security Service was informed."))
        return redirect("cases:escalation", pk=item.pk)
    return render(
        request, "cases/escalation.html", _context(request, item, sapo_form=form), status=400
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Escalation.objects.filter(case__in=Case.objects.workable_by(request.user)), pk=pk
    )
    try:
        service.withdraw(escalation=item, by=request.user)
    except ValidationError as error:
        return _refused(request, item, error)
    messages.success(request, _("The escalation was withdrawn."))
    return redirect("cases:detail", reference=item.case.reference)


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        ProposedMeasure.objects.filter(
            escalation__case__in=Case.objects.workable_by(request.user)
        ).select_related("escalation"),
        pk=pk,
    )
    try:
        service.accept_proposal(proposal=proposal, by=request.user)
    except ValidationError as error:
        return _refused(request, proposal.escalation, error)
    messages.success(request, _("The proposed measure was added to the case."))
    return redirect("cases:escalation", pk=proposal.escalation_id)
