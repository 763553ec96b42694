"""The agreement upload parses the file with pypdf: a %PDF- header alone is not a PDF."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from councils.validators import validate_pdf

from .pdfs import FAKE_PDFS, REAL_PDF, real_pdf


def upload(content: bytes, name: str = "avtal.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_real_pdf_is_accepted_and_left_at_its_start():
    file = upload(REAL_PDF)
    validate_pdf(file)
    assert file.read(5) == b"%PDF-"


@pytest.mark.parametrize("name", list(FAKE_PDFS))
def test_what_only_looks_like_a_pdf_is_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf(upload(FAKE_PDFS[name]))
    assert excinfo.value.code == "unreadable_pdf"


def test_a_password_protected_pdf_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf(upload(real_pdf(password="hemligt")))
    assert excinfo.value.code == "unreadable_pdf"


@pytest.mark.parametrize(
    ("content", "name"), [(REAL_PDF, "avtal.docx"), (b"PK\x03\x04zip", "avtal.pdf")]
)
def test_another_kind_of_file_is_refused_before_parsing(content, name):
    with pytest.raises(ValidationError) as excinfo:
        validate_pdf(upload(content, name))
    assert excinfo.value.code == "not_pdf"


def test_the_refusal_is_in_swedish():
    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        validate_pdf(upload(FAKE_PDFS["header only"]))
    assert excinfo.value.messages[0].startswith("Filen är ingen läsbar PDF")
