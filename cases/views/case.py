"""The case page, its timeline and PDF (each read is logged), and changes to the case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import Capability, has_capability
from sutohamu.http import add_validation_error, render_form

from ..choices import ReadKind
from ..forms import CaseEditForm, NoteForm, SubjectForm, TransitionForm
from ..models import Case
from ..pdf import case_pdf
from ..selectors import flags_for
from ..services import StaleEdit, case_transition, case_update, record_read
from ..timeline import timeline
from .access import case_to_add, case_to_read, case_to_work
from .shared import shared_context


def _page_context(request: HttpRequest, case: Case, **extra: object) -> dict:
    can_work = has_capability(request.user, Capability.WORK_CASES, case.municipality_id)
    consents = list(case.consents.select_related("subject").prefetch_related("organisations"))
    return {
        "case": case,
        "can_work": can_work,
        "subjects": case.subjects.select_related("residence"),
        "measures": case.measures.select_related("responsible"),
        "consents": consents,
        "notes": case.notes.select_related("author"),
        "escalations": case.escalations.select_related("receiver").order_by("-created_at"),
        "flags": flags_for(case, consents),
        "transition_form": extra.pop("transition_form", None) or TransitionForm(case=case),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        **extra,
    }


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_read(request, reference)
    if not has_capability(request.user, Capability.WORK_CASES, case.municipality_id):
        record_read(request.user, case, ReadKind.SHARED)
        return render(request, "cases/shared.html", shared_context(request.user, case))
    record_read(request.user, case, ReadKind.PAGE)
    return render(request, "cases/detail.html", _page_context(request, case))


@login_required
def case_timeline(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)  # the whole history: not part of what is shared
    record_read(request.user, case, ReadKind.TIMELINE)
    return render(request, "cases/timeline.html", {"case": case, "entries": timeline(case)})


@login_required
def pdf(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)
    record_read(request.user, case, ReadKind.PDF)
    response = HttpResponse(case_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}.pdf"'
    return response


@login_required  # the case is fetched through workable_by: 404 for anyone else
def edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)
    form = CaseEditForm(request.POST or None, instance=Case.objects.get(pk=case.pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case_update(
                case=case,
                by=request.user,
                version=data["version"],
                title=data["title"],
                description=data["description"],
                discovery=data["discovery"],
                setting=data["setting"],
                areas=Case.encode_areas(data["areas"]),
            )
        except StaleEdit as error:
            form.add_error(None, error.messages)
            status = 409
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The case was saved."))
            return redirect("cases:detail", reference=case.reference)
    response = render_form(
        request,
        form,
        title=_("Edit %(reference)s") % {"reference": case.reference},
        cancel_url=case_url(case),
    )
    if status == 409:
        response.status_code = 409
    return response


@require_POST
@login_required  # the case is fetched through workable_by: 404 for anyone else
def transition(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)
    form = TransitionForm(request.POST, case=case)
    status = 400
    if form.is_valid():
        try:
            case_transition(
                case=case,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except StaleEdit as error:
            form.add_error(None, error.messages)
            status = 409
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("cases:detail", reference=case.reference)
    context = _page_context(request, case, transition_form=form)
    return render(request, "cases/detail.html", context, status=status)


@require_POST
@login_required  # the case is fetched through workable_by: 404 for anyone else
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    case, works = case_to_add(request, reference, "add_case_note")
    form = NoteForm(request.POST, instance=case.notes.model(case=case, author=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, _("The note was saved."))
        return redirect("cases:detail", reference=case.reference)
    if not works:
        context = shared_context(request.user, case, note_form=form)
        return render(request, "cases/shared.html", context, status=400)
    context = _page_context(request, case, note_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required  # the case is fetched through workable_by: 404 for anyone else
def add_subject(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_to_work(request, reference)
    form = SubjectForm(request.POST or None, instance=case.subjects.model(case=case))
    if request.method == "POST" and form.is_valid():
        if case.subjects.filter(pseudonym=form.cleaned_data["pseudonym"]).exists():
            form.add_error("pseudonym", _("Each pseudonym can appear only once in a case."))
        else:
            form.save()
            messages.success(request, _("The pseudonym was added."))
            return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Add a pseudonym to %(reference)s") % {"reference": case.reference},
        intro=_("Never a name: a word and a letter or number, such as “Elev D”."),
        cancel_url=case_url(case),
    )


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])
