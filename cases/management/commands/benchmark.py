"""Time the hot pages against a throwaway database with many cases; exit 1 over a target.

Timing targets live here, never in the unit tests. Run with `make bench` (PostgreSQL).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse

from accounts.models import Organisation, User
from cases.models import Case, CaseCounter

# page -> 95th-percentile target in milliseconds
TARGETS_MS = {
    "desk": 400,
    "desk filtered": 400,
    "case page": 250,
    "timeline": 250,
    "intake": 400,
    "export": 3000,
}


class Command(BaseCommand):
    help = "Benchmark the desk, case page, timeline, intake and export with many cases."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        # A database of its own, so that a benchmark never clobbers a running test suite's.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            results = self._run(options["cases"], options["runs"])
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        failed = [name for name, p95 in results.items() if p95 > TARGETS_MS[name]]
        if failed:
            raise CommandError(f"over target: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS("All pages within their targets."))

    def _run(self, count: int, runs: int) -> dict[str, float]:
        call_command("seed_demo", verbosity=0)
        self._bulk_cases(count)
        client = Client()
        client.force_login(User.objects.get(username="samordnare.sunne"))
        case = Case.objects.get(title="NMR lockar unga på gymnasiet")
        sunne = case.municipality_id
        pages = {
            "desk": lambda: client.get(reverse("cases:desk")),
            "desk filtered": lambda: client.get(reverse("cases:desk"), {"area": "vbe"}),
            "case page": lambda: client.get(reverse("cases:detail", args=[case.reference])),
            "timeline": lambda: client.get(reverse("cases:timeline", args=[case.reference])),
            "intake": lambda: client.post(
                reverse("cases:report"),
                {
                    "municipality": sunne,
                    "areas": ["crime"],
                    "setting": "school",
                    "title": "Benchmark",
                    "description": "Mätning.",
                    "subjects-TOTAL_FORMS": 0,
                    "subjects-INITIAL_FORMS": 0,
                },
            ),
            "export": lambda: client.get(reverse("cases:export")),
        }
        self.stdout.write(f"{Case.objects.count()} cases; {runs} runs per page")
        self.stdout.write(f"{'page':<15}{'median ms':>10}{'p95 ms':>10}{'target':>10}")
        results = {}
        for name, request in pages.items():
            request()  # warm up
            timings = []
            for _ in range(runs if name != "export" else max(3, runs // 10)):
                start = time.perf_counter()
                response = request()
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code in (200, 302), (name, response.status_code)
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            results[name] = p95
            self.stdout.write(
                f"{name:<15}{statistics.median(timings):>10.1f}{p95:>10.1f}{TARGETS_MS[name]:>10}"
            )
        return results

    def _bulk_cases(self, count: int) -> None:
        sunne = Organisation.objects.get(code="SUN")
        owner_id = Case.objects.filter(municipality=sunne).values_list("owner", flat=True)[0]
        reporter_id = Case.objects.values_list("reported_by", flat=True)[0]
        year = 2020  # a year of its own, so the numbers do not collide with the demo's
        Case.objects.bulk_create(
            Case(
                municipality=sunne,
                year=year,
                number=n,
                reference=f"SUN-{year}-{n:04d}",
                areas=[",vbe,", ",crime,", ",andt,crime,"][n % 3],
                setting="school",
                title=f"Problembild {n}",
                description="Genererad för mätning.",
                status=["reported", "assessing", "measures", "follow_up", "closed"][n % 5],
                owner_id=owner_id,
                reported_by_id=reporter_id,
            )
            for n in range(1, count + 1)
        )
        CaseCounter.objects.update_or_create(
            municipality=sunne, year=year, defaults={"last_number": count}
        )
