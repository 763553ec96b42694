"""The reminders' notification kinds are registered at start-up (`RemindersConfig.ready()`), so a
web process, which never runs a sweep, renders every reminder in the reader's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a web process does before its first request: set Django up and load the URLconf.
BOOT = """
import json
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.utils import translation
from accounts.models import NOTIFICATION_KINDS, Notification
from reminders.models import ReminderKind
from reminders.kinds import KIND_KEYS
note = Notification(
    kind="reminders.followup_due",
    params={"reference": "SUN-2026-0001", "date": "2026-12-28"},
    text="the stored default text",
)
rendered = {}
for language in ("en", "sv"):
    with translation.override(language):
        rendered[language] = note.message
print(json.dumps({
    "missing": sorted(KIND_KEYS[k] for k in ReminderKind if KIND_KEYS[k] not in NOTIFICATION_KINDS),
    "rendered": rendered,
}))
"""


def test_a_fresh_process_has_the_reminder_kinds_and_renders_a_reminder_in_english():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="sutohamu.settings")
    done = subprocess.run(
        [sys.executable, "-c", BOOT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["missing"] == []
    assert found["rendered"]["en"] == "Follow-up contact in SUN-2026-0001 due 2026-12-28"
    assert found["rendered"]["sv"] not in (found["rendered"]["en"], "the stored default text")
    assert "SUN-2026-0001" in found["rendered"]["sv"]
