"""Hand-over steps: what moves to a successor, and how to find what was left behind.

Each kind of thing a person can hold registers one step here. The councils app registers
memberships, action-plan lines and medskick; the cases, escalation and meetings apps register
their own in their AppConfig.ready(). A step's `orphans` finds rows pointing at a person who no
longer has the role they need, for the administrator's orphan page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from accounts.models import Organisation, RoleAssignment, User


@dataclass(frozen=True)
class HandoverContext:
    assignment: RoleAssignment
    from_user: User
    to_user: User
    today: datetime.date

    @property
    def organisation(self) -> Organisation:
        return self.assignment.organisation

    @property
    def reason(self) -> str:
        """Written into each moved row's history, so the change log says why it changed."""
        return _("Hand-over from %(old)s to %(new)s") % {"old": self.from_user, "new": self.to_user}

    @property
    def last_day(self) -> datetime.date:
        """The old holder's last day: yesterday, or the start day for a role begun today."""
        return max(self.assignment.start_date, self.today - datetime.timedelta(days=1))


@dataclass(frozen=True)
class HandoverStep:
    key: str
    label: str | Promise
    move: Callable[[HandoverContext], int]
    orphans: Callable[[], models.QuerySet[Any]]


_steps: dict[str, HandoverStep] = {}


def register(step: HandoverStep) -> None:
    _steps[step.key] = step


def steps() -> list[HandoverStep]:
    return list(_steps.values())
