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
from meetings.panels import coming_meetings
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

    def build(now: datetime.datetime) -> QuerySet[Any, Any]:
        done = reports_for(user).filter(status=ReportStatus.DONE)
        return done.values("pk", "start", "end", "scope")[:LATEST]

    statement = statements.compiled(
        ("reports.latest", fragment_scope(user), timezone.localdate()), build
    )
    latest = [LatestReport(**row) for row in statement.rows()] if statement else []
    steering = coming_meetings(
        user, "visible_to", narrow={"body__kind": BodyKind.STEERING_GROUP}, limit=1
    )
    return {"latest": latest, "steering": steering[0] if steering else None}
