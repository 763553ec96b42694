"""Looking up a body's decision by its reference, for records that must rest on one.

A joint priority (councils) and a case closed before the minimum follow-up period (cases) each
need a working-group decision. Decisions live in the meetings app, which sits above both, so the
meetings app registers its look-up here in `ready()`; until it does, a reference cannot be
verified and callers fall back to a reference text and a date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DecisionInfo:
    reference: str  # e.g. SUTOHAMU-2026-014
    date: datetime.date
    body_name: str
    url: str = ""


Lookup = Callable[[str], "DecisionInfo | None"]
_lookups: list[Lookup] = []


def register(lookup: Lookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def can_verify() -> bool:
    return bool(_lookups)


def find(reference: str) -> DecisionInfo | None:
    """The decision with this reference, or None (also when no look-up is registered)."""
    for lookup in _lookups:
        info = lookup(reference.strip())
        if info is not None:
            return info
    return None
