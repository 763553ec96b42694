"""Load the fictitious demo data; safe to run any number of times."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string

from accounts.demo import account_lines
from sutohamu.demo import DEMO_PASSWORD, SEEDERS


class Command(BaseCommand):
    help = "Load the demo organisations, bodies and accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("sv"):
            with transaction.atomic():
                for dotted in SEEDERS:
                    import_string(dotted)()
            if options["verbosity"] < 1:
                return
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for line in account_lines():
                self.stdout.write(line)
