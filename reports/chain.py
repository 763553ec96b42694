"""The report download log's hash chain, checked and anchored beside the read log's.

`verify_read_log` (and the nightly task) checks every registered chain whole and against the
head its last full check recorded (cases/models/reads.py); this is how the download log is read.
"""

from __future__ import annotations

from cases.models.reads import ChainProblem, ChainResult

from .models import DOWNLOAD_GENESIS, ReportDownload, download_digest

CHAIN = "downloads"
BATCH = 5000


def verify_downloads() -> ChainResult:
    """Recompute the chain from its start; stop at the first entry that does not fit."""
    seq, previous, entries = 0, DOWNLOAD_GENESIS, 0
    rows = ReportDownload.objects.order_by("seq").values_list(
        "seq", "pk", "report_id", "user_id", "at", "kind", "digest"
    )
    for row_seq, pk, report_id, user_id, at, kind, digest in rows.iterator(chunk_size=BATCH):
        problem = ""
        if row_seq != seq + 1:
            problem = ChainProblem.GAP
        elif download_digest(previous, row_seq, report_id, user_id, at, kind) != bytes(digest):
            problem = ChainProblem.ALTERED
        if problem:
            return ChainResult(False, entries, seq, previous, problem, row_seq, pk)
        seq, previous, entries = row_seq, bytes(digest), entries + 1
    return ChainResult(True, entries, seq, previous)


def download_seal_at(seq: int) -> tuple[int | None, bytes] | None:
    row = ReportDownload.objects.filter(seq=seq).values_list("pk", "digest").first()
    return (row[0], bytes(row[1])) if row else None
