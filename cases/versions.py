"""The names of the cached page parts' versions that case writes make stale (sutohamu.fragments).

`case:<reference>` covers everything the case page caches of one case (its facts, follow-up,
pseudonyms, measures, consents, notes); `CASES_LISTED` covers what other pages list of cases
across municipalities (the agenda's cases and escalations due for review), and is bumped only by
the writes that change such a line: status, codes, owner, escalations.

`desk:<municipality id>` covers the cached panels of the desks that show that municipality's
cases (every write to a case or anything under it bumps it: the panels show states, owners,
measures, plans, consents and pseudonyms); `DESKS` covers every desk, for what rewrites the
desk's rows or cases in bulk (a rebuild of the read model, a reduction after retention).
"""

from __future__ import annotations

from collections.abc import Iterable

from sutohamu import fragments

from .models import Case

CASES_LISTED = "cases-listed"
DESKS = "desks"


def case_version(reference: str) -> str:
    return f"case:{reference}"


def case_changed(case: Case, *, listed: bool = False) -> None:
    """The case's page parts, and with `listed` the lists of cases, are stale on commit."""
    cases_changed([case.reference], listed=listed)


def cases_changed(references: Iterable[str], *, listed: bool = False) -> None:
    names = [case_version(r) for r in references]
    fragments.bump(*names, *([CASES_LISTED] if listed else []))


def desk_version(municipality_id: int) -> str:
    return f"desk:{municipality_id}"


def desk_versions(municipality_ids: Iterable[int]) -> list[str]:
    """What a desk showing these municipalities' cases is read under."""
    return [DESKS, *(desk_version(m) for m in sorted(municipality_ids))]


def desks_changed(municipality_ids: Iterable[int] | None = None) -> None:
    """The desks' cached panels of these municipalities (None: every desk) are stale on commit."""
    if municipality_ids is None:
        fragments.bump(DESKS)
    else:
        fragments.bump(*(desk_version(m) for m in sorted(set(municipality_ids))))
