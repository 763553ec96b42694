"""No browser keeps a signed-in response; every response, static and health check included, carries
the security headers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Case
from councils.models import Agreement
from reports.models import Report, ReportStatus
from tests.councils.test_views_forms import PDF
from tests.demo_objects import nmr_case
from tests.meetings.conftest import next_working_group_meeting

HEADERS = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy")


def _nmr() -> Case:
    return nmr_case()


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _uploaded_agreement(login) -> Agreement:
    agreement = Agreement.objects.get()
    login("admin").post(
        reverse("councils:agreement_upload", args=[agreement.pk]),
        {"document": SimpleUploadedFile("avtal.pdf", PDF, content_type="application/pdf")},
    )
    return agreement


@pytest.mark.parametrize(
    ("username", "address", "content_type"),
    [
        ("samordnare.sunne", lambda: reverse("cases:detail", args=[_nmr().reference]), "text/html"),
        (
            "samordnare.sunne",
            lambda: reverse("cases:pdf", args=[_nmr().reference]),
            "application/pdf",
        ),
        (
            "samordnare.sunne",
            lambda: reverse("cases:timeline", args=[_nmr().reference]),
            "text/html",
        ),
        ("samordnare.sunne", lambda: reverse("cases:export"), "text/csv"),
        (
            "samordnare.sunne",
            lambda: reverse("meetings:agenda_pdf", args=[next_working_group_meeting().pk]),
            "application/pdf",
        ),
        (
            "styrgrupp.sunne",
            lambda: reverse(
                "reports:csv", args=[Report.objects.filter(status=ReportStatus.DONE).first().pk]
            ),
            "text/csv",
        ),
        ("dso", lambda: reverse("cases:read_log"), "text/html"),
    ],
)
def test_case_content_documents_and_exports_are_never_stored(
    login, username, address, content_type
):
    response = login(username).get(address())
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Cache-Control"] == "no-store"


def test_the_agreement_document_is_never_stored(login):
    agreement = _uploaded_agreement(login)
    response = login("agera").get(reverse("councils:agreement_document", args=[agreement.pk]))
    assert response.status_code == 200 and _content(response) == PDF
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_sign_in_page_is_not_forced_to_no_store_but_has_the_headers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    for header in HEADERS:
        assert response[header], header
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_health_check_has_the_security_headers():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    for header in HEADERS:
        assert response[header], header
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_a_static_file_has_the_security_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # served from static/ without a collectstatic
    response = Client().get(settings.STATIC_URL + "css/app.css")
    assert response.status_code == 200
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]
    for header in HEADERS:
        assert response[header], header
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
