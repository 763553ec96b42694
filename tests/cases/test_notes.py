"""A working note on a case (cases.services.note_add): stripped, with its author, and checked
by the model's own rules before it is stored, whoever calls the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.models import Note
from cases.services import note_add
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_a_note_is_stored_stripped_with_its_author(coordinator):
    user, town = coordinator
    note = note_add(case=CaseFactory(municipality=town), text="  Samtal med skolan  ", by=user)
    assert (note.text, note.author) == ("Samtal med skolan", user)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Eleven har personnummer 19121212-1212.", "personal_data"),  # the guard of the field
        ("   ", "blank"),  # nothing left once stripped
    ],
)
def test_a_note_the_model_refuses_is_refused_by_the_service_and_not_stored(coordinator, text, code):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    with pytest.raises(ValidationError) as excinfo:
        note_add(case=case, text=text, by=user)
    assert code in codes(excinfo.value)
    assert not Note.objects.filter(case=case).exists()
