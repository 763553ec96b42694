"""Uploaded documents live in shared storage: PostgreSQL by default, S3 when configured."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile

from councils.models import Agreement, StoredDocument
from councils.storage import DatabaseStorage, private_storage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 undertecknad"


def test_the_agreement_document_is_stored_in_the_database_by_default():
    assert isinstance(private_storage(), DatabaseStorage)
    assert isinstance(Agreement._meta.get_field("document").storage, DatabaseStorage)


def test_a_document_is_read_back_byte_for_byte_and_never_overwritten():
    storage = DatabaseStorage()
    first = storage.save("agreements/avtal.pdf", ContentFile(PDF))
    second = storage.save("agreements/avtal.pdf", ContentFile(b"%PDF-1.4 annan"))
    assert first == "agreements/avtal.pdf" and second != first
    with storage.open(first) as document:
        assert document.read() == PDF
    assert storage.size(first) == len(PDF)
    assert storage.exists(second)
    storage.delete(second)
    assert not storage.exists(second)
    assert StoredDocument.objects.count() == 1


def test_a_missing_document_is_not_found_and_none_has_a_public_url():
    storage = DatabaseStorage()
    with pytest.raises(FileNotFoundError):
        storage.open("agreements/saknas.pdf")
    with pytest.raises(FileNotFoundError):
        storage.size("agreements/saknas.pdf")
    storage.save("agreements/avtal.pdf", ContentFile(PDF))
    with pytest.raises(NotImplementedError):
        storage.url("agreements/avtal.pdf")


def test_upgrading_copies_documents_from_the_old_folder_into_the_database(tmp_path, monkeypatch):
    (tmp_path / "agreements").mkdir()
    (tmp_path / "agreements" / "gammal.pdf").write_bytes(PDF)
    agreement = Agreement.objects.create(title="Äldre avtal", start_date="2024-01-01")
    Agreement.objects.filter(pk=agreement.pk).update(document="agreements/gammal.pdf")
    Agreement.objects.create(title="Utan fil på disken", start_date="2024-01-01", document="x.pdf")
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(tmp_path))
    migration = importlib.import_module("councils.migrations.0009_stored_document")

    migration.import_files_from_the_old_folder(apps, None)
    migration.import_files_from_the_old_folder(apps, None)  # a second run adds nothing

    agreement.refresh_from_db()
    assert agreement.document.read() == PDF
    assert list(StoredDocument.objects.values_list("name", flat=True)) == ["agreements/gammal.pdf"]


def _documents_setting(**env: str) -> subprocess.CompletedProcess:
    code = (
        # The settings alone: the S3 backend itself needs the `s3` extra, not installed here.
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['documents']))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sutohamu.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_document_storage_s3_selects_a_private_object_store_and_a_typo_is_refused():
    s3 = _documents_setting(
        DOCUMENT_STORAGE="s3", S3_BUCKET="sutohamu-dokument", S3_ENDPOINT_URL="https://s3.test"
    )
    assert s3.returncode == 0, s3.stderr
    documents = json.loads(s3.stdout.strip().splitlines()[-1])
    assert documents["BACKEND"] == "storages.backends.s3.S3Storage"
    options = documents["OPTIONS"]
    assert options["bucket_name"] == "sutohamu-dokument"
    assert options["endpoint_url"] == "https://s3.test"
    assert options["default_acl"] == "private" and options["file_overwrite"] is False

    typo = _documents_setting(DOCUMENT_STORAGE="disk")
    assert typo.returncode != 0
    assert "DOCUMENT_STORAGE must be 'database' or 's3'" in typo.stderr
