"""WeasyPrint is imported when a PDF is first rendered (sutohamu/pdf.py), SciPy when a report's
suppression first solves (reports/suppression.py), pypdf when an upload is first checked
(councils/validators.py), icalendar when a calendar feed is first made (meetings/feed.py; its
feed tests make one), not when a process loads the app: a web worker or a reminder worker
that does none of these never pays for them. A Celery worker alone imports the solver as it
boots (`worker_init`, reports/apps.py), before its pool forks, so that no build pays for it."""

import os
import subprocess
import sys

from django.conf import settings

LOADS_THE_APP = """
import sys
import django
django.setup()
import sutohamu.urls, sutohamu.celery, cases.tasks, meetings.views, reports.views
print(*(name in sys.modules for name in ("weasyprint", "scipy", "pypdf", "icalendar")))
from sutohamu.pdf import html_to_pdf
pdf = html_to_pdf("<p>Hej</p>")
print("weasyprint" in sys.modules, pdf[:5].decode())
from reports.suppression import System, protect
from tests.reports.test_suppression import table
cells = table([[2, 0, 9], [7, 8, 6]])
hidden = protect(System(cells), free=[c.key for c in cells], limit=5)
print("scipy" in sys.modules, "t|0|0" in hidden)
from django.core.files.base import ContentFile
from councils.validators import validate_pdf
upload = ContentFile(pdf, name="avtal.pdf")
validate_pdf(upload)
print("pypdf" in sys.modules)
"""


BOOTS_A_WORKER = """
import sys
import django
django.setup()
import sutohamu.celery, reports.tasks
print("scipy.optimize" in sys.modules)
from celery.signals import worker_init
worker_init.send(sender=None)
print(all(m in sys.modules for m in ("scipy.sparse", "scipy.sparse.csgraph", "scipy.optimize")))
"""


def printed(code: str) -> list[str]:
    """The lines `code` prints in a fresh Python process that loads the app's settings."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sutohamu.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split("\n")


def test_a_process_imports_heavy_libraries_only_when_it_needs_them():
    assert printed(LOADS_THE_APP)[:4] == [
        "False False False False",
        "True %PDF-",
        "True True",
        "True",
    ]


def test_a_celery_worker_imports_the_solver_as_it_boots_not_on_its_first_build():
    assert printed(BOOTS_A_WORKER)[:2] == ["False", "True"]
