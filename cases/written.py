"""What follows every write to a case or to anything under it, in the write's own transaction:
the desk's read model (desk_rows) and the cached page parts (versions: the case's page and
timeline, and the desks of its municipality). One call, so that no service refreshes the one and
forgets the other."""

from __future__ import annotations

from collections.abc import Sequence

from .desk_rows import desk_sync
from .models import Case
from .versions import cases_changed, desks_changed


def cases_written(cases: Sequence[Case], *, desk: bool = True, listed: bool = False) -> None:
    """`desk`: the write touched what the desk shows; `listed`: what other pages list of cases."""
    if desk:
        desk_sync(case.pk for case in cases)
    cases_changed((case.reference for case in cases), listed=listed)
    # Also when the desk's rows stay: its consent panel shows consents and pseudonyms.
    desks_changed(case.municipality_id for case in cases)


def case_written(case: Case, *, desk: bool = True, listed: bool = False) -> None:
    cases_written([case], desk=desk, listed=listed)
