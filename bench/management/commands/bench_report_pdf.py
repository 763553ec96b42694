"""Render one report's PDF in this process and print its time, pages and peak memory as JSON.

`bench_extra` runs it as a process of its own, so that the peak is the rendering's (Django,
WeasyPrint and the document), not that of the process that built the figures just before. The
time is the document's alone: WeasyPrint's import and font set-up come before it, as they come
before the plain document that the time is compared with.
"""

from __future__ import annotations

import io
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from pypdf import PdfReader

from reports.models import Report
from reports.output import report_pdf
from sutohamu.pdf import html_to_pdf


def peak_mib() -> float:
    """This process's peak resident size (VmHWM). Not `getrusage`: its ru_maxrss survives
    `execve`, so a process started by the builder would report the builder's heap."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class Command(BaseCommand):
    help = "Render a report's PDF; print seconds, pages and peak MiB as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        report = Report.objects.get(pk=options["report"])
        # WeasyPrint imported and its fonts set up first, as `bench_extra` does before it times
        # the plain document (about 0.5 s of CPU that a worker pays once, not per document).
        html_to_pdf('<html lang="sv"><p>SuToHaMu</p></html>')
        started = time.perf_counter()
        pdf = report_pdf(report)
        seconds = time.perf_counter() - started
        out = {
            "seconds": round(seconds, 2),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "peak_mib": peak_mib(),
        }
        self.stdout.write(json.dumps(out))
