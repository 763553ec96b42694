"""The mutation run's set-up (`make mutants`, mutmut's [tool.mutmut] in pyproject.toml).

mutmut itself is not run here: a run takes many minutes. What is checked is what a stale
configuration would break quietly: every rule module and test file it names exists, and each
mutant's test process gets a test database of its own (a fresh clone of the template), never
one a previous mutant has written to.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests import testdb

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]


def test_every_module_to_mutate_exists_inside_a_copied_source_path():
    sources = {Path(path) for path in CONFIG["source_paths"]}
    for module in CONFIG["only_mutate"]:
        assert (ROOT / module).is_file(), module
        assert Path(module).parents[-2] in sources, module


def test_every_selected_test_file_exists():
    for path in CONFIG["pytest_add_cli_args_test_selection"]:
        assert (ROOT / path).is_file(), path


def test_the_app_needs_nothing_mutmut_does_not_copy():
    copied = set(CONFIG["source_paths"]) | set(CONFIG["also_copy"])
    assert {"templates", "static", "locale"} <= copied


def test_each_mutant_process_gets_a_database_of_its_own():
    mutant = {"MUTANT_UNDER_TEST": "cases.rights.x_kinds_granting__mutmut_1"}
    assert testdb.run_suffix(mutant, 4100) == "mutant4100"
    assert testdb.run_suffix(mutant, 4101) != testdb.run_suffix(mutant, 4100)


def test_an_ordinary_run_keeps_its_databases_names_unless_told():
    assert testdb.run_suffix({}, 4100) == ""
    assert testdb.run_suffix({"SUTOHAMU_TEST_DB_SUFFIX": "ci"}, 4100) == "ci"


def test_only_a_mutant_is_kept_from_building_the_template():
    assert testdb.under_mutant({"MUTANT_UNDER_TEST": "sutohamu.dates.x_in_force__mutmut_3"})
    for phase in ("stats", "fail", "", "list_all_tests"):
        assert not testdb.under_mutant({"MUTANT_UNDER_TEST": phase})
    assert not testdb.under_mutant({})
