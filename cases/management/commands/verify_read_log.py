"""Check the read log's hash chain; name the first broken entry and exit non-zero."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import CaseRead
from cases.models.reads import (
    ChainProblem,
    record_check,
    seal_pending,
    verify_chain,
    verify_from_checkpoint,
)


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
        if not options["no_seal"]:
            sealed = seal_pending()
            if sealed:
                self.stdout.write(f"Sealed {sealed} read(s) that had no seal yet.")
        if options["since_checkpoint"]:
            result, _ = verify_from_checkpoint()
        else:
            result = verify_chain()
        if not options["no_record"]:
            record_check(result, full=not options["since_checkpoint"])
        if result.intact:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Read log intact: {result.entries} entries checked, "
                    f"chain head at entry {result.last_seq}."
                )
            )
            return
        read = (
            CaseRead.objects.filter(pk=result.broken_read or 0)
            .values_list("at", "user__username", "case__reference", "kind")
            .first()
        )
        detail = f" ({read[0]:%Y-%m-%d %H:%M:%S}, {read[1]}, {read[2]}, {read[3]})" if read else ""
        raise CommandError(
            f"Read log chain broken at entry {result.broken_seq} "
            f"(read id {result.broken_read}){detail}: {ChainProblem(result.problem).label}. "
            f"Entries up to {result.last_seq} are intact."
        )
