"""Escalations: the owner escalates and withdraws; the receiver's queue acknowledges, answers
and closes its part; the kommunpolis records that the Security Service was informed."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page as ListPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import (
    Capability,
    capability_required,
    fragment_scope,
    has_capability,
)
from sutohamu.fragments import MINUTE_SECONDS, Page
from sutohamu.http import (
    AuthenticatedHttpRequest,
    form_status,
    refusal_status,
    save_form,
)

from .. import escalation as service
from ..access import case_for, escalation_for, proposal_for, queue_for
from ..choices import OPEN_ESCALATION
from ..forms import (
    EscalationAnswerForm,
    EscalationCloseForm,
    EscalationForm,
    ProposalAcceptForm,
    ProposalFormSet,
    SecurityServiceForm,
)
from ..models import Escalation
from ..rights import Right
from ..versions import CASES_LISTED

QUEUE_PAGE_SIZE = 50


class _Counted:
    """Rows whose number is known already, for the paginator: it slices them and counts none."""

    def __init__(self, rows: QuerySet[Escalation], count: int) -> None:
        self.rows = rows
        self.total = count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: Any) -> Any:
        return self.rows[key]

    def __iter__(self) -> Iterator[Escalation]:
        return iter(self.rows)


@login_required
def escalate(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """One form to one or several receivers, each with its own shared pseudonyms."""
    case = case_for(request.user, reference, need=Right.WORK)
    form = EscalationForm(request.POST or None, case=case)
    if save_form(
        request,
        form,
        lambda data: service.escalations_open(
            case=case,
            receivers=form.selections(),
            by=request.user,
            reason=data["reason"],
            request=data["request"],
            take_up_at_working_group=data["take_up_at_working_group"],
        ),
        done=lambda sent: (
            _("The case was escalated to %(receiver)s.")
            % {"receiver": ", ".join(str(e.receiver) for e in sent)}
        ),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/escalate.html",
        {"form": form, "case": case, "cancel_url": reverse("cases:detail", args=[reference])},
        status=form_status(form),
    )


@capability_required(Capability.REVIEW_ESCALATIONS)
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The queue is one cached part (sutohamu.fragments) under the version every escalation write
    # and every change of a listed case's line bumps (CASES_LISTED), per person and roles, page,
    # and minute (it words each escalation's age); its rows are read only on a miss.
    show_all = request.GET.get("alla") == "1"
    number = request.GET.get("sida") or ""
    minute = timezone.localtime().strftime("%H:%M")
    extra = [show_all, number, minute]
    parts = Page(
        versions=[CASES_LISTED], scope=fragment_scope(request.user), parts=[("queue", extra)]
    )

    @cache
    def listed() -> tuple[ListPage, dict[str, int]]:
        items, counts = queue_for(request.user, include_closed=show_all)
        # The page's total from the counts by state, not a count of its own.
        total = sum(n for status, n in counts.items() if show_all or status in OPEN_ESCALATION)
        return Paginator(_Counted(items, total), QUEUE_PAGE_SIZE).get_page(number), counts

    return render(
        request,
        "cases/queue.html",
        {
            "parts": parts,
            "extra": extra,
            "minute_seconds": MINUTE_SECONDS,
            "items": lambda: listed()[0].object_list,
            "page": lambda: listed()[0],
            "query": "alla=1" if show_all else "",
            "counts": lambda: listed()[1],
            "show_all": show_all,
        },
    )


def _context(request: AuthenticatedHttpRequest, item: Escalation, **forms: Any) -> dict[str, Any]:
    proposals = item.proposed_measures.select_related("responsible", "accepted_as")
    accept_forms = forms.get("accept_forms") or {}
    return {
        "item": item,
        "case": item.case,
        "subjects": item.shared_subjects.all() if item.shows_case else [],
        "proposals": [
            (p, accept_forms.get(p.pk) or ProposalAcceptForm(prefix=f"accept-{p.pk}"))
            for p in proposals
        ],
        "is_receiver": item.is_receiver,
        "is_owner": item.is_sender,
        "actions": service.allowed_actions(item, request.user),
        "answer_form": forms.get("answer_form")
        or EscalationAnswerForm(initial={"answer": item.answer}),
        "proposal_forms": forms.get("proposal_forms") or ProposalFormSet(prefix="proposals"),
        "sapo_form": forms.get("sapo_form") or SecurityServiceForm(),
        "action_errors": forms.get("action_errors"),
    }


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk)
    return render(request, "cases/escalation.html", _context(request, item))


def _not_offered(request: AuthenticatedHttpRequest, item: Escalation) -> HttpResponse:
    """A confirmation page for an action the escalation's state no longer offers."""
    messages.error(
        request,
        _("This escalation is %(status)s and cannot be changed that way.")
        % {"status": item.get_status_display().lower()},
    )
    return redirect("cases:escalation", pk=item.pk)


