"""Reduce closed cases past the retention period to their aggregate fields (gallring)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cases.retention import apply_retention, cutoff


class Command(BaseCommand):
    help = "Reduce closed cases older than RETENTION_MONTHS to their aggregate fields."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be reduced and change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = apply_retention(dry_run=options["dry_run"])
        verb = "Would reduce" if run.dry_run else "Reduced"
        self.stdout.write(
            f"{verb} {len(run.references)} case(s) closed before {cutoff():%Y-%m-%d} "
            f"(RETENTION_MONTHS={settings.RETENTION_MONTHS})."
        )
        for reference in run.references:
            self.stdout.write(f"  {reference}")
        for key, n in sorted(run.totals.items()):
            if key != "cases":
                self.stdout.write(f"  {key}: {n}")
