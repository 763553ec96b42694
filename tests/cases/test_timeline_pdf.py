"""The timeline gathers the case's records in order; the PDF is parsed, never compared."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Note
from cases.pdf import case_pdf
from cases.timeline import timeline
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db


def test_timeline_has_transitions_measures_consent_and_notes_in_order(login):
    case = nmr_case()
    login("samordnare.sunne").post(
        reverse("cases:add_note", args=[case.reference]), {"text": "Möte med elevhälsan."}
    )
    entries = timeline(case)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "Status" and entries[0].text == "Inkommen"
    assert "Insats tillagd" in kinds and "Samtycke" in kinds
    assert entries[-1].kind == "Anteckning" and entries[-1].text == "Möte med elevhälsan."
    # By day; an entry known only by its day after that day's timed ones (issue 11, point 11).
    keys = [e.sort_key() for e in entries]
    assert keys == sorted(keys)
    assert Note.objects.get(case=case).author.username == "samordnare.sunne"


def test_the_timeline_page_lists_them(login):
    case = nmr_case()
    body = login("samordnare.sunne").get(reverse("cases:timeline", args=[case.reference]))
    text = body.content.decode()
    assert "Inkommen → Under bedömning" in text and "Status: Inkommen" not in text
    assert "Personalutbildning" in text


def test_case_pdf_holds_the_problem_picture_measures_and_timeline(demo):
    case = nmr_case()
    data = case_pdf(case)
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert case.reference in text
    assert "NMR lockar unga" in text
    assert "Elev C" in text
    assert "Ärendehandledning" in text and "Agera Värmland" in text
    assert "Avidentifierad ärendesammanfattning" in text


def test_pdf_download_through_the_view(login):
    case = nmr_case()
    response = login("samordnare.sunne").get(reverse("cases:pdf", args=[case.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert case.reference in text
