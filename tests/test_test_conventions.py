"""The suite's own conventions (README, tests): files named by rule, the demo's objects from
one helper, today's date as the code reads it (Stockholm's, not the machine's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.rglob("*.py"))
PROVENANCE = re.compile(r"mutants|rough_edges|rules_proven|issue\d+", re.IGNORECASE)


def _relative(path: Path) -> str:
    return str(path.relative_to(TESTS.parent))


def test_no_test_file_is_named_for_where_it_came_from():
    named = [_relative(p) for p in SOURCES if PROVENANCE.search(p.stem)]
    named = [n for n in named if n != "tests/test_mutation_config.py"]
    assert not named


@pytest.mark.parametrize(
    ("pattern", "instead"),
    [
        (r"\bdate\.today\(\)", "timezone.localdate() (the date in Stockholm, as the code has it)"),
        (r"title=(NMR|REFERENCE_CASE|\"NMR)", "tests.demo_objects (the demo's objects by name)"),
        (r"^def nmr\(", "tests.demo_objects.nmr_case"),
        # A module's constant is the day the run started: past midnight in Stockholm the code's
        # day moved on and the test compared with yesterday (a run at 23:00 UTC failed).
        (
            r"^[A-Z_]+ = .*timezone\.(localdate|now)\(\)",
            "a function that reads the date when called",
        ),
    ],
)
def test_tests_use_the_shared_helpers(pattern, instead):
    exempt = {Path(__file__).resolve(), TESTS / "demo_objects.py"}
    found = [
        f"{_relative(path)}:{number}"
        for path in SOURCES
        if path not in exempt
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(pattern, line)
    ]
    assert not found, f"use {instead}: {found}"
