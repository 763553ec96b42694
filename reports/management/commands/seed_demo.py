"""Load the fictitious demo data; safe to run any number of times.

The command lives in the top app so that it can call every app's seeder directly, in order,
without a registry or dotted strings (councils before accounts' people, the cooperation after
them, cases before meetings, reminders' follow-up story after the meetings' decisions).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

import accounts.demo
import cases.demo
import cases.demo_escalations
import councils.demo
import meetings.demo
import reminders.demo
import reports.demo
from accounts.demo import account_lines
from cases.desk_rows import desk_deferred, desk_rebuild
from sutohamu.demo import DEMO_PASSWORD

SEEDERS = (
    councils.demo.seed,
    accounts.demo.seed,
    councils.demo.seed_cooperation,
    cases.demo.seed,
    cases.demo_escalations.seed,
    meetings.demo.seed,
    reminders.demo.seed,
    reports.demo.seed,  # last: its figures count what the others made
)


class Command(BaseCommand):
    help = "Load the demo organisations, bodies and accounts (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--without-reports",
            action="store_true",
            help="Leave out the status reports (the benchmark builds them after its own data).",
        )
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="Migrate the database first (make run: one process, one start-up, for both).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("migrate"):
            call_command("migrate", interactive=False, verbosity=0)
        seeders = SEEDERS[:-1] if options.get("without_reports") else SEEDERS
        with translation.override("sv"):
            with transaction.atomic():
                # Each case is written many times over; its desk rows are made once, at the end.
                with desk_deferred():
                    for seed in seeders:
                        seed()
                # The demo writes some rows past the services (backdated measures, plans).
                desk_rebuild()
            if options["verbosity"] < 1:
                return
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for line in account_lines():
                self.stdout.write(line)
