"""Periodic work on cases: retention and the read log's chain (scheduled in settings)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .audit import check_read_log
from .models.reads import SEAL_DELAY, SEAL_WINDOW, seal_pending, seal_queued_done
from .retention import apply_retention as run_retention


@shared_task(name="cases.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Reduce the closed cases past the retention period; the totals, for the task result."""
    return run_retention().totals


@shared_task(name="cases.tasks.verify_read_log")
def verify_read_log() -> bool:
    """Seal what a crash left unsealed, check the whole chain against the last head, keep the
    result as a checkpoint and report it to the data protection officer."""
    return check_read_log(full=True).intact


@shared_task(name="cases.tasks.seal_reads", ignore_result=True)
def seal_reads() -> int:
    """Append the seals of the reads committed since the last run, in id order, in one batch
    under the chain's lock. Enqueued when a read commits (one waiting at a time) and by beat
    every few seconds; reads older than the window are left to the nightly full check."""
    seal_queued_done()
    return seal_pending(since=timezone.now() - SEAL_WINDOW)


def enqueue_seal() -> None:
    """What a committed read calls (through `request_seal`, at most one waiting): the seal task,
    started `SEAL_DELAY` from now so that the reads of the next second join the same run."""
    seal_reads.apply_async(countdown=SEAL_DELAY)
