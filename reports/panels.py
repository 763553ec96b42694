"""The start page's status-report panel: the latest reports and the next steering meeting.

Named as the `summary` of the "reports" panel in accounts/panels.py; rendered by
templates/reports/panel.html. Both reads are compiled once per person, roles and day and run
against the live rows (sutohamu.statements); the template gets plain data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from accounts.capabilities import fragment_scope
from councils.choices import BodyKind
from meetings.panels import coming_meetings_plan
from sutohamu import statements

from .access import reports_for
from .models import ReportStatus, Scope

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

LATEST = 3
_SCOPES: dict[str, str | Promise] = dict(Scope.choices)


@dataclass(frozen=True)
class LatestReport:
    pk: int
    start: datetime.date
    end: datetime.date
    scope: str

    def get_scope_display(self) -> str:
        return str(_SCOPES.get(self.scope, self.scope))


def summary(user: AnyUser) -> dict[str, Any]:
    """Two reads: the latest finished reports, and the next steering-group meeting."""
    return statements.run(summary_plan(user))


def summary_plan(user: AnyUser) -> statements.Plan[dict[str, Any]]:
    """`summary` as a plan: both reads run together, with the other panels' (the start page)."""

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        done = reports_for(user).filter(status=ReportStatus.DONE)
        return done.values("pk", "start", "end", "scope")[:LATEST]

    statement = statements.compiled(
        ("reports.latest", fragment_scope(user), timezone.localdate()), build
    )
    steering_plan = coming_meetings_plan(
        user, "visible_to", narrow={"body__kind": BodyKind.STEERING_GROUP}, limit=1
    )
    found = yield from statements.all_of(
        {"latest": _latest_plan(statement), "steering": steering_plan}
    )
    steering = found["steering"]
    return {"latest": found["latest"], "steering": steering[0] if steering else None}


def _latest_plan(statement: statements.Statement | None) -> statements.Plan[list[LatestReport]]:
    if statement is None:
        return []
    (rows,) = yield [statements.Ask(statement)]
    return [LatestReport(**row) for row in rows]
