"""The names of the cached page parts' versions that case writes make stale (sutohamu.fragments).

`case:<reference>` covers everything the case page caches of one case (its facts, follow-up,
pseudonyms, measures, consents, notes); `CASES_LISTED` covers what other pages list of cases
across municipalities (the agenda's cases and escalations due for review), and is bumped only by
the writes that change such a line: status, codes, owner, escalations.
"""

from __future__ import annotations

from collections.abc import Iterable

from sutohamu import fragments

from .models import Case

CASES_LISTED = "cases-listed"


def case_version(reference: str) -> str:
    return f"case:{reference}"


def case_changed(case: Case, *, listed: bool = False) -> None:
    """The case's page parts, and with `listed` the lists of cases, are stale on commit."""
    cases_changed([case.reference], listed=listed)


def cases_changed(references: Iterable[str], *, listed: bool = False) -> None:
    names = [case_version(r) for r in references]
    fragments.bump(*names, *([CASES_LISTED] if listed else []))
