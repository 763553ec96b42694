"""What a receiver of an escalation sees of a case: the shared part, never more."""

from __future__ import annotations

from accounts.capabilities import Capability, has_object_grant, organisation_ids_with
from accounts.models import User

from ..forms import NoteForm
from ..models import Case, Subject


def shared_context(user: User, case: Case, **extra: object) -> dict:
    """The problem picture, the pseudonyms shared with the person's organisations, and the
    measures and notes they added themselves."""
    own = organisation_ids_with(user, Capability.REVIEW_ESCALATIONS)
    escalations = case.escalations.open().filter(receiver_id__in=own).select_related("receiver")
    return {
        "case": case,
        "escalations": escalations,
        "subjects": Subject.objects.filter(escalations__in=escalations)
        .distinct()
        .select_related("residence"),
        "measures": case.measures.filter(responsible_id__in=own).select_related("responsible"),
        "notes": case.notes.filter(author=user),
        "can_add_measure": has_object_grant(user, "cases.add_case_measure", case),
        "can_add_note": has_object_grant(user, "cases.add_case_note", case),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        **extra,
    }
