"""Celery tasks of the reminders: the daily sweep and the digest (scheduled by Celery beat).

`acks_late`: the message is acknowledged only after the task returns, so a worker that dies
mid-sweep leaves it to be redelivered; the sweep itself is idempotent (see services.py).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any

from celery import shared_task

from . import services


@shared_task(name="reminders.tasks.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep(day: str | None = None) -> dict[str, Any]:
    today = datetime.date.fromisoformat(day) if day else None
    return asdict(services.sweep(today))


@shared_task(name="reminders.tasks.send_digests", acks_late=True, reject_on_worker_lost=True)
def send_digests(day: str | None = None) -> int:
    return services.send_digests(datetime.date.fromisoformat(day) if day else None)
