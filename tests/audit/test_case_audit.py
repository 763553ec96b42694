"""The officer's secrecy log of one case: every read and change, as a page and a PDF."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from accounts.models import User
from cases.audit import ACTIONS, case_audit
from cases.choices import ReadKind
from cases.models import Case, CaseRead, Note
from cases.services import note_add
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db

NOTE = "Mentorn ringer hem till familjen."


@pytest.fixture
def activity(demo) -> Case:
    case = nmr_case()
    coordinator = User.objects.get(username="samordnare2.sunne")
    CaseRead.objects.create(user=coordinator, case=case, kind=ReadKind.PAGE)
    CaseRead.objects.create(user=coordinator, case=case, kind=ReadKind.PDF)
    note_add(case=case, text=NOTE, by=coordinator)
    return case


def test_the_audit_lists_reads_and_changes(activity):
    with translation.override("en"):
        audit = case_audit(User.objects.get(username="dso"), activity.reference)
        mine = [str(e.action) for e in audit.reads if e.who.username == "samordnare2.sunne"]
        kinds = {(str(e.what), str(e.action)) for e in audit.changes}
    assert mine == ["Case page", "PDF"]
    assert ("note", "created") in kinds and ("case", "created") in kinds
    assert ("status change", "Reported → Being assessed") in kinds
    assert [e.when for e in audit.entries] == sorted(e.when for e in audit.entries)


def test_the_period_bounds_the_audit(activity):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    audit = case_audit(User.objects.get(username="dso"), activity.reference, end=yesterday)
    assert not [e for e in audit.reads if e.who.username == "samordnare2.sunne"]
    assert all(timezone.localtime(e.when).date() <= yesterday for e in audit.entries)
    today = case_audit(
        User.objects.get(username="dso"), activity.reference, start=timezone.localdate()
    )
    assert len(today.reads) == 2
    notes = [e for e in today.changes if e.what == Note._meta.verbose_name]
    assert [(e.who.username, e.action) for e in notes] == [("samordnare2.sunne", ACTIONS["+"])]


def test_the_officer_gets_page_and_pdf_without_case_text(activity, login):
    client = login("dso")
    query = {"reference": activity.reference.lower()}
    page = client.get(reverse("cases:case_audit"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert activity.reference in html and "samordnare2.sunne" in html
    assert activity.title not in html and NOTE not in html

    response = client.get(reverse("cases:case_audit_pdf"), query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert activity.reference in text
    assert text.count("samordnare2.sunne") >= 3  # two reads and the note
    assert "dso" in text  # who printed it
    assert activity.title not in text and NOTE not in text
    assert activity.description[:30] not in text


def _pdf_text(response) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_without_dates_covers_all_time(activity, login):
    client = login("dso")
    query = {"reference": activity.reference}
    text = _pdf_text(client.get(reverse("cases:case_audit_pdf"), query))
    assert "Period: hela tiden" in text and "– – –" not in text
    since = {**query, "date_from": "2026-01-01"}
    assert "Period: 2026-01-01 – –" in _pdf_text(client.get(reverse("cases:case_audit_pdf"), since))


@pytest.mark.parametrize(
    "query",
    [
        {"reference": "SUN-2026-0001", "date_to": "9999-12-31"},
        {"reference": "SUN-2026-0001", "date_from": "2026-05-10", "date_to": "2026-05-01"},
        {"reference": ""},
    ],
)
def test_bad_input_is_a_400(login, query):
    client = login("dso")
    assert client.get(reverse("cases:case_audit"), query).status_code == 400
    assert client.get(reverse("cases:case_audit_pdf"), query).status_code == 400


def test_an_unknown_reference_is_a_404(login):
    client = login("dso")
    assert (
        client.get(reverse("cases:case_audit"), {"reference": "SUN-1999-0001"}).status_code == 404
    )


@pytest.mark.parametrize("username", ["samordnare.sunne", "admin", "kommunpolis"])
def test_nobody_else_gets_the_audit(activity, login, username):
    client = login(username)
    query = {"reference": activity.reference}
    for name in ("cases:case_audit", "cases:case_audit_pdf"):
        response = client.get(reverse(name), query)
        assert response.status_code == 404
        assert activity.reference not in response.content.decode(errors="ignore")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("cases:case_audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
