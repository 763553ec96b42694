"""Measures and consents of a case: the owning municipality, and a receiver its own measures."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import Capability, organisation_ids_with
from accounts.models import User
from sutohamu import decisions
from sutohamu.history import change_log
from sutohamu.http import (
    AuthenticatedHttpRequest,
    add_validation_error,
    form_status,
    render_form,
    save_form,
)

from .. import lifecycle
from ..access import case_for, commitment_of, consent_for, followup_plan_of, measure_for
from ..choices import CaseStatus, ReadKind
from ..followup import (
    CommitmentData,
    cadence_update,
    case_close,
    case_reopen,
    closed_from,
    commitment_plan,
    contact_log,
    leave_assessment,
    needs_commitment,
    next_contact_of,
)
from ..followup_forms import CadenceForm, CloseForm, CommitmentForm, ContactForm, ReopenForm
from ..forms import ConsentForm, MeasureForm, TransitionForm
from ..models import Case, Consent, Measure
from ..rights import Right
from ..services import (
    ERROR_STALE,
    EarlyClosureData,
    StaleEdit,
    case_transition,
    consent_save,
    measure_save,
    needs_early_closure,
    open_items,
)
from .shared import page_context


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
    if save_form(
        request,
        form,
        lambda data: measure_save(
            measure=form.save(commit=False), by=request.user, responsible_ids=own
        ),
        done=_("The measure was saved."),
    ):
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
    if save_form(
        request,
        form,
        lambda data: consent_save(
            consent=form.save(commit=False),
            organisations=data["organisations"],
            by=request.user,
        ),
        done=_("The consent was saved."),
    ):
        return redirect("cases:detail", reference=case.reference)
    title = _("Edit consent") if pk else _("Record consent")
    return render_form(
        request,
        form,
        title=f"{title}: {case.reference}",
        intro=_("Consent is recorded for a pseudonym: no name, no personal identity number."),
        cancel_url=reverse("cases:detail", args=[case.reference]),
    )


# --- The life cycle's moves that ask for more: commitment, closing, reopening (issue 12). ---


@require_POST
@login_required
def transition(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The case page's status form. Leaving assessment plans the commitment first, closing and
    reopening have their own forms; a form loaded before the last change answers 409."""
    case = case_for(request.user, reference, need=Right.WORK)
    form = TransitionForm(request.POST, case=case)
    if form.is_valid():
        to, version = form.cleaned_data["to"], form.cleaned_data["version"]
        try:
            if version != case.version:
                raise StaleEdit(ERROR_STALE, code="stale")
            if to == CaseStatus.CLOSED and lifecycle.LIFE_CYCLE.allows(case.status, to):
                return _close_or_ask(request, case, form, version)
            if needs_commitment(case, to):
                return redirect(f"{reverse('cases:commitment', args=[case.reference])}?till={to}")
            if case.status == CaseStatus.CLOSED:
                case_reopen(
                    case=case,
                    by=request.user,
                    version=version,
                    reason=form.cleaned_data["reason"],
                    to=to,
                )
            else:
                case_transition(
                    case=case,
                    to=to,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    version=version,
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/detail.html",
        page_context(case, transition_form=form),
        status=form_status(form),
    )


def _close_or_ask(
    request: AuthenticatedHttpRequest, case: Case, form: TransitionForm, version: int
) -> HttpResponse:
    """A plain close from the status form; the close form when it needs a choice about open
    parts or an early-closure decision (it explains the minimum period)."""
    try:
        case_close(case=case, by=request.user, version=version, reason=form.cleaned_data["reason"])
    except StaleEdit:
        raise
    except ValidationError as error:
        codes = set() if hasattr(error, "error_dict") else {e.code for e in error.error_list}
        if codes & {"open_items", "minimum_period", "followup_required"}:
            return redirect("cases:close", reference=case.reference)
        raise
    messages.success(request, _("The case was closed."))
    return redirect("cases:detail", reference=case.reference)


