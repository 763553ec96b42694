"""CSV cells: a formula hidden behind leading whitespace or a compatibility form is neutralised."""

from __future__ import annotations

import pytest

from sutohamu.spreadsheet import safe_cell

LEADING = [
    "",
    " ",
    "\u00a0",  # no-break space
    "\u202f",  # narrow no-break space
    "\u3000",  # ideographic space
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    " \u00a0\t",
]
FORMULAS = [
    "=",
    "+",
    "-",
    "@",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\ufe66",
]  # and their full-width/small forms


@pytest.mark.parametrize("lead", LEADING)
@pytest.mark.parametrize("start", FORMULAS)
def test_a_formula_after_leading_whitespace_or_in_full_width_is_quoted(lead, start):
    cell = f'{lead}{start}HYPERLINK("http://x")'
    assert safe_cell(cell) == f"'{cell}"


@pytest.mark.parametrize(
    "text", ["Oro i skolan", " Oro", "\u00a0Sunne", "5 < 7", "", "Ｓｕｎｎｅ", "a=b", "100 %"]
)
def test_ordinary_text_is_kept_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("control", ["\t", "\n", "\r"])
def test_a_cell_starting_with_a_tab_or_line_break_is_quoted_whatever_follows(control):
    assert safe_cell(f"{control}Oro") == f"'{control}Oro"
