"""Frozen records: the sent agenda and the justered minutes are stored once (content, PDF bytes,
SHA-256) and every reader gets the same bytes, whatever happens to the cases they list; a
correction is a new version and the older stay readable."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from cases.choices import CaseStatus
from cases.models import Case
from meetings import records, services
from meetings.models import AgendaVersion

from .conftest import coordinator_of, last_approved_working_group_meeting

pytestmark = pytest.mark.django_db

# Readers with different access to cases: a coordinator, the police and a co-opted partner.
READERS = ("samordnare.sunne", "kommunpolis", "agera")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def downloads(login, url: str) -> list[bytes]:
    answers = [login(reader).get(url) for reader in READERS]
    assert [a.status_code for a in answers] == [200] * len(READERS)
    return [a.content for a in answers]


def test_the_sent_agenda_is_the_same_bytes_for_every_reader_and_stays(coming, login):
    owner = User.objects.get(username=coordinator_of(coming.host))
    services.agenda_send(meeting=coming, by=owner)
    version = AgendaVersion.objects.get(meeting=coming)
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    url = reverse("meetings:agenda_pdf", args=[coming.pk])
    first = downloads(login, url)
    assert first == [bytes(version.pdf)] * len(READERS)
    text = text_of(first[0])
    listed = [
        line.split(" · ")[0]
        for item in version.content["items"]
        for line in item["lines"]
        if " · " in line
    ]
    assert listed, "the agenda lists the cases due for review"
    assert all(reference in text for reference in listed)
    assert "åtkomst" not in text  # no per-reader count of hidden cases
    # A listed case changes status (it would drop off a live list): the record does not move.
    Case.objects.filter(reference=listed[0]).update(status=CaseStatus.CLOSED)
    assert downloads(login, url) == first
    # Sent again: a new version; the first stays readable.
    services.agenda_send(meeting=coming, by=owner)
    assert coming.agenda_versions.count() == 2
    old = login("agera").get(reverse("meetings:agenda_version_pdf", args=[coming.pk, 1]))
    assert old.content == first[0]
    assert (
        login("agera").get(reverse("meetings:agenda_version_pdf", args=[coming.pk, 3])).status_code
        == 404
    )


def test_justered_minutes_are_the_same_bytes_for_every_reader_and_a_correction_is_new(demo, login):
    meeting = last_approved_working_group_meeting()
    version = meeting.versions.get(number=1)
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    first = downloads(login, url)
    assert first == [bytes(version.pdf)] * len(READERS)
    text = text_of(first[0])
    assert "Protokoll" in text and "åtkomst" not in text
    lines = [line for item in version.content["items"] for line in item["lines"] if " · " in line]
    assert lines, "the minutes keep the review list the meeting had"
    reference = lines[0].split(" · ")[0]
    assert reference in text
    Case.objects.filter(reference=reference).update(status=CaseStatus.CLOSED)
    assert downloads(login, url) == first
    # The record ignores later edits to live rows until a correction is recorded.
    secretary = meeting.secretary or User.objects.get(username="samordnare.sunne")
    item = meeting.items.order_by("position").first()
    second = services.minutes_correct(
        meeting=meeting,
        notes={item.pk: "Rättad anteckning om lägesbilden."},
        decisions={},
        reason="Anteckningen under punkt 1 var ofullständig.",
        by=secretary,
    )
    assert second.number == 2 and second.reason
    now = downloads(login, url)
    assert now == [bytes(second.pdf)] * len(READERS) and now[0] != first[0]
    assert "Rättad anteckning om lägesbilden." in text_of(now[0])
    assert "ofullständig" in text_of(now[0])
    older = login("kommunpolis").get(reverse("meetings:minutes_version_pdf", args=[meeting.pk, 1]))
    assert older.content == first[0]


def test_a_draft_is_the_same_for_every_reader_too(coming, login):
    url = reverse("meetings:agenda_pdf", args=[coming.pk])
    texts = [text_of(pdf) for pdf in downloads(login, url)]
    assert "Utkast" in texts[0] and "åtkomst" not in texts[0]
    strip = [t.split("Utskriven")[0] for t in texts]  # the print time may differ
    assert strip == [strip[0]] * len(READERS)
    assert records.official_case_lines(coming) == records.official_case_lines(coming)
