"""WeasyPrint is imported when a PDF is first rendered (sutohamu/pdf.py), SciPy and NumPy when a
report's suppression first solves (reports/suppression.py, sutohamu/lazy.py), pypdf when an upload
is first checked (councils/validators.py), icalendar when a calendar feed is first made
(meetings/feed.py; its feed tests make one), pygal when a chart is first drawn
(sutohamu/charts.py), holidays when working days are first counted (sutohamu/workdays.py), not
when a process loads the app: a web worker or a reminder worker that does none of these never
pays for them. A Celery worker alone imports the solver as it
boots (`worker_init`, reports/apps.py), before its pool forks, so that no build pays for it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

# One process loads the app (its start-up is most of this file's cost), then forks: the child
# boots a worker (worker_init) and the parent goes on as a web process, each from the state the
# app's load left, neither seeing what the other imported.
LOADS_THE_APP = """
import os, sys
import django
django.setup()
import sutohamu.urls, sutohamu.celery, cases.tasks, meetings.views, reports.views, reports.tasks
LAZY = ("weasyprint", "scipy", "pypdf", "icalendar", "numpy", "pygal", "holidays")
print(*(name in sys.modules for name in LAZY))
print("scipy.optimize" in sys.modules)
sys.stdout.flush()
child = os.fork()
if child == 0:
    from celery.signals import worker_init
    worker_init.send(sender=None)
    modules = ("scipy.sparse", "scipy.sparse.csgraph", "scipy.optimize")
    print("worker:", all(m in sys.modules for m in modules), flush=True)
    os._exit(0)
_, status = os.waitpid(child, 0)
print("worker exit:", os.waitstatus_to_exitcode(status))
from sutohamu.pdf import html_to_pdf
pdf = html_to_pdf("<p>Hej</p>")
print("weasyprint" in sys.modules, pdf[:5].decode())
from reports.suppression import System, protect
from tests.reports.test_suppression import table
cells = table([[2, 0, 9], [7, 8, 6]])
hidden = protect(System(cells), free=[c.key for c in cells], limit=5)
print("scipy" in sys.modules, "numpy" in sys.modules, "t|0|0" in hidden)
from django.core.files.base import ContentFile
from councils.validators import validate_pdf
upload = ContentFile(pdf, name="avtal.pdf")
validate_pdf(upload)
print("pypdf" in sys.modules)
from sutohamu.charts import chart, render
drawn = chart("bar", key="k", title="Lägesbild")
drawn.add("Sunne", [1, 2])
svg = render(drawn)
print("pygal" in sys.modules, svg.startswith("<svg"))
import datetime
from sutohamu.workdays import add_working_days
friday = datetime.date(2026, 12, 4)
monday = add_working_days(friday, 1)
print("holidays" in sys.modules, monday.isoformat())
"""


@pytest.fixture(scope="module")
def printed() -> list[str]:
    """The lines LOADS_THE_APP prints in a fresh Python process that loads the app's settings."""
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
    return done.stdout.split("\n")


def test_a_process_imports_heavy_libraries_only_when_it_needs_them(printed):
    app_loaded, *_ = printed
    assert app_loaded == "False False False False False False False"
    assert printed[4:10] == [
        "True %PDF-",
        "True True True",
        "True",
        "True True",
        "True 2026-12-07",
        "",
    ]


def test_a_celery_worker_imports_the_solver_as_it_boots_not_on_its_first_build(printed):
    # Loaded, with the worker's tasks: no solver yet; the worker's boot (worker_init) imports it.
    assert printed[1:4] == ["False", "worker: True", "worker exit: 0"]
