"""What an open escalation lets the receiver's people do with a case: one table.

The values are the django-guardian codenames of the per-case permissions (see Case.Meta), so
that a stored grant and the live rule speak of the same right.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .choices import EscalationKind


class Right(enum.StrEnum):
    VIEW = "view_case"  # the shared part: problem picture and the pseudonyms ticked
    ADD_MEASURE = "add_case_measure"  # measures the receiver's organisation is responsible for
    ADD_NOTE = "add_case_note"
    WORK = "work_case"  # the whole case, changed by its municipality; never shared


@dataclass(frozen=True)
class CaseAccess:
    """What the door found for one person and one case; views and templates read it."""

    works: bool  # a coordinator of the owning municipality
    rights: frozenset[Right]  # through open escalations, for everyone else

    def can(self, right: Right) -> bool:
        return self.works or right in self.rights


RECEIVER_RIGHTS: dict[str, frozenset[Right]] = {
    EscalationKind.NEIGHBOUR: frozenset({Right.VIEW, Right.ADD_MEASURE, Right.ADD_NOTE}),
    EscalationKind.AGERA: frozenset({Right.VIEW, Right.ADD_MEASURE}),
    EscalationKind.POLICE: frozenset({Right.VIEW}),
    EscalationKind.REGIONAL: frozenset({Right.VIEW}),
}


def kinds_granting(right: Right) -> list[str]:
    """The escalation kinds whose receivers hold `right` while the escalation is open."""
    return sorted(kind for kind, rights in RECEIVER_RIGHTS.items() if right in rights)
