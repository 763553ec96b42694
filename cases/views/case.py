"""The case page, its timeline and PDF, and changes to the case: every case through the door."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.capabilities import fragment_scope
from sutohamu.fragments import MINUTE_SECONDS, Page
from sutohamu.http import AuthenticatedHttpRequest, render_form, save_form

from ..access import case_for
from ..choices import ReadKind
from ..forms import CaseEditForm, NoteForm, ReassignForm, SubjectForm
from ..models import Case
from ..pdf import case_pdf
from ..rights import Right
from ..services import (
    SubjectData,
    case_reassign,
    case_update,
    note_add,
    subject_add,
)
from ..timeline import timeline
from ..versions import case_version
from .shared import page_context, shared_context

# cases/detail.html keeps the whole page as one part ("case.page", per minute: the escalations'
# part words the time waited) over its parts (case.head, case.measures, ...), each under the
# case's version and the person's scope: a hit is one cache read and one node to render; a miss
# (a write bumped the version, or a new minute) renders the page from the parts still kept.


@login_required
def detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    # The parts' versions before any row (sutohamu.fragments); the door logs the read every time.
    minute = timezone.localtime().strftime("%H:%M")
    parts = Page(
        versions=[case_version(reference)],
        scope=fragment_scope(request.user),
        parts=(("case.page", [minute]),),
    )
    case = case_for(request.user, reference, log=ReadKind.PAGE)
    if not case.access.works:
        # A receiver's part depends on what each escalation shares: not cached.
        return render(request, "cases/shared.html", shared_context(request.user, case))
    context = page_context(case, parts=parts, minute=minute, minute_seconds=MINUTE_SECONDS)
    return render(request, "cases/detail.html", context)


@login_required
def case_timeline(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    # The whole history: not part of what an escalation shares. Every write that adds an entry
    # goes through `case_written`, which bumps the case's version: the entries are one cached
    # part under it, read only on a miss (the versions first, before any row; the read logged).
    parts = Page(versions=[case_version(reference)], scope=fragment_scope(request.user))
    case = case_for(request.user, reference, need=Right.WORK, log=ReadKind.TIMELINE)
    entries = cache(lambda: timeline(case))
    return render(
        request, "cases/timeline.html", {"case": case, "entries": entries, "parts": parts}
    )


@login_required
def pdf(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK, log=ReadKind.PDF)
    response = HttpResponse(case_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}.pdf"'
    return response


@login_required
def edit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    # The form shows the title and description: reading them is logged like the page.
    log = ReadKind.EDIT if request.method == "GET" else None
    case = case_for(request.user, reference, need=Right.WORK, log=log)
    form = CaseEditForm(request.POST or None, instance=case)
    if save_form(
        request,
        form,
        lambda data: case_update(
            case=case,
            by=request.user,
            version=data["version"],
            title=data["title"],
            description=data["description"],
            discovery=data["discovery"],
            setting=data["setting"],
            areas=Case.encode_areas(data["areas"]),
        ),
        done=_("The case was saved."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Edit %(reference)s") % {"reference": case.reference},
        cancel_url=case_url(case),
        template="cases/case_form.html",
    )


@require_POST
@login_required
def add_note(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.ADD_NOTE)
    form = NoteForm(request.POST)
    if save_form(
        request,
        form,
        lambda data: note_add(case=case, text=data["text"], by=request.user),
        done=_("The note was saved."),
    ):
        return redirect("cases:detail", reference=case.reference)
    if not case.access.works:
        context = shared_context(request.user, case, note_form=form)
        return render(request, "cases/shared.html", context, status=400)
    return render(request, "cases/detail.html", page_context(case, note_form=form), status=400)


@login_required
def add_subject(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference, need=Right.WORK)
    form = SubjectForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: subject_add(case=case, data=SubjectData(**data), by=request.user),
        done=_("The pseudonym was added."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Add a pseudonym to %(reference)s") % {"reference": case.reference},
        intro=_("Never a name: a word and a letter or number, such as “Elev D”."),
        cancel_url=case_url(case),
    )


@login_required
def reassign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """A coordinator gives the case to another coordinator of the municipality, with a reason."""
    case = case_for(request.user, reference, need=Right.WORK)
    form = ReassignForm(request.POST or None, case=case)
    if save_form(
        request,
        form,
        lambda data: case_reassign(
            case=case,
            owner=data["owner"],
            by=request.user,
            reason=data["reason"],
        ),
        done=_("The case has a new owner."),
    ):
        return redirect("cases:detail", reference=case.reference)
    return render_form(
        request,
        form,
        title=_("Change the owner of %(reference)s") % {"reference": case.reference},
        intro=_("The new owner is notified; the reason is kept in the case's history."),
        cancel_url=case_url(case),
        submit_label=_("Change owner"),
    )


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])
