"""Audit the archive of status reports again; rebuild or withdraw what fails."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.services import reports_audit_archive


class Command(BaseCommand):
    help = "Audit every published status report against its linked reports; rebuild or withdraw."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = reports_audit_archive()
        self.stdout.write(
            f"passed {len(outcome.passed)}, rebuilt {len(outcome.rebuilt)}, "
            f"withdrawn {len(outcome.withdrawn)}"
        )
