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

# A case that has been worked on (it reached measures or follow-up, or has measures or a
# follow-up plan) closes only from follow-up after the minimum follow-up period, or on the working
# group's early-closure decision about it (cases/services.py `_check_closing`). So the table's
# ASSESSING -> CLOSED is open only to a case never worked on; MEASURES -> ASSESSING -> CLOSED
# without a decision is refused (code `followup_required`), and FOLLOW_UP -> CLOSED before the
# minimum period likewise (code `minimum_period`).
WORKED_STATUSES: frozenset[str] = frozenset({S.MEASURES, S.FOLLOW_UP})
CLOSE_NEEDS_FOLLOWUP: frozenset[tuple[str, str]] = frozenset(
    {(S.ASSESSING, S.CLOSED), (S.FOLLOW_UP, S.CLOSED)}
)

OPEN_STATUSES: frozenset[str] = frozenset(set(S.values) - {S.CLOSED})

# The table in the shape every state table has (sutohamu/states.py): a step is a target status.
LIFE_CYCLE = StateTable(TRANSITIONS)


def needs_reason(current: str, target: str) -> bool:
    return (current, target) in REASON_REQUIRED
