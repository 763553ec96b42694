"""PDFs for upload tests: a real one (one blank A4 page, made by pypdf) and impostors."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def real_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


REAL_PDF = real_pdf()
# Starts like a PDF and is not one: what the old header check let through.
FAKE_PDFS = {
    "header only": b"%PDF-1.4\n",
    "header and text": b"%PDF-1.4\nDet h\xe4r \xe4r ingen PDF.\n%%EOF\n",
    "empty trailer": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "cut in half": REAL_PDF[: len(REAL_PDF) // 2],
    "script": b"%PDF-<script>alert(1)</script>",
}
