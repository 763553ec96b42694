"""A small mutation-testing run over the project's rule modules (`make mutants`).

Mutants are generated from each module's AST on every run, so a refactor never leaves a stale
list: comparison operators flipped (== / !=, < / <=, in / not in, is / is not), `and` / `or`
swapped, a `not` dropped, `True` / `False` swapped, a returned expression replaced by None, a
`raise` replaced by `pass`, integer constants off by one, one element removed from a set or
frozenset literal. Docstrings, logging calls, type annotations, `__all__`, `TYPE_CHECKING`
blocks and gettext message strings are left alone.

Each mutant runs in a throwaway copy of a snapshot of the repository (without .venv,
node_modules, .git, staticfiles); the real tree is never written, so an interrupted run leaves
nothing behind in it. pytest runs from the copy with the project's venv, PYTHONPATH pointing at
the copy and no bytecode written; before the mutants, a canary (the module replaced by a `raise`)
must be killed, which proves the copy's modules are the ones imported. Only the test files mapped
to a module in MODULE_TESTS run, with `-x -q -p no:cacheprovider --reuse-db`, under a per-mutant
timeout. A mutant is killed when pytest exits non-zero (a failure or the timeout).

Default (`make mutants`): a deterministic sample of 6 mutants per module (seed 0), two at a time;
about 10 minutes on this 2-core machine (12 while other test runs share it). `--sample 0` runs
them all; `--module`, `--limit`, `--list`, `--jobs`, `--timeout`, `--all-tests` (whole suite
instead of the mapped files), `--without FILE` (leave a test file out, for a before-score) and
`--fail-under` (exit 1 below that overall score, in percent) adjust it. It prints each surviving
mutant as file:line with its diff, then the score per module and overall, and exits 0 unless
`--fail-under` says otherwise.

The test database is `<name of DATABASE_URL's database>_mutants` (one more suffix per parallel
job), so the run never touches another engineer's database.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import difflib
import os
import queue
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# The rule modules, paths relative to the repository root. Add new ones here (and to MODULE_TESTS).
RULE_MODULES: tuple[str, ...] = (
    "accounts/capabilities.py",
    "cases/lifecycle.py",
    "sutohamu/pii.py",
    "cases/services.py",
    "cases/escalation.py",
    "councils/services.py",
    "cases/access.py",
)

# The test files that exercise each module. Files that do not exist (yet) are skipped; a module
# with none left falls back to the whole suite.
MODULE_TESTS: dict[str, tuple[str, ...]] = {
    "cases/access.py": (
        "tests/cases/test_access_policy.py",
        "tests/cases/test_access.py",
        "tests/cases/test_rules_proven.py",
        "tests/cases/test_intake.py",
        "tests/cases/test_escalations.py",
    ),
    "accounts/capabilities.py": (
        "tests/accounts/test_capabilities.py",
        "tests/accounts/test_capabilities_mutants.py",
    ),
    "cases/lifecycle.py": ("tests/cases/test_lifecycle.py", "tests/cases/test_services_mutants.py"),
    "sutohamu/pii.py": ("tests/sutohamu/test_pii.py", "tests/sutohamu/test_pii_mutants.py"),
    "cases/services.py": (
        "tests/cases/test_intake.py",
        "tests/cases/test_lifecycle.py",
        "tests/cases/test_services_mutants.py",
    ),
    "cases/escalation.py": (
        "tests/cases/test_escalations.py",
        "tests/cases/test_services_mutants.py",
    ),
    "councils/services.py": (
        "tests/councils/test_services.py",
        "tests/councils/test_services_mutants.py",
        "tests/councils/test_medskick_rules.py",
        "tests/councils/test_write_path.py",
    ),
}

DEFAULT_SAMPLE = 6
DEFAULT_SEED = 0
DEFAULT_JOBS = 2
COPY_EXCLUDES = (".venv", "node_modules", ".git", "staticfiles", "__pycache__", "*.pyc")
DEFAULT_DATABASE_URL = "postgres://sutohamu:sutohamu@127.0.0.1:5432/sutohamu"
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "--reuse-db")

GETTEXT_NAMES = frozenset(
    {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
)
LOGGING_NAMES = frozenset({"logger", "log", "logging", "LOGGER"})

COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
OP_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
}


@dataclasses.dataclass(frozen=True)
class Mutant:
    module: str  # path relative to the repository root
    index: int  # position among the module's mutants, in source order
    line: int
    description: str
    source: str  # the whole mutated module

    @property
    def label(self) -> str:
        return f"{self.module}:{self.line}"

    def diff(self, original: str) -> str:
        lines = difflib.unified_diff(
            original.splitlines(keepends=True),
            self.source.splitlines(keepends=True),
            f"a/{self.module}",
            f"b/{self.module}",
            n=1,
        )
        return "".join(lines)


# Generation


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        base = func.value
        while isinstance(base, ast.Attribute):
            base = base.value
        return base.id if isinstance(base, ast.Name) else ""
    return ""


def _is_skipped(node: ast.AST) -> bool:
    """Subtrees no mutant touches: messages, logging, `__all__`, type-checking-only imports."""
    if isinstance(node, ast.Call):
        name = _call_name(node)
        func = node.func
        if isinstance(func, ast.Name) and name in GETTEXT_NAMES:
            return True
        if isinstance(func, ast.Attribute) and name in LOGGING_NAMES:
            return True
    # A message and its parameters: _("…%(n)s…") % {"n": …}
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Call)
        and _is_skipped(node.left)
    ):
        return True
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    if isinstance(node, ast.If):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
        if name == "TYPE_CHECKING":
            return True
    return False


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node worth mutating, in source order, skipping annotations and skipped subtrees."""
    if _is_skipped(node):
        return
    yield node
    for field, value in ast.iter_fields(node):
        if field in ("annotation", "returns", "type_comment"):
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, ast.AST):
                yield from _walk(child)


