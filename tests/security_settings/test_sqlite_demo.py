"""The embedded demo's SQLite holds concurrent use: eight intakes at once, none refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

from .sqlite_intakes import THREADS


def test_eight_concurrent_intakes_on_the_demo_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        SECRET_KEY="test-only-secret-key",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.security_settings.sqlite_intakes"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["numbers"] == list(range(1, THREADS + 1))
    assert outcome["journal_mode"] == "wal"


def test_sqlite_options_of_the_demo():
    """The options the embedded demo gets (the suite itself runs on PostgreSQL)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    code = (
        "import os, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'sutohamu.settings'\n"
        "from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    options = json.loads(result.stdout)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout" in options["init_command"]