def _refused(
    request: AuthenticatedHttpRequest, item: Escalation, error: ValidationError, **forms: Any
) -> HttpResponse:
    context = _context(request, item, action_errors=error.messages, **forms)
    return render(request, "cases/escalation.html", context, status=refusal_status(error))


def _refused_form(
    request: AuthenticatedHttpRequest, item: Escalation, form: Form, **forms: Any
) -> HttpResponse:
    """The escalation page again with what was typed and every refusal in the summary at the
    top (the form itself may be gone: a refused write can leave `item` in the state it tried):
    409 after a conflict, else 400 (a form beside it, such as the proposals, may be what was
    wrong)."""
    errors = [message for field_errors in form.errors.values() for message in field_errors]
    context = _context(request, item, action_errors=errors, **forms)
    status = 409 if form_status(form) == 409 else 400
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
    if proposals.is_valid() and save_form(
        request,
        form,
        lambda data: service.escalation_answer(
            escalation=item,
            by=request.user,
            text=data["answer"],
            proposals=[dict(p.cleaned_data) for p in proposals if p.cleaned_data.get("kind")],
        ),
        done=_("The answer was sent."),
    ):
        return redirect("cases:escalation", pk=item.pk)
    return _refused_form(request, item, form, answer_form=form, proposal_forms=proposals)


def _confirm(
    request: AuthenticatedHttpRequest, item: Escalation, status: int = 200, **context: Any
) -> HttpResponse:
    """The confirmation step of a destructive action: a page of its own, no script needed."""
    context = {"item": item, "case": item.case, **context}
    return render(request, "cases/escalation_confirm.html", context, status=status)


@login_required
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks first (with the closing note); POST closes the receiver's part."""
    item = escalation_for(request.user, pk, side="receiver", log=request.method == "POST")
    form = EscalationCloseForm(request.POST or None)
    if request.method != "POST":
        if "close" not in service.allowed_actions(item, request.user):
            return _not_offered(request, item)
        return _confirm(request, item, form=form, action="close")
    if save_form(
        request,
        form,
        lambda data: service.escalation_close(escalation=item, by=request.user, note=data["note"]),
        done=_("Your part is closed."),
    ):
        return redirect("cases:queue")
    return _confirm(request, item, form_status(form), form=form, action="close")


@require_POST
@login_required
def security_service(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = escalation_for(request.user, pk, side="receiver")
    if not has_capability(
        request.user, Capability.RECORD_SECURITY_SERVICE_NOTICE, item.receiver_id
    ):
        raise PermissionDenied
    form = SecurityServiceForm(request.POST)
    if save_form(
        request,
        form,
        lambda data: service.escalation_record_security_service(
            escalation=item, by=request.user, on=data["on"]
        ),
        done=_("Recorded that the Security Service was informed."),
    ):
        return redirect("cases:escalation", pk=item.pk)
    return _refused_form(request, item, form, sapo_form=form)


@login_required
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks first; POST withdraws the escalation (and the receiver's access with it)."""
    item = escalation_for(request.user, pk, side="sender", log=request.method == "POST")
    if request.method != "POST":
        if "withdraw" not in service.allowed_actions(item, request.user):
            return _not_offered(request, item)
        return _confirm(request, item, action="withdraw")
    try:
        service.escalation_withdraw(escalation=item, by=request.user)
    except ValidationError as error:
        return _refused(request, item, error)
    messages.success(request, _("The escalation was withdrawn."))
    return redirect("cases:detail", reference=item.case.reference)


@require_POST
@login_required
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept a proposal with its planned dates (without them it shows as not scheduled)."""
    proposal = proposal_for(request.user, pk)
    form = ProposalAcceptForm(request.POST, prefix=f"accept-{proposal.pk}")
    if not save_form(
        request,
        form,
        lambda data: service.proposal_accept(
            proposal=proposal,
            by=request.user,
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
        ),
        done=_("The proposed measure was added to the case."),
    ):
        item = escalation_for(request.user, proposal.escalation_id, side="sender")
        return _refused_form(request, item, form, accept_forms={proposal.pk: form})
    if request.POST.get("back") == "case":  # accepted from the case page
        return redirect("cases:detail", reference=proposal.escalation.case.reference)
    return redirect("cases:escalation", pk=proposal.escalation_id)
