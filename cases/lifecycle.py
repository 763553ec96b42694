"""The case life cycle: every allowed transition, in one place.

Inkommen -> Under bedömning -> Insatser pågår -> Uppföljning -> Avslutad, and back where the work
needs it. Closing and reopening always need a reason; a case reopens to the state it was closed
from, or to one the owner picks.
"""

from __future__ import annotations

from sutohamu.states import StateTable

from .choices import CaseStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.REPORTED: frozenset({S.ASSESSING}),
    S.ASSESSING: frozenset({S.MEASURES, S.FOLLOW_UP, S.CLOSED}),
    S.MEASURES: frozenset({S.FOLLOW_UP, S.ASSESSING}),
    S.FOLLOW_UP: frozenset({S.MEASURES, S.CLOSED}),
    # Reopen: to the state the case was closed from, or one the owner picks (cases/followup.py).
    S.CLOSED: frozenset({S.ASSESSING, S.MEASURES, S.FOLLOW_UP}),
}

REASON_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (S.ASSESSING, S.CLOSED),
        (S.FOLLOW_UP, S.CLOSED),
        (S.CLOSED, S.ASSESSING),
        (S.CLOSED, S.MEASURES),
        (S.CLOSED, S.FOLLOW_UP),
    }
)

OPEN_STATUSES: frozenset[str] = frozenset(set(S.values) - {S.CLOSED})

# The table in the shape every state table has (sutohamu/states.py): a step is a target status.
LIFE_CYCLE = StateTable(TRANSITIONS)


def allowed_from(status: str) -> frozenset[str]:
    return LIFE_CYCLE.allowed_from(status)


def needs_reason(current: str, target: str) -> bool:
    return (current, target) in REASON_REQUIRED
