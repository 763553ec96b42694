"""Run the reminder sweep (and the digest) now, in this process, and send the outbox's e-mails
here too: the embedded demo needs no Redis and no worker."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reminders import services


class Command(BaseCommand):
    help = "Send the reminders due today (and, with --digest, the daily digest e-mails)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="Sweep as if it were this day (YYYY-MM-DD).")
        parser.add_argument("--digest", action="store_true", help="Also send the digests.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = datetime.date.fromisoformat(options["day"]) if options["day"] else None
        result = services.sweep(day)
        self.stdout.write(
            f"recorded {result.recorded}, delivered {result.delivered}, "
            f"e-mailed {result.emailed} ({result.batches} batches)"
        )
        if options["digest"]:
            self.stdout.write(f"digests: {len(services.send_digests(day))}")
        self.stdout.write(f"e-mails sent: {services.send_pending()}")
