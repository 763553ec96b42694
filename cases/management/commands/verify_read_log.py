"""Check the read log's hash chain; name the first broken entry and exit non-zero."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.audit import check_read_log


class Command(BaseCommand):
    help = "Verify the read log's hash chain (the whole log, or since the last checkpoint)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since-checkpoint",
            action="store_true",
            help="Check only the entries after the last intact check.",
        )
        parser.add_argument(
            "--no-seal", action="store_true", help="Do not seal reads left without a seal first."
        )
        parser.add_argument(
            "--no-record", action="store_true", help="Do not store the result as a checkpoint."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = check_read_log(
            full=not options["since_checkpoint"],
            record=not options["no_record"],
            seal=not options["no_seal"],
        )
        if outcome.sealed:
            self.stdout.write(f"Sealed {outcome.sealed} read(s) that had no seal yet.")
        if not outcome.intact:
            raise CommandError(outcome.message)  # exit status 1
        self.stdout.write(self.style.SUCCESS(outcome.message))
