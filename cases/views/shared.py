"""What the case pages show: the whole case to its municipality, the shared part to a receiver."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import QuerySet

from accounts.models import User

from ..access import escalations_shared_with, measures_of, subjects_shared_with
from ..forms import NoteForm, ProposalAcceptForm, TransitionForm
from ..models import Case, Consent, Escalation, Measure, Note, ProposedMeasure, Subject
from ..rights import Right
from ..selectors import flags_for, open_proposals, overdue_ids


def page_context(case: Case, **extra: Any) -> dict[str, Any]:
    """The owning municipality's page: everything, read once per kind, and only when a part is
    rendered (the template calls these; a part served from the cache reads nothing)."""

    @cache
    def consents() -> list[Consent]:
        return list(case.consents.select_related("subject").prefetch_related("organisations"))

    @cache
    def measures() -> list[Measure]:
        return list(case.measures.select_related("responsible"))

    @cache
    def overdue() -> set[int]:
        return overdue_ids(measures())

    @cache
    def proposals() -> list[tuple[ProposedMeasure, ProposalAcceptForm]]:
        return [(p, ProposalAcceptForm(prefix=f"accept-{p.pk}")) for p in open_proposals(case)]

    # The related querysets too: building one (select_related, the filter on the case) is ORM
    # work a page served from the cache never needs.
    @cache
    def subjects() -> QuerySet[Subject]:
        return case.subjects.select_related("residence")

    @cache
    def notes() -> QuerySet[Note]:
        return case.notes.select_related("author")

    @cache
    def escalations() -> QuerySet[Escalation]:
        return case.escalations.select_related("receiver").order_by("-created_at")

    transition_form = extra.pop("transition_form", None)
    note_form = extra.pop("note_form", None)
    return {
        "case": case,
        "can_work": case.access.works,
        "subjects": subjects,
        "measures": measures,
        "overdue_ids": overdue,
        "consents": consents,
        "notes": notes,
        "escalations": escalations,
        "proposals": proposals,
        "flags": lambda: flags_for(case, consents()),
        # The forms too only when their part is rendered (a form given is one with errors).
        "transition_form": (lambda: transition_form)
        if transition_form
        else cache(lambda: TransitionForm(case=case)),
        "note_form": (lambda: note_form) if note_form else cache(lambda: NoteForm()),
        **extra,
    }


def shared_context(user: User, case: Case, **extra: Any) -> dict[str, Any]:
    """The problem picture, the pseudonyms shared with the person's organisations, and the
    measures and notes they added themselves."""
    escalations = escalations_shared_with(user, case)
    measures = list(measures_of(case, user).select_related("responsible"))
    return {
        "case": case,
        "escalations": escalations,
        "subjects": subjects_shared_with(user, case),
        "measures": measures,
        "overdue_ids": overdue_ids(measures),
        "notes": case.notes.filter(author=user),
        "can_add_measure": case.access.can(Right.ADD_MEASURE),
        "can_add_note": case.access.can(Right.ADD_NOTE),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        **extra,
    }
