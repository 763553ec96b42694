"""Looking up a body's decision by its reference, for records that must rest on one.

A joint priority (councils) and a case closed before the minimum follow-up period (cases) each
need a working-group decision of the right kind: a priority decision, or an early-closure decision
that names the case. Decisions live in the meetings app, which sits above both, so the meetings
app registers its look-ups here in `ready()`; until it does, a reference cannot be verified and
callers fall back to a reference text and a date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# The kinds a decision can have (the meetings app's DecisionKind uses the same values).
GENERAL = "general"
EARLY_CLOSURE = "early_closure"
PRIORITY = "priority"


@dataclass(frozen=True)
class DecisionInfo:
    reference: str  # e.g. SUTOHAMU-2026-014
    date: datetime.date
    body_name: str
    url: str = ""
    kind: str = GENERAL
    case_reference: str = ""  # the case an early-closure decision closes


Lookup = Callable[[str], "DecisionInfo | None"]
Listing = Callable[[str], "list[DecisionInfo]"]
_lookups: list[Lookup] = []
_listings: list[Listing] = []


def register(lookup: Lookup, about_case: Listing | None = None) -> None:
    """`lookup(reference)` finds one decision; `about_case(case_reference)` lists the
    early-closure decisions that name that case."""
    if lookup not in _lookups:
        _lookups.append(lookup)
    if about_case is not None and about_case not in _listings:
        _listings.append(about_case)


def can_verify() -> bool:
    return bool(_lookups)


def find(reference: str) -> DecisionInfo | None:
    """The decision with this reference, or None (also when no look-up is registered)."""
    for lookup in _lookups:
        info = lookup(reference.strip())
        if info is not None:
            return info
    return None


def about_case(case_reference: str) -> list[DecisionInfo]:
    """The early-closure decisions recorded about this case, newest first."""
    return [info for listing in _listings for info in listing(case_reference)]


def registered() -> list[str]:
    """What is registered, by qualified name (for the registry boot test)."""
    return [f"{f.__module__}.{f.__qualname__}" for f in (*_lookups, *_listings)]
