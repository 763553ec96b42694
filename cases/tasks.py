"""Periodic work on cases: retention and the read log's chain (scheduled in settings)."""

from __future__ import annotations

from celery import shared_task

from .models.reads import record_check, seal_pending, verify_chain
from .retention import apply_retention as run_retention


@shared_task(name="cases.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Reduce the closed cases past the retention period; the totals, for the task result."""
    return run_retention().totals


@shared_task(name="cases.tasks.verify_read_log")
def verify_read_log() -> bool:
    """Seal what a crash left unsealed, check the whole chain, keep the result as a checkpoint."""
    seal_pending()
    result = verify_chain()
    record_check(result, full=True)
    return result.intact
