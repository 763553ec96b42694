"""Generate the benchmark's data into the configured database: `manage.py bench_generate`.

The database must be empty (migrated) or hold only the demo; the demo is seeded first.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

import reports.demo
from bench import generate_followup, generate_meetings  # noqa: F401 - register their parts
from bench.generate import generate, summary
from bench.scales import SCALES
from cases.desk_rows import desk_rebuild
from cases.models import Case


class Command(BaseCommand):
    help = "Fill the database with generated cases at a scale (small, county, nation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="county")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor",
            type=datetime.date.fromisoformat,
            default=None,
            help="Last day of the generated years (default: today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Case.objects.filter(description__startswith="Genererad").exists():
            raise CommandError("This database already holds generated data; use an empty one.")
        started = time.perf_counter()
        with translation.override("sv"):
            # The demo's status reports are built after the generated data, which fills their
            # periods too: reports published before it would not add up with their linked ones.
            call_command("seed_demo", verbosity=0, without_reports=True)
            context = generate(
                SCALES[options["scale"]],
                options["seed"],
                options["anchor"] or timezone.localdate(),
            )
            desk_rebuild()  # the generator bulk-creates past the services
            reports.demo.seed()
        result = summary(context) | {"seconds": round(time.perf_counter() - started, 1)}
        self.stdout.write(json.dumps(result))
