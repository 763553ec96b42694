"""Views never write a row themselves: every write goes through a service that validates the
whole object (README, "Forms"). A view may build an unsaved instance (`form.save(commit=False)`)
for the service to validate and save."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "update_or_create",
    "get_or_create",
}
APPS = ["accounts", "cases", "councils", "meetings", "reminders", "reports", "sutohamu"]


def view_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        found += sorted((base / app).glob("views.py")) + sorted((base / app / "views").glob("*.py"))
    return found


def writes_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        unsaved = any(
            k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
            for k in node.keywords
        )
        if not unsaved:
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno} .{node.func.attr}()")
    return found


def test_the_views_modules_are_found():
    names = {str(p.relative_to(settings.BASE_DIR)) for p in view_modules()}
    assert {"councils/views/priorities.py", "reminders/views.py", "reports/views.py"} <= names


def test_no_view_writes_a_row_itself():
    assert [w for path in view_modules() for w in writes_in(path)] == []
