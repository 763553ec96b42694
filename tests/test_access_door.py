"""Views, tasks and selectors fetch scoped objects only through the access helpers (each app's
access.py): a module that reaches a scoped model's manager fails this test.

A model is scoped when its manager says who may see it (`visible_to`); the list is read from the
models, not kept by hand, so a new scoped model is covered the day it gets its queryset. Like
Zulip's lint rule against fetching streams outside `access_stream_by_*`: the door is enforced,
not remembered. Related managers of an object that came through the door (case.notes) are
allowed; they cannot reach another case.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "cases", "councils", "meetings", "reminders", "reports"]
MODULES = ["views", "tasks", "selectors"]
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "_default_manager", "_base_manager", "history"}


def scoped_models() -> set[str]:
    """Every model of the project whose manager (its queryset) defines visible_to."""
    return {
        model.__name__
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if hasattr(model._default_manager, "visible_to")
    }


def checked_files() -> list[Path]:
    files = []
    for app in APPS:
        for module in MODULES:
            files += sorted((ROOT / app).glob(f"{module}.py"))
            files += sorted((ROOT / app / module).glob("*.py"))
    return files


def violations(source: str, scoped: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in scoped
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in scoped
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id}, …)"))
    return found


def test_the_scoped_models_are_found_by_their_queryset():
    scoped = scoped_models()
    # One of each app that keeps rows not for everyone, found without a list.
    assert {"Case", "Escalation", "Body", "Medskick", "Meeting", "Decision"} <= scoped
    assert "Organisation" not in scoped


def test_there_are_files_of_every_app_to_check():
    files = checked_files()
    assert {path.relative_to(ROOT).parts[0] for path in files} == set(APPS)


@pytest.mark.parametrize("path", checked_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_tasks_and_selectors_use_the_access_helpers(path):
    found = violations(path.read_text(), scoped_models())
    assert not found, f"{path.relative_to(ROOT)} reaches scoped models directly: {found}"


def test_the_check_catches_a_direct_fetch():
    bad = "def v(request, pk):\n    return get_object_or_404(Case, pk=pk), Escalation.objects.all()"
    assert sorted(what for _line, what in violations(bad, scoped_models())) == [
        "Escalation.objects",
        "get_object_or_404(Case, …)",
    ]
