"""Uploaded documents: a replaced file is removed (its name and hash stay in the history); nothing
is written to a node's disk; the calendar key never reaches the access log."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from gunicorn.config import Config

from councils.models import Agreement
from councils.storage import private_storage
from sutohamu.gunicorn_logging import MaskingLogger
from tests.councils.test_views_forms import PDF

pytestmark = pytest.mark.django_db


def _upload(client, agreement: Agreement, content: bytes):
    return client.post(
        reverse("councils:agreement_upload", args=[agreement.pk]),
        {"document": SimpleUploadedFile("avtal.pdf", content, content_type="application/pdf")},
    )


@pytest.fixture
def media(settings, tmp_path):
    """The old upload folder: it must stay empty (documents live in the shared storage)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _read(name: str) -> bytes:
    with private_storage().open(name) as stored:
        return stored.read()


def test_a_replaced_document_is_removed_and_its_name_and_hash_stay_in_the_history(
    login, media, django_capture_on_commit_callbacks
):
    agreement = Agreement.objects.get()
    client = login("admin")
    second = PDF.replace(b"%PDF-1.", b"%PDF-1.") + b"\n% signed again\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, agreement, PDF).status_code == 302
    agreement.refresh_from_db()
    first_name = agreement.document.name
    assert agreement.document_sha256 == hashlib.sha256(PDF).hexdigest()

    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, agreement, second).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name != first_name
    assert not private_storage().exists(first_name)
    assert _read(agreement.document.name) == second
    kept = [(h.document, h.document_sha256) for h in agreement.history.order_by("history_date")]
    assert (first_name, hashlib.sha256(PDF).hexdigest()) in kept
    assert (agreement.document.name, hashlib.sha256(second).hexdigest()) in kept


def test_documents_are_written_to_no_node_disk(login, media):
    agreement = Agreement.objects.get()
    assert _upload(login("admin"), agreement, PDF).status_code == 302
    agreement.refresh_from_db()
    assert _read(agreement.document.name) == PDF
    assert not media.exists() or not any(media.rglob("*"))


def test_a_refused_upload_keeps_the_signed_document(login, media):
    agreement = Agreement.objects.get()
    client = login("admin")
    assert _upload(client, agreement, PDF).status_code == 302
    agreement.refresh_from_db()
    name = agreement.document.name
    assert _upload(client, agreement, b"not a pdf").status_code == 400
    agreement.refresh_from_db()
    assert agreement.document.name == name and _read(name) == PDF


def test_the_calendar_key_is_masked_in_the_access_log():
    key = uuid.uuid4()
    path = f"/moten/kalender/{key}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://sutohamu.example{path}",
    }
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    request = SimpleNamespace(headers=[("HOST", "sutohamu.example")])
    atoms = MaskingLogger(Config()).atoms(
        response, request, environ, datetime.timedelta(milliseconds=5)
    )
    line = Config().access_log_format % atoms
    assert str(key) not in line and key.hex not in " ".join(map(str, atoms.values()))
    assert "GET /moten/kalender/[key].ics HTTP/1.1" in line
    assert atoms["U"] == "/moten/kalender/[key].ics" and "[key]" in atoms["f"]
    assert atoms["{raw_uri}e"] == "/moten/kalender/[key].ics"


def test_gunicorn_is_configured_with_the_masking_logger():
    from django.conf import settings

    config = (settings.BASE_DIR / "gunicorn.conf.py").read_text()
    assert 'logger_class = "sutohamu.gunicorn_logging.MaskingLogger"' in config
