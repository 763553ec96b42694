"""Escalations: the owner escalates and withdraws; the receiver's queue acknowledges, answers
and closes its part; the kommunpolis records that the Security Service was informed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import Capability, capability_required, has_capability
from sutohamu.http import AuthenticatedHttpRequest, add_validation_error, render_form

from .. import escalation as service
from ..access import case_for, escalation_for, proposal_for, queue_for
from ..choices import EscalationKind
from ..forms import (
    EscalationAnswerForm,
    EscalationCloseForm,
    EscalationForm,
    ProposalFormSet,
    SecurityServiceForm,
)
from ..models import Escalation
from ..rights import Right

QUEUE_LIMIT = 500


@login_required
def escalate(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK)
    form = EscalationForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.escalation_open(
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
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    show_all = request.GET.get("alla") == "1"
    items, counts = queue_for(request.user, include_closed=show_all)
    return render(
        request,
        "cases/queue.html",
        {"items": items[:QUEUE_LIMIT], "counts": counts, "show_all": show_all},
    )


def _context(request: AuthenticatedHttpRequest, item: Escalation, **forms: Any) -> dict[str, Any]:
    return {
        "item": item,
        "case": item.case,
        "subjects": item.shared_subjects.all() if item.shows_case else [],
        "proposals": item.proposed_measures.select_related("responsible", "accepted_as"),
        "is_receiver": item.is_receiver,
        "is_owner": item.is_sender,
        "can_record_sapo": item.kind == EscalationKind.POLICE
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
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk)
    return render(request, "cases/escalation.html", _context(request, item))


def _refused(
    request: AuthenticatedHttpRequest, item: Escalation, error: ValidationError, **forms: Any
) -> HttpResponse:
    context = _context(request, item, action_errors=error.messages, **forms)
    status = 409 if getattr(error, "code", "") == "wrong_status" else 400
    return render(request, "cases/escalation.html", context, status=status)


@require_POST
@login_required
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="receiver")
    try:
        service.escalation_acknowledge(escalation=item, by=request.user)
    except ValidationError as error:
        return _refused(request, item, error)
    messages.success(request, _("Acknowledged."))
    return redirect("cases:escalation", pk=item.pk)


@require_POST
@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="receiver")
    form = EscalationAnswerForm(request.POST)
    proposals = ProposalFormSet(request.POST, prefix="proposals")
    if form.is_valid() and proposals.is_valid():
        try:
            service.escalation_answer(
                escalation=item,
                by=request.user,
                text=form.cleaned_data["answer"],
                proposals=[dict(p.cleaned_data) for p in proposals if p.cleaned_data.get("kind")],
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
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="receiver")
    form = EscalationCloseForm(request.POST)
    if form.is_valid():
        try:
            service.escalation_close(
                escalation=item, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            return _refused(request, item, error, close_form=form)
        messages.success(request, _("Your part is closed."))
        return redirect("cases:queue")
    return render(
        request, "cases/escalation.html", _context(request, item, close_form=form), status=400
    )


@require_POST
@login_required
def security_service(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="receiver")
    if not has_capability(
        request.user, Capability.RECORD_SECURITY_SERVICE_NOTICE, item.receiver_id
    ):
        raise PermissionDenied
    form = SecurityServiceForm(request.POST)
    if form.is_valid():
        try:
            service.escalation_record_security_service(
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
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="sender")
    try:
        service.escalation_withdraw(escalation=item, by=request.user)
    except ValidationError as error:
        return _refused(request, item, error)
    messages.success(request, _("The escalation was withdrawn."))
    return redirect("cases:detail", reference=item.case.reference)


@require_POST
@login_required
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_for(request.user, pk)
    try:
        service.proposal_accept(proposal=proposal, by=request.user)
    except ValidationError as error:
        item = escalation_for(request.user, proposal.escalation_id, side="sender")
        return _refused(request, item, error)
    messages.success(request, _("The proposed measure was added to the case."))
    return redirect("cases:escalation", pk=proposal.escalation_id)
