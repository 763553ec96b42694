"""The registries as the web process has them: booted the way gunicorn boots the app.

A fresh interpreter imports the settings, runs `django.setup()` (every AppConfig.ready()) and
loads the URLconf, nothing else, and reports what is registered: notification kinds and targets,
hand-over steps, case timeline sources, retention parts, start-page panel figures, decision
look-ups, calendar feed sources and deploy checks. Everything must be there right after
`django.setup()`, before any view module is imported: a registration moved back into a module's
import side effect (one that only a view or a task imports) goes missing there and fails this
test. The second test scans the apps' source for a registration outside a function.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["sutohamu", "accounts", "councils", "cases", "meetings", "reminders", "reports"]
# The project's wiring names every app by Django's own dotted settings (middleware, the admin
# site class); it sits above the apps (as in tests/test_dependencies.py).
WIRING = {"sutohamu/settings.py", "sutohamu/urls.py", "sutohamu/apps.py", "sutohamu/celery.py"}

BOOT = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")
import django
django.setup()

def registered():
    from django.core.checks import registry as checks
    from accounts import notifications, panels
    from cases import retention, timeline
    from councils import handover
    from meetings import feed
    from sutohamu import decisions
    return {
        "notification_kinds": sorted(notifications.NOTIFICATION_KINDS),
        "notification_targets": sorted(notifications.NOTIFICATION_TARGETS),
        "handover_steps": [s.key for s in handover.steps()],
        "timeline_sources": timeline.sources(),
        "retention_parts": sorted(p.label for p in retention.parts()),
        "panel_summaries": sorted(panels.summaries()),
        "decision_lookups": decisions.registered(),
        "feed_sources": [f"{f.__module__}.{f.__qualname__}" for f in feed.SOURCES],
        "deploy_checks": sorted(
            c.__name__ for c in checks.registry.get_checks(include_deployment_checks=True)
            if c.__module__.startswith("sutohamu")
        ),
    }

after_setup = registered()
from django.conf import settings
from django.urls import get_resolver
get_resolver(settings.ROOT_URLCONF).url_patterns  # the URLconf, as the first request loads it
print(json.dumps({"after_setup": after_setup, "after_urls": registered()}))
"""

EXPECTED = {
    "handover_steps": [
        "memberships",
        "action_plan",
        "medskick",
        "cases",
        "escalations_sent",
        "escalations",
        "action_items",
    ],
    "notification_targets": ["cases.case", "cases.escalation", "meetings.meeting"],
    "timeline_sources": ["transitions", "notes", "measures", "consents", "escalations"],
    "panel_summaries": ["cases", "meetings", "picture", "queue", "reports"],
    "decision_lookups": ["meetings.decisions.find", "meetings.decisions.about_case"],
    "feed_sources": ["meetings.feed.followup_dates"],
    "deploy_checks": ["two_factor_required"],
}
KINDS_BELOW_REMINDERS = {
    "cases.new_case",
    "cases.case_is_yours",
    "cases.new_escalation",
    "cases.escalation_answered",
    "meetings.agenda_sent",
    "meetings.agenda_due",
    "meetings.action_item_due",
}
# Registered by the reminders app. They are in the web process only once reminders registers
# them in its AppConfig.ready() (done on a parallel branch; this assertion waits for it).
REMINDER_KINDS = {
    "reminders.followup_due",
    "reminders.followup_overdue",
    "reminders.escalation_unacknowledged",
    "reminders.measure_overdue",
    "reminders.consent_expiring",
}


@pytest.fixture(scope="module")
def booted() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BOOT], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_registry_is_filled_by_django_setup_alone(booted):
    setup = booted["after_setup"]
    for name, expected in EXPECTED.items():
        assert setup[name] == expected, name
    assert set(setup["notification_kinds"]) >= KINDS_BELOW_REMINDERS
    # Retention parts are found from the models (no registry); the case's own parts are there.
    assert {"cases.case", "cases.note", "cases.measure"} <= set(setup["retention_parts"])


def test_loading_the_urlconf_registers_nothing_more(booted):
    """Nothing is left for a view module's import to add (or it would be missing from tasks)."""
    assert booted["after_urls"] == booted["after_setup"]


def test_reminder_kinds_are_registered_by_django_setup(booted):
    """Depends on reminders registering its kinds in RemindersConfig.ready()."""
    assert set(booted["after_setup"]["notification_kinds"]) >= REMINDER_KINDS


def _module_level_registrations(path: Path) -> list[int]:
    """Lines where a module calls a `register…` function at import time (outside a function)."""
    tree = ast.parse(path.read_text())
    lines = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        nodes = [stmt] if not isinstance(stmt, ast.ClassDef) else []
        # A decorator runs at import time too (`@register(...)`), except Django admin's own.
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
            nodes += stmt.decorator_list
        for node in nodes:
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = func.value if isinstance(func, ast.Attribute) else None
                if getattr(owner, "id", "") == "admin":
                    continue  # admin.site registration: Django's autodiscovery, in admin.py
                if name.startswith("register"):
                    lines.append(call.lineno)
    return lines


def _modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "/migrations/" not in path.as_posix()
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_registration_by_import_side_effect(path):
    assert not _module_level_registrations(path), (
        f"{path.relative_to(ROOT)}: register from AppConfig.ready(), not at import"
    )


def test_no_dotted_path_points_up_a_layer():
    """The foundation names no upper app's function by a string (the layering test cannot see
    strings): no import_string, and no 'app.module.func' literal of a higher app."""
    for app in ("sutohamu", "accounts"):
        for path in (ROOT / app).rglob("*.py"):
            if "/migrations/" in path.as_posix() or path.relative_to(ROOT).as_posix() in WIRING:
                continue
            source = path.read_text()
            assert "import_string" not in source, path
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    head = node.value.split(".")[0]
                    dotted = node.value.count(".") >= 2 and " " not in node.value
                    assert not (dotted and head in APPS[APPS.index(app) + 1 :]), (path, node.value)
