"""Validation of uploaded documents.

pypdf is imported when an upload is first checked, not when the app loads (as WeasyPrint and
SciPy are): about 0.15 s of CPU that every web and reminder worker and every `manage.py` command
paid at start, for the rare upload of a signed agreement."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _parses_as_pdf(upload: File) -> bool:
    """A file that starts with %PDF- may still be anything: read its structure and every page."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return False  # nobody could open the signed agreement without the password
        return len(reader.pages) > 0 and all(page.mediabox is not None for page in reader.pages)
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, OSError):
        return False
    except RecursionError:  # a crafted object graph
        return False
    finally:
        upload.seek(0)


def validate_pdf(upload: File) -> None:
    """Only real PDFs, and not too large: the signed agreement is a scanned document."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_000_000, 1), "limit": round(limit / 1_000_000)},
            code="too_large",
        )
    head = upload.read(5)
    upload.seek(0)
    if not (upload.name or "").lower().endswith(".pdf") or head != b"%PDF-":
        raise ValidationError(_("Only PDF files can be uploaded."), code="not_pdf")
    if not _parses_as_pdf(upload):
        logger.info("agreement upload refused: not a readable PDF")
        raise ValidationError(
            _("The file is not a readable PDF (it may be damaged or password-protected)."),
            code="unreadable_pdf",
        )
