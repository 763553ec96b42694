"""A status report built by a real Celery worker (a subprocess) over Redis, in the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from accounts.choices import Role
from reports import figures
from reports.models import Report, ReportStatus
from reports.services import report_request
from tests.accounts.factories import user_with_role
from tests.cases.factories import CaseFactory

WORKER_REDIS_DB = 10


def _redis_url() -> str:
    base = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((base.scheme, base.netloc, f"/{WORKER_REDIS_DB}", "", ""))


def _database_url() -> str:
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_report_and_keeps_it_in_the_archive():
    broker = _redis_url()
    # Not the current app (Celery makes a new app current by default): the tests after this one
    # in the process would send their tasks through it (not eagerly, to this broker).
    sender = Celery("sender", broker=broker, set_as_current=False)
    sender.control.purge()  # nothing left over from an earlier run
    # The worker starts first (seconds of imports) and boots while the data is made; it takes
    # the task from the broker when it is ready.
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sutohamu",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        user = user_with_role(Role.STEERING_GROUP)
        CaseFactory.create_batch(3)
        report = report_request(by=user, scope="all", period=figures.half_year(2025, 1))
        sender.send_task("reports.build_report", args=[report.pk])
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if not report.is_pending:
                break
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            time.sleep(0.1)  # one query a look
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        sender.close()
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress == 100 and bytes(report.pdf).startswith(b"%PDF")
    assert report.figures == figures.canonical(figures.build("all", figures.half_year(2025, 1)))
    assert Report.objects.get(pk=report.pk).requested_by == user
