"""Celery tasks of the reminders: the daily sweep, the digest (scheduled by Celery beat) and one
task per outbox e-mail.

`acks_late`: the message is acknowledged only after the task returns, so a worker that dies
mid-task leaves it to be redelivered; the sweep is idempotent and an outbox row is sent only
while pending (see services.py).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from . import services


def _enqueue(mail_ids: list[int]) -> None:
    for mail_id in mail_ids:
        send_mail.delay(mail_id)


@shared_task(name="reminders.tasks.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep(day: str | None = None) -> dict[str, Any]:
    today = datetime.date.fromisoformat(day) if day else None
    started = timezone.now()
    result = asdict(services.sweep(today, enqueue=_enqueue))
    # Older rows whose task was lost (a worker killed between a batch's commit and the enqueue,
    # or retries given up) go again; a row already sent or being sent is left alone.
    _enqueue(services.pending_mails(created_before=started))
    return result


@shared_task(name="reminders.tasks.send_digests", acks_late=True, reject_on_worker_lost=True)
def send_digests(day: str | None = None) -> int:
    today = datetime.date.fromisoformat(day) if day else None
    return len(services.send_digests(today, enqueue=_enqueue))


@shared_task(
    bind=True,
    name="reminders.tasks.send_mail",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_mail(self: Task, mail_id: int) -> str:
    """Send one outbox row; while the mail server is down, again with exponential back-off."""
    try:
        return services.send_outbox_mail(mail_id)
    except services.TRANSIENT_MAIL_ERRORS as error:
        retries = self.request.retries
        if retries >= settings.REMINDER_MAIL_MAX_RETRIES:
            raise  # the row stays pending; the next sweep enqueues it again
        raise self.retry(exc=error, countdown=services.retry_delay(retries)) from error
