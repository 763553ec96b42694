"""WeasyPrint is imported when a PDF is first rendered, not when a process loads the app
(sutohamu/pdf.py): a web worker or a reminder worker that renders nothing never pays for it."""

import os
import subprocess
import sys

from django.conf import settings

LOADS_THE_APP = """
import sys
import django
django.setup()
import sutohamu.urls, sutohamu.celery, cases.tasks, meetings.views, reports.views
print("weasyprint" in sys.modules)
from sutohamu.pdf import html_to_pdf
pdf = html_to_pdf("<p>Hej</p>")
print("weasyprint" in sys.modules, pdf[:5].decode())
"""


def test_a_process_imports_weasyprint_only_when_it_renders_a_pdf():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sutohamu.settings"}
    done = subprocess.run(
        [sys.executable, "-c", LOADS_THE_APP],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["False", "True %PDF-"]
