"""Views fetch scoped objects only through the access helpers (cases/access.py,
councils/access.py): a view that reaches a scoped model's manager fails this test.

Like Zulip's lint rule against fetching streams outside `access_stream_by_*`: the door is
enforced, not remembered. Related managers of an object that came through the door (case.notes)
are allowed; they cannot reach another case.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "cases", "councils", "meetings"]

# Models whose rows are not for everyone.
SCOPED = {
    "Case",
    "Subject",
    "Transition",
    "Note",
    "Measure",
    "Consent",
    "Escalation",
    "ProposedMeasure",
    "CaseRead",
    "CaseUserObjectPermission",
    "Medskick",
    "Body",
    "Membership",
    "MeetingPlan",
}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def view_files() -> list[Path]:
    files = []
    for app in APPS:
        files += sorted((ROOT / app).glob("views.py"))
        files += sorted((ROOT / app / "views").glob("*.py"))
    return files


def violations(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager", "_base_manager", "history"}
            and isinstance(node.value, ast.Name)
            and node.value.id in SCOPED
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in SCOPED
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id}, …)"))
    return found


def test_there_are_views_to_check():
    assert len(view_files()) >= 10


@pytest.mark.parametrize("path", view_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_use_the_access_helpers(path):
    found = violations(path.read_text())
    assert not found, f"{path.relative_to(ROOT)} reaches scoped models directly: {found}"


def test_the_check_catches_a_direct_fetch():
    bad = "def v(request, pk):\n    return get_object_or_404(Case, pk=pk), Escalation.objects.all()"
    assert sorted(what for _line, what in violations(bad)) == [
        "Escalation.objects",
        "get_object_or_404(Case, …)",
    ]