def _docstring_nodes(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _replacements(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(description, replacement node) for each mutation of this node."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            flipped = COMPARE_FLIPS.get(type(op))
            if flipped is None:
                continue
            new = copy.deepcopy(node)
            new.ops[i] = flipped()
            yield f"{OP_SYMBOLS[type(op)]} -> {OP_SYMBOLS[flipped]}", new
    elif isinstance(node, ast.BoolOp):
        swapped = copy.deepcopy(node)
        swapped.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield f"{OP_SYMBOLS[type(node.op)]} -> {OP_SYMBOLS[type(swapped.op)]}", swapped
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "drop not", copy.deepcopy(node.operand)
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield f"{node.value} -> {not node.value}", ast.Constant(not node.value)
    elif (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        yield f"{node.value} -> {node.value + 1}", ast.Constant(node.value + 1)
        if node.value > 0:
            yield f"{node.value} -> {node.value - 1}", ast.Constant(node.value - 1)
    elif isinstance(node, ast.Return) and node.value is not None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            yield "return None", ast.Return(ast.Constant(None))
    elif isinstance(node, ast.Raise):
        yield "raise -> pass", ast.Pass()
    elif isinstance(node, ast.Set):
        for i in range(len(node.elts)):
            smaller = copy.deepcopy(node)
            removed = smaller.elts.pop(i)
            empty = ast.Call(ast.Name("set", ast.Load()), [], [])
            yield f"remove {ast.unparse(removed)} from set", smaller if smaller.elts else empty


def _line_offsets(source: str) -> list[int]:
    offsets, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line.encode())
        offsets.append(total)
    return offsets


def _parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    """Node id -> (parent, field, index in the field's list or None)."""
    found: dict[int, tuple[ast.AST, str, int | None]] = {}
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        found[id(child)] = (parent, field, index)
            elif isinstance(value, ast.AST):
                found[id(value)] = (parent, field, None)
    return found


def _dump_replaced(tree: ast.Module, where: tuple[ast.AST, str, int | None], new: ast.AST) -> str:
    """The dump of the tree with one node swapped in place (and back)."""
    parent, field, index = where
    if index is None:
        old = getattr(parent, field)
        setattr(parent, field, new)
        try:
            return ast.dump(tree, include_attributes=False)
        finally:
            setattr(parent, field, old)
    children = getattr(parent, field)
    old = children[index]
    children[index] = new
    try:
        return ast.dump(tree, include_attributes=False)
    finally:
        children[index] = old


def _splice(source: str, offsets: list[int], node: ast.expr | ast.stmt, text: str) -> str:
    data = source.encode()
    assert node.end_lineno is not None and node.end_col_offset is not None
    start = offsets[node.lineno - 1] + node.col_offset
    end = offsets[node.end_lineno - 1] + node.end_col_offset
    return (data[:start] + text.encode() + data[end:]).decode()


def generate_mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of one module, in source order; each one parses and differs in one place."""
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    offsets = _line_offsets(source)
    parents = _parents(tree)
    mutants: list[Mutant] = []
    for node in _walk(tree):
        if id(node) in docstrings or not isinstance(node, ast.expr | ast.stmt):
            continue
        for description, replacement in _replacements(node):
            expected = _dump_replaced(tree, parents[id(node)], replacement)
            text = ast.unparse(replacement)
            for candidate in (text, f"({text})"):
                mutated = _splice(source, offsets, node, candidate)
                try:
                    ok = ast.dump(ast.parse(mutated), include_attributes=False) == expected
                except SyntaxError:
                    ok = False
                if ok:
                    mutants.append(Mutant(module, len(mutants), node.lineno, description, mutated))
                    break
    return mutants


def select(mutants: list[Mutant], sample: int, seed: int) -> list[Mutant]:
    """A deterministic sample (same seed, same source, same mutants), kept in source order."""
    if sample <= 0 or sample >= len(mutants):
        return list(mutants)
    chosen = random.Random(f"{seed}:{mutants[0].module}").sample(range(len(mutants)), sample)
    return [mutants[i] for i in sorted(chosen)]


# Running


def database_url(base: str | None, job: int) -> str:
    """DATABASE_URL with the database renamed `<name>_mutants` (plus `_<job>` after the first)."""
    parts = urlsplit(base or DEFAULT_DATABASE_URL)
    head, _, name = parts.path.rpartition("/")
    stem, dot, ext = name.partition(".")
    suffix = "_mutants" + (f"_{job}" if job else "")
    return urlunsplit(parts._replace(path=f"{head}/{stem}{suffix}{dot}{ext}"))


def copy_tree(source: Path, destination: Path) -> None:
    """Copy the repository without the venv, node modules, git data and bytecode (rsync-like)."""
    shutil.copytree(
        source, destination, symlinks=True, ignore=shutil.ignore_patterns(*COPY_EXCLUDES)
    )


@dataclasses.dataclass
class Outcome:
    mutant: Mutant | None
    killed: bool
    seconds: float
    detail: str = ""
    code: int | None = 0
    failed: list[str] = dataclasses.field(default_factory=list)


class Worker:
    """One copy of the snapshot and one test database; runs one mutant at a time."""

    def __init__(self, snapshot: Path, workdir: Path, job: int, python: str) -> None:
        self.copy = workdir / f"job{job}"
        copy_tree(snapshot, self.copy)
        self.python = python
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(os.environ.get("DATABASE_URL"), job),
            "PYTHONPATH": str(self.copy),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.env.setdefault("SECRET_KEY", "test-only-secret-key")

    def imported_from(self, package: str) -> str:
        out = subprocess.run(
            [self.python, "-c", f"import {package}; print({package}.__file__)"],
            cwd=self.copy,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    def pytest(self, tests: list[str], timeout: float) -> tuple[int | None, float, str]:
        started = time.monotonic()
        try:
            done = subprocess.run(
                [self.python, "-m", "pytest", *tests],
                cwd=self.copy,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return None, time.monotonic() - started, "timeout"
        return done.returncode, time.monotonic() - started, done.stdout

    def run(self, module: str, source: str, tests: list[str], timeout: float) -> Outcome:
        path = self.copy / module
        original = path.read_text()
        path.write_text(source)
        try:
            code, seconds, output = self.pytest(tests, timeout)
        finally:
            path.write_text(original)
        failed = [
            line.removeprefix("FAILED ").split(" - ")[0]
            for line in output.splitlines()
            if line.startswith("FAILED ")
        ]
        tail = (output.strip().splitlines() or [""])[-1]
        return Outcome(None, code != 0, seconds, tail, code, failed)


def tests_for(
    module: str, root: Path, whole_suite: bool, without: tuple[str, ...] = ()
) -> list[str]:
    if whole_suite:
        return ["tests", "--ignore=tests/browser", *(f"--ignore={t}" for t in without)]
    mapped = [t for t in MODULE_TESTS.get(module, ()) if t not in without]
    present = [t for t in mapped if (root / t).exists()]
    return present or ["tests", "--ignore=tests/browser"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help="only this module (repeatable)")
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE, help="per module; 0: all")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--limit", type=int, default=0, help="at most this many mutants in all")
    parser.add_argument("--list", action="store_true", help="show the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    parser.add_argument("--timeout", type=float, default=0, help="seconds; 0: from the baseline")
    parser.add_argument("--all-tests", action="store_true", help="whole suite for every mutant")
    parser.add_argument(
        "--without", action="append", help="leave this test file out (repeatable): a before-score"
    )
    parser.add_argument("--no-canary", action="store_true", help="skip the import-path proof")
    parser.add_argument("--fail-under", type=float, default=None, help="overall score, percent")
    return parser.parse_args(argv)


def _pool(workers: list[Worker], tasks: list, handle, every_worker: bool = False) -> list:
    """Run `handle(worker, task)` over the tasks, one thread per worker; results in task order.

    With `every_worker`, tasks are dealt round-robin and each worker runs at least one (the
    first task again if there are fewer tasks than workers), so every job's test database is
    created or migrated before anything is timed.
    """
    todo: queue.Queue = queue.Queue()
    for i, task in enumerate(tasks):
        todo.put((i, task))
    results: list = [None] * len(tasks)
    dealt: list[list[tuple[int, object]]] = [[] for _ in workers]
    if every_worker and tasks:
        for i, task in enumerate(tasks):
            dealt[i % len(workers)].append((i, task))
        for own in dealt:
            if not own:
                own.append((-1, tasks[0]))

    def loop(worker: Worker, own: list[tuple[int, object]]) -> None:
        for i, task in own:
            outcome = handle(worker, task)
            if i >= 0:
                results[i] = outcome
        while not every_worker:
            try:
                i, task = todo.get_nowait()
            except queue.Empty:
                return
            results[i] = handle(worker, task)

    threads = [
        threading.Thread(target=loop, args=(w, own), daemon=True)
        for w, own in zip(workers, dealt, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    modules = list(RULE_MODULES)
    if args.module:
        unknown = set(args.module) - set(modules)
        modules = list(args.module)
        if unknown:
            print(f"note: not in RULE_MODULES, mutating anyway: {sorted(unknown)}")
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable

    with tempfile.TemporaryDirectory(prefix="sutohamu-mutants-") as tmp:
        workdir = Path(tmp)
        snapshot = workdir / "snapshot"
        copy_tree(ROOT, snapshot)  # one consistent view, even while others edit the tree
        originals = {m: (snapshot / m).read_text() for m in modules if (snapshot / m).exists()}
        for missing in sorted(set(modules) - set(originals)):
            print(f"skip {missing}: no such file")
        plan: list[Mutant] = []
        totals: dict[str, int] = {}
        for module, source in originals.items():
            found = generate_mutants(module, source)
            totals[module] = len(found)
            plan += select(found, args.sample, args.seed)
        if args.limit:
            plan = plan[: args.limit]

        if args.list:
            for m in plan:
                print(f"{m.label}  #{m.index}  {m.description}")
            print(f"{len(plan)} mutants listed; generated: {totals}")
            return 0

        print(f"{len(plan)} mutants (generated per module: {totals}), {args.jobs} jobs")
        workers = [
            Worker(snapshot, workdir, job, python) for job in range(max(1, min(args.jobs, 8)))
        ]
        for worker in workers:
            for package in {m.split("/")[0] for m in originals}:
                where = worker.imported_from(package)
                if not where.startswith(str(worker.copy)):
                    print(f"error: {package} imported from {where}, not from the copy")
                    return 2

        # Baselines (unmutated; they also create or migrate each job's test database) and the
        # canary: the first module replaced by a raise must be killed by its tests.
        planned = list(dict.fromkeys(m.module for m in plan))
        baseline_tasks = [(m, originals[m]) for m in planned]

        deselected: dict[str, list[str]] = {}

        def arguments(module: str, baseline: bool = False) -> list[str]:
            tests = tests_for(module, snapshot, args.all_tests, tuple(args.without or ()))
            if baseline:  # every failure, not just the first
                return [a for a in PYTEST_ARGS if a != "-x"] + ["-rf", *tests]
            return [*PYTEST_ARGS, *tests, *(f"--deselect={t}" for t in deselected[module])]

        def run_baseline(worker: Worker, task: tuple[str, str]) -> Outcome:
            module, source = task
            return worker.run(module, source, arguments(module, baseline=True), 1800)

        baselines = _pool(workers, baseline_tasks, run_baseline, every_worker=True)
        timeouts: dict[str, float] = {}
        broken: set[str] = set()
        for (module, _), outcome in zip(baseline_tasks, baselines, strict=True):
            # Tests already failing without a mutant (work in progress elsewhere) cannot kill
            # anything: deselect them and say so. Anything worse skips the module.
            unusable = outcome.code == 1 and (" passed" not in outcome.detail or not outcome.failed)
            if outcome.code not in (0, 1) or unusable:
                print(f"baseline fails for {module} ({outcome.detail}); its mutants are skipped")
                broken.add(module)
                continue
            deselected[module] = outcome.failed
            for test in outcome.failed:
                print(f"baseline: {test} fails without a mutant; deselected for {module}")
            timeouts[module] = args.timeout or max(60.0, 3 * outcome.seconds)
        if not args.no_canary and planned:
            first = next((m for m in planned if m not in broken), None)
            if first:
                canary = 'raise RuntimeError("mutants canary")\n'
                outcome = workers[0].run(first, canary, arguments(first), timeouts[first])
                if not outcome.killed:
                    print(f"error: the canary in {first} survived: the copy is not what runs")
                    return 2
                print(f"canary in {first} killed: the copy's modules are the ones tested")

        plan = [m for m in plan if m.module not in broken]

        def run_mutant(worker: Worker, mutant: Mutant) -> Outcome:
            module = mutant.module
            outcome = worker.run(module, mutant.source, arguments(module), timeouts[module])
            outcome.mutant = mutant
            mark = "killed  " if outcome.killed else "SURVIVED"
            print(
                f"{mark} {mutant.label} {mutant.description} ({outcome.seconds:.0f}s)", flush=True
            )
            return outcome

        started = time.monotonic()
        outcomes: list[Outcome] = _pool(workers, plan, run_mutant)
        elapsed = time.monotonic() - started

    survivors = [o for o in outcomes if not o.killed]
    if survivors:
        print("\nSurviving mutants:")
    for o in survivors:
        assert o.mutant is not None
        print(f"\n{o.mutant.label} ({o.mutant.description})")
        print(o.mutant.diff(originals[o.mutant.module]).rstrip())

    print("\nScore (killed/total):")
    for module in planned:
        mine = [o for o in outcomes if o.mutant and o.mutant.module == module]
        if module in broken:
            print(f"  {module:28} baseline failed, not run")
            continue
        killed = sum(o.killed for o in mine)
        print(f"  {module:28} {killed}/{len(mine)}  {_percent(killed, len(mine))}")
    killed = sum(o.killed for o in outcomes)
    score = 100.0 * killed / len(outcomes) if outcomes else 100.0
    print(f"  {'overall':28} {killed}/{len(outcomes)}  {_percent(killed, len(outcomes))}")
    print(f"({elapsed:.0f}s for the mutants, sample {args.sample} per module, seed {args.seed})")
    if args.fail_under is not None and score < args.fail_under:
        print(f"score {score:.1f}% is under --fail-under {args.fail_under}")
        return 1
    return 0


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
