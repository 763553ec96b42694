"""The mutant generator of scripts/mutants.py (imported; nothing is run under pytest)."""

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_script():
    spec = importlib.util.spec_from_file_location("mutants_script", ROOT / "scripts" / "mutants.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutants = _load_script()


@pytest.mark.parametrize("module", mutants.RULE_MODULES)
def test_every_rule_module_yields_mutants_that_parse(module):
    source = (ROOT / module).read_text()
    found = mutants.generate_mutants(module, source)
    assert found, f"no mutants generated for {module}"
    original = ast.dump(ast.parse(source))
    for mutant in found:
        assert ast.dump(ast.parse(mutant.source)) != original, mutant.description


@pytest.mark.parametrize("module", mutants.RULE_MODULES)
def test_every_rule_module_has_mapped_tests(module):
    assert mutants.MODULE_TESTS[module]


def test_each_kind_of_mutation_is_generated():
    source = (
        "def f(x, items):\n"
        '    """Docstring 1 == 1."""\n'
        "    if x == 1 and not items or x in {1, 2}:\n"
        "        raise ValueError\n"
        "    return x < 3 is True\n"
    )
    kinds = {m.description for m in mutants.generate_mutants("m.py", source)}
    assert {"== -> !=", "and -> or", "drop not", "in -> not in", "raise -> pass"} <= kinds
    assert {"return None", "< -> <=", "is -> is not", "True -> False", "1 -> 2", "1 -> 0"} <= kinds
    assert {"remove 1 from set", "remove 2 from set"} <= kinds


def test_messages_annotations_logging_and_dunder_all_are_left_alone():
    source = (
        "from typing import TYPE_CHECKING\n"
        "__all__ = ['x' if True else 'y']\n"
        "if TYPE_CHECKING:\n"
        "    assert 1 == 1\n"
        "def f(x: int = 1) -> bool:\n"
        "    logger.info('%s', x == 2)\n"
        "    return _('%(n)s') % {'n': 3 == 3}\n"
    )
    found = mutants.generate_mutants("m.py", source)
    # Only the default value 1 and the returned expression are mutated.
    assert sorted(m.description for m in found) == ["1 -> 0", "1 -> 2", "return None"]


def test_a_mutant_changes_only_its_own_line():
    source = "def f(a, b):\n    x = a == b\n    return a != b\n"
    (first, *_) = mutants.generate_mutants("m.py", source)
    assert first.source == "def f(a, b):\n    x = a != b\n    return a != b\n"
    assert first.line == 2


def test_the_sample_is_deterministic_and_in_source_order():
    source = (ROOT / mutants.RULE_MODULES[0]).read_text()
    found = mutants.generate_mutants(mutants.RULE_MODULES[0], source)
    one = mutants.select(found, 5, seed=3)
    assert one == mutants.select(found, 5, seed=3)
    assert [m.index for m in one] == sorted(m.index for m in one)
    assert len(one) == min(5, len(found))


def test_the_test_database_gets_its_own_name():
    url = "postgres://u:p@127.0.0.1:5432/sutohamu"
    assert mutants.database_url(url, 0) == "postgres://u:p@127.0.0.1:5432/sutohamu_mutants"
    assert mutants.database_url(url, 1) == "postgres://u:p@127.0.0.1:5432/sutohamu_mutants_1"
