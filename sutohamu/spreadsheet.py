"""CSV cells a spreadsheet shows as text, never runs as a formula (CSV injection).

A spreadsheet skips leading whitespace and reads full-width and other compatibility forms of
`=`, `+`, `-` and `@` as the plain ones, so a cell is judged as the spreadsheet will see it:
after NFKC normalisation (the full-width equals sign U+FF1D becomes =) and with leading
whitespace (space, no-break space, tab, newline, carriage return, …) and invisible format
characters (zero-width space, BOM) stripped. Such a cell, or one that starts with a tab or a
line break at all, gets a leading quote; its text is otherwise kept as it was.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n")


def _visible_start(text: str) -> str:
    normalised = unicodedata.normalize("NFKC", text)
    for index, character in enumerate(normalised):
        if not (character.isspace() or unicodedata.category(character) == "Cf"):
            return normalised[index:]
    return ""


def safe_cell(value: object) -> str:
    """The cell's text, with a leading quote where a spreadsheet would read a formula."""
    text = str(value)
    if text.startswith(CONTROL_STARTS) or _visible_start(text).startswith(FORMULA_STARTS):
        return f"'{text}"
    return text
