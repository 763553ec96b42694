"""The outbox: an e-mail per reminder (or per digest) with an idempotency key and a stable
Message-ID; a mail server that is down leaves the notification in place and the mail pending."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from reminders.models import MailState, OutboxMail
from reminders.services import message_id, retry_delay, send_outbox_mail, send_pending, sweep
from tests.reminders.conftest import Town, followup_case

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_each_mail_has_a_message_id_made_from_its_idempotency_key(town: Town):
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    sweep(timezone.localdate())
    outgoing = OutboxMail.objects.get()
    assert outgoing.key.startswith("reminder-")
    send_pending()
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == message_id(outgoing.key)
    assert message.message()["Message-ID"] == message_id(outgoing.key)
    assert message_id(outgoing.key) == message_id(outgoing.key)


def test_a_mail_server_that_is_down_leaves_the_notification_and_the_mail_pending(
    town: Town, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    sweep(timezone.localdate())
    assert Notification.objects.filter(user=town.owner).count() == 1
    outgoing = OutboxMail.objects.get()
    with pytest.raises(ConnectionRefusedError):
        send_outbox_mail(outgoing.pk)
    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts) == (MailState.PENDING, 1)
    assert "ConnectionRefusedError" in outgoing.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_outbox_mail(outgoing.pk) == MailState.SENT
    assert len(mail.outbox) == 1
    assert send_outbox_mail(outgoing.pk) == ""  # sent: never again
    assert len(mail.outbox) == 1


def test_the_back_off_doubles_up_to_its_cap(settings):
    settings.REMINDER_MAIL_RETRY_BASE, settings.REMINDER_MAIL_RETRY_MAX = 30, 3600
    assert [retry_delay(n) for n in range(9)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
