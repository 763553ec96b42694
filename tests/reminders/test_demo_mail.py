"""The demo sends mail: its accounts have fictitious example.se addresses, and the sweep run by
`manage.py send_reminders` (no Redis, no worker) shows its mails through the console backend."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.demo import ACCOUNTS, DEMO_MAIL_DOMAIN
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_demo_account_has_a_fictitious_example_address(demo):
    addresses = dict(
        User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", "email")
    )
    assert len(addresses) == len(ACCOUNTS)
    assert DEMO_MAIL_DOMAIN == "example.se"
    for username, address in addresses.items():
        assert address == f"{username}@example.se"


def test_the_demo_sweep_shows_its_mails_on_the_console(demo, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "To: samordnare.sunne@example.se" in out
    assert "Message-ID: <reminder-" in out
