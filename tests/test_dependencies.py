"""Dependencies point one way: sutohamu's utilities < accounts (the foundation: organisations,
people, roles, capabilities) < councils < cases < meetings < reminders < reports. A module imports
only its own layer and the layers below it, and no module defers an import of the project's code
to dodge a cycle (AppConfig.ready() excepted: Django's app registry asks for that)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["sutohamu", "accounts", "councils", "cases", "meetings", "reminders", "reports", "bench"]
# The project's wiring sits above every app: it names them all.
WIRING = {"sutohamu/urls.py", "sutohamu/settings.py", "sutohamu/wsgi.py", "sutohamu/asgi.py"}


def modules() -> list[Path]:
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel and rel not in WIRING:
                found.append(path)
    return found


def project_imports(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, str]]:
    out: list[tuple[ast.Import | ast.ImportFrom, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node, node.module.split(".")[0]))
        elif isinstance(node, ast.Import):
            out += [(node, alias.name.split(".")[0]) for alias in node.names]
    return [(node, top) for node, top in out if top in LAYERS]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", modules(), ids=_rel)
def test_a_module_imports_only_its_layer_and_below(path):
    layer = LAYERS.index(_rel(path).split("/")[0])
    above = {
        top
        for _node, top in project_imports(ast.parse(path.read_text()))
        if LAYERS.index(top) > layer
    }
    assert not above, f"{_rel(path)} imports {sorted(above)}, above its own layer"


def deferred_imports(source: str) -> list[int]:
    """Lines where a function (other than AppConfig.ready) imports the project's code."""
    lines = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                lines.append(node.lineno)
        lines += [node.lineno for node, _top in project_imports(func)]
    return sorted(set(lines))


def test_the_checks_catch_what_they_look_for():
    source = "from cases.models import Case\ndef f():\n    from councils import services\n"
    assert [top for _n, top in project_imports(ast.parse(source))] == ["cases", "councils"]
    assert deferred_imports(source) == [3]
    assert deferred_imports("def f():\n    from .models import Case\n") == [2]
    assert deferred_imports("def ready(self):\n    from . import signals\n") == []


@pytest.mark.parametrize("path", modules(), ids=_rel)
def test_no_deferred_import_of_the_project(path):
    found = deferred_imports(path.read_text())
    assert not found, f"{_rel(path)} imports project code inside a function: lines {found}"
