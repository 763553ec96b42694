"""The app imports nothing beyond its declared dependencies (`make run` installs only those).

Every module the app's code imports is the standard library, the project itself, or a
distribution that `[project].dependencies` in pyproject.toml pulls in (with their own
requirements). Imports under `if TYPE_CHECKING:` are for mypy only. `bench/` may import its
`bench` extra inside functions, never at module level (its load driver, wrk, is Debian's
package and not a Python one, so today the extra is empty).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BENCH_EXTRA_SCRIPTS: set[str] = set()  # scripts run only under the `bench` extra
APPS = ["sutohamu", "accounts", "councils", "cases", "meetings", "reminders", "reports", "bench"]


def _name(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _closure(requirements: list[str]) -> set[str]:
    """The declared distributions and everything they require, extras followed as asked."""
    seen: set[str] = set()
    todo: list[tuple[Requirement, frozenset[str]]] = [
        (Requirement(r), frozenset()) for r in requirements
    ]
    while todo:
        req, _ = todo.pop()
        name = _name(req.name)
        if name in seen:
            continue
        seen.add(name)
        for raw in metadata.requires(req.name) or []:
            sub = Requirement(raw)
            environments = [{"extra": extra} for extra in req.extras] or [{"extra": ""}]
            if sub.marker is None or any(sub.marker.evaluate(env) for env in environments):
                todo.append((sub, frozenset()))
    return seen


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, module_level_only: bool):
    for child in ast.iter_child_nodes(node):
        if _type_checking(child):
            continue
        yield child
        if not module_level_only:
            yield from _walk(child, module_level_only)


def _imports(path: Path, module_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in _walk(tree, module_level_only):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_every_import_of_the_app_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    allowed = _closure(project["dependencies"])
    local = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    providers = metadata.packages_distributions()
    missing: dict[str, set[str]] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if str(path.relative_to(ROOT)) in BENCH_EXTRA_SCRIPTS:
                continue
            for module in _imports(path, module_level_only=app == "bench"):
                if module in sys.stdlib_module_names or module in local or module == "__future__":
                    continue
                dists = {_name(d) for d in providers.get(module, [module])}
                if not dists & allowed:
                    missing.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not declared in [project].dependencies: {missing}"


def test_the_check_sees_an_undeclared_import(tmp_path):
    """A guard for the check itself: a dev-only tool imported by app code is caught."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\nimport pytest\nif TYPE_CHECKING:\n    import mypy\n"
        "def f():\n    from hypothesis import given\n"
    )
    allowed = _closure(["django>=5.2"])
    providers = metadata.packages_distributions()
    found = {
        m
        for m in _imports(module, False) - sys.stdlib_module_names
        if not {_name(d) for d in providers[m]} & allowed
    }
    assert found == {"pytest", "hypothesis"}
