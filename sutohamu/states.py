"""State tables in one shape: from a state, the steps allowed (and the steps a page offers).

A step is whatever the table's owner moves by: a target status for the case life cycle
(cases/lifecycle.py), an action name for escalations and medskick. The services ask `allows`
before they change a row; forms and templates ask `offered_from` for what to show, so a page
never offers what the service would refuse. A table whose offers are not all allowed fails at
import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StateTable:
    """`allowed`: state → the steps the service accepts from it.

    `offered`: state → the steps a page offers as the next one, where that is fewer (an
    escalation may be answered straight from "new", but the page offers acknowledging first).
    Left out, a page offers everything allowed.
    """

    allowed: Mapping[str, frozenset[str]]
    offered: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for state, steps in self.offered.items():
            extra = steps - self.allowed_from(state)
            if extra:
                raise ValueError(f"offered from {state!r} but not allowed: {sorted(extra)}")

    def allowed_from(self, state: str) -> frozenset[str]:
        return self.allowed.get(state, frozenset())

    def allows(self, state: str, step: str) -> bool:
        """Is `step` allowed from `state`? (The services' question.)"""
        return step in self.allowed_from(state)

    def offered_from(self, state: str) -> frozenset[str]:
        """What a page offers from `state`. (The forms' and templates' question.)"""
        if self.offered:
            return self.offered.get(state, frozenset())
        return self.allowed_from(state)

    def states_allowing(self, step: str) -> frozenset[str]:
        """Every state `step` may start from (for a status__in filter)."""
        return frozenset(state for state, steps in self.allowed.items() if step in steps)