@login_required
def commitment(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Plan the long-term commitment (leaving assessment), or change it with a reason."""
    case = case_for(request.user, reference, need=Right.WORK)
    to = request.POST.get("to") or request.GET.get("till", "")
    current = commitment_of(case)
    initial = (
        {
            "months": current.months,
            "team_roles": current.team_roles,
            "team_organisations": list(current.team_organisations.all()),
        }
        if current
        else {}
    )
    form = CommitmentForm(request.POST or None, version=case.version, to=to, initial=initial)
    if save_form(
        request,
        form,
        lambda data: _commit(case, data, by=request.user),
        done=_("The commitment was saved."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Long-term commitment: %(reference)s") % {"reference": case.reference},
        intro=_(
            "Plan the long-term commitment before the work starts: how long the municipality "
            "expects to stay involved, and which team (roles or organisations, never names). "
            "Contact may thin out later, but it goes on."
        ),
        cancel_url=reverse("cases:detail", args=[case.reference]),
    )


def _commit(case: Case, data: dict[str, Any], *, by: User) -> None:
    """Leave assessment with the plan, or change the plan with a reason."""
    planned = CommitmentData(
        months=data["months"],
        team_roles=data["team_roles"],
        team_organisations=tuple(data["team_organisations"]),
    )
    if data["to"]:
        leave_assessment(
            case=case, to=data["to"], by=by, version=data["version"], commitment=planned
        )
    else:
        commitment_plan(case=case, by=by, data=planned, reason=data["reason"])


@login_required
def cadence(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    # The form shows the case's plan: opening it is logged like the case's edit form.
    log = ReadKind.EDIT if request.method == "GET" else None
    case = case_for(request.user, reference, need=Right.WORK, log=log)
    plan = followup_plan_of(case)
    if plan is None:
        raise Http404
    form = CadenceForm(request.POST or None, cadence=plan.cadence)
    if save_form(
        request,
        form,
        lambda data: cadence_update(
            case=case,
            by=request.user,
            cadence=data["cadence"],
            reason=data["reason"],
        ),
        done=_("The contact cadence was saved."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Contact cadence: %(reference)s") % {"reference": case.reference},
        intro=_(
            "Contact thins out over time, for example every two weeks, then monthly, then "
            "quarterly. Less contact than before is recorded with a reason."
        ),
        cancel_url=reverse("cases:detail", args=[case.reference]),
    )


@login_required
def contact_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK)
    form = ContactForm(request.POST or None)
    before = next_contact_of(case) if request.method == "POST" else None
    if save_form(
        request,
        form,
        lambda data: contact_log(case=case, by=request.user, **data),
        done=lambda _contact: (
            _("The contact was logged; the next contact moved on.")
            if next_contact_of(case) != before
            else _("The contact was logged; the next contact is unchanged.")
        ),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Log a contact: %(reference)s") % {"reference": case.reference},
        intro=_("Who took part by role or organisation, never by name."),
        cancel_url=reverse("cases:detail", args=[case.reference]),
    )


@login_required
def close(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Close the case: the minimum follow-up period, and what happens to open parts."""
    case = case_for(request.user, reference, need=Right.WORK)
    plan = followup_plan_of(case)
    escalations, measures = open_items(case)
    early = needs_early_closure(case)
    form = CloseForm(
        request.POST or None,
        version=case.version,
        has_open_items=bool(escalations or measures),
        early=early,
        can_verify=decisions.can_verify(),
        decisions_about_case=decisions.about_case(case.reference) if early else [],
    )
    if save_form(
        request,
        form,
        lambda data: case_close(
            case=case,
            by=request.user,
            version=data["version"],
            reason=data["reason"],
            open_choice=data.get("open_choice", ""),
            early_closure=EarlyClosureData(
                reason=data["early_reason"],
                decision_reference=data["decision_reference"],
                decided_on=data.get("decided_on"),
            )
            if early
            else None,
        ),
        done=_("The case was closed."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/followup/close.html",
        {
            "case": case,
            "form": form,
            "plan": plan,
            "early": early,
            "open_escalations": escalations,
            "open_measures": measures,
            "minimum_months": settings.FOLLOWUP_MINIMUM_MONTHS,
            "can_verify": decisions.can_verify(),
            "decisions_about_case": form.fields.get("decision_reference") is not None
            and len(getattr(form.fields["decision_reference"].widget, "choices", [])) > 1,
        },
        status=form_status(form),
    )


@login_required
def reopen(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK)
    if case.status != CaseStatus.CLOSED:
        return redirect("cases:detail", reference=case.reference)
    form = ReopenForm(request.POST or None, version=case.version, closed_from=closed_from(case))
    if save_form(
        request,
        form,
        lambda data: case_reopen(
            case=case,
            by=request.user,
            version=data["version"],
            reason=data["reason"],
            to=data["to"],
        ),
        done=_("The case was reopened."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Reopen %(reference)s") % {"reference": case.reference},
        intro=_(
            "The case returns to the state it was closed from, unless you choose another. "
            "The reason is kept in the case's history."
        ),
        cancel_url=reverse("cases:detail", args=[case.reference]),
        submit_label=_("Reopen"),
    )
