"""Rebuild the desk's read model from the source tables: `manage.py desk_rebuild`.

The write services keep it in step; this is for data written without them (the migration that
created it, data loaded by hand).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.desk_rows import desk_rebuild


class Command(BaseCommand):
    help = "Recompute every case's desk rows from the cases, measures, escalations and plans."

    def handle(self, *args: Any, **options: Any) -> None:
        written = desk_rebuild()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{written} desk rows written.")
