"""Minutes: approval locks them, a correction is a new recorded version with a reason; the PDFs."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from cases.models import Subject
from meetings import services
from meetings.choices import ActionStatus
from meetings.models import ActionItem
from sutohamu import decisions
from tests.demo_objects import nmr_case

from .conftest import last_approved_working_group_meeting

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_approved_minutes_are_locked_and_corrections_are_versions(demo, login):
    meeting = last_approved_working_group_meeting()
    user = User.objects.get(username="samordnare.sunne")
    client = login("samordnare.sunne")
    response = client.post(reverse("meetings:minutes", args=[meeting.pk]), {"note_1": "Ny"})
    assert response.status_code == 409
    assert "låst" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.decision_add(meeting=meeting, text="Sent beslut.", by=user)
    assert refused.value.code == "locked"
    with pytest.raises(ValidationError) as refused:
        services.minutes_correct(meeting=meeting, notes={}, decisions={}, reason=" ", by=user)
    assert refused.value.error_dict["reason"][0].code == "reason_required"

    first = meeting.versions.get(number=1)
    response = client.post(
        reverse("meetings:minutes_correct", args=[meeting.pk]),
        {
            "note_1": "Rättad anteckning.",
            **{f"decision_{d.number}": d.text for d in meeting.decisions.all()},
            "reason": "Fel mötesdatum i anteckningen.",
        },
    )
    assert response.status_code == 302
    second = meeting.versions.get(number=2)
    assert second.reason == "Fel mötesdatum i anteckningen."
    assert second.content["items"][0]["notes"] == "Rättad anteckning."
    first.refresh_from_db()
    assert first.content["items"][0]["notes"] != "Rättad anteckning."  # the approved text stays
    # A correction naming a person is refused like any other free text.
    response = client.post(
        reverse("meetings:minutes_correct", args=[meeting.pk]),
        {"note_1": "Mejla elev.a@example.se", "reason": "Tillägg."},
    )
    assert response.status_code == 400
    assert meeting.versions.count() == 2


@pytest.mark.parametrize("view", ["decision_add", "action_add", "justering"])
def test_the_minutes_write_views_refuse_approved_minutes_with_409(demo, login, view):
    """Each write view refuses a locked meeting before it reads the form; nothing is recorded."""
    meeting = last_approved_working_group_meeting()
    before = (meeting.decisions.count(), meeting.action_items.count(), meeting.checkers.count())
    response = login("samordnare.sunne").post(
        reverse(f"meetings:{view}", args=[meeting.pk]), {"text": "Sent beslut.", "title": "Sent"}
    )
    assert response.status_code == 409
    assert "låst" in response.content.decode()
    after = (meeting.decisions.count(), meeting.action_items.count(), meeting.checkers.count())
    assert after == before


def test_agenda_and_minutes_pdfs(coming, login):
    client = login("samordnare.sunne")
    nmr = nmr_case()
    pages, text = pdf_text(client.get(reverse("meetings:agenda_pdf", args=[coming.pk])).content)
    assert pages >= 1
    assert "SuToHaMu-gruppen" in text and "Kallelse" in text
    assert f"• {nmr.reference}" in text  # a list line begins with its disc (drawn inline)
    assert f"1 / {pages}" in text.replace("Sida ", "")  # page numbers
    pseudonyms = set(Subject.objects.values_list("pseudonym", flat=True))
    assert not any(p in text for p in pseudonyms)
    assert nmr.title not in text

    meeting = last_approved_working_group_meeting()
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages >= 1 and "Protokoll" in text and "SuToHaMu-gruppen" in text
    for reference in meeting.decisions.values_list("reference", flat=True):
        assert reference in text
    assert not any(p in text for p in pseudonyms)


def test_a_decision_is_found_by_its_reference_for_priorities_and_early_closures(demo):
    decision = last_approved_working_group_meeting().decisions.first()
    info = decisions.find(f" {decision.reference.lower()} ")
    assert info is not None
    assert (info.reference, info.body_name) == (decision.reference, "SuToHaMu-gruppen")
    assert info.date == decision.meeting.day and info.url.endswith(f"#beslut-{decision.pk}")
    assert decisions.find("SUTOHAMU-1999-001") is None


def test_an_action_items_status_is_followed_up_after_approval_and_only_from_the_list(demo, login):
    """Following an action up is not editing the minutes; a status outside the list is a 400."""
    item = ActionItem.objects.filter(meeting=last_approved_working_group_meeting()).first()
    assert item is not None
    client = login("samordnare.sunne")
    url = reverse("meetings:action_status", args=[item.pk])
    before = item.status
    refused = client.post(url, {"status": "pigeon"})
    assert refused.status_code == 400
    assert "Välj en status i listan" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == before
    done = next(s for s in ActionStatus.values if s != before)
    assert client.post(url, {"status": done}).status_code == 302
    item.refresh_from_db()
    assert item.status == done
