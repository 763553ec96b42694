"""Validation of uploaded documents."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _


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
