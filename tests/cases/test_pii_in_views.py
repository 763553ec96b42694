"""Personal data is refused in every free-text field of the case views, with the input kept."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from cases.models import Case, Measure, Note
from tests.demo_objects import nmr_case
from tests.sutohamu.test_pii import with_check_digit

PNR = with_check_digit("850412238")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "text", "label"),
    [
        ("title", f"Elev {PNR}", "Problembild"),
        ("description", "Ring mamman på 070-123 45 67", "Beskrivning"),
        ("discovery", "Tips från lärare.exempel@skola.se", "Hur det upptäcktes"),
    ],
)
def test_intake_refuses_personal_data_and_says_which_field(login, field, text, label):
    data = {
        "municipality": Organisation.objects.get(code="SUN").pk,
        "areas": ["vbe"],
        "setting": "school",
        "title": "Propaganda",
        "description": "Klistermärken",
        "discovery": "",
        "subjects-TOTAL_FORMS": 0,
        "subjects-INITIAL_FORMS": 0,
    }
    data[field] = text
    count = Case.objects.count()
    response = login("samordnare.sunne").post(reverse("cases:report"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"”{label}” verkar innehålla" in body
    assert Case.objects.count() == count


def test_a_note_with_a_personnummer_is_refused(login):
    case = nmr_case()
    response = login("samordnare.sunne").post(
        reverse("cases:add_note", args=[case.reference]), {"text": f"Personnr {PNR}"}
    )
    assert response.status_code == 400
    assert "personnummer" in response.content.decode()
    assert not Note.objects.filter(case=case).exists()


def test_a_measure_outcome_with_an_email_is_refused(login):
    case = nmr_case()
    measure = case.measures.first()
    response = login("samordnare.sunne").post(
        reverse("cases:measure_edit", args=[case.reference, measure.pk]),
        {
            "kind": measure.kind,
            "responsible": measure.responsible_id,
            "status": "done",
            "outcome": "Kontakt via foralder@example.se",
        },
    )
    assert response.status_code == 400
    assert "e-postadress" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).outcome == ""


def test_a_closing_reason_with_a_phone_number_is_refused(login):
    case = nmr_case()
    case.status = "follow_up"
    case.save()
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "closed", "reason": "Ring 070-1234567", "version": case.version},
    )
    assert response.status_code == 400
    assert "telefonnummer" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "follow_up"
