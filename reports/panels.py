"""The start page's status-report panel: the latest reports and the next steering meeting.

Named as the `summary` of the "reports" panel in accounts/panels.py; rendered by
templates/reports/panel.html.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from councils.choices import BodyKind
from meetings.access import meetings_visible_to

from .access import reports_for
from .models import ReportStatus

if TYPE_CHECKING:
    from accounts.capabilities import AnyUser

LATEST = 3


def summary(user: AnyUser) -> dict[str, Any]:
    """Two reads: the latest finished reports, and the next steering-group meeting."""
    latest = list(reports_for(user).filter(status=ReportStatus.DONE)[:LATEST])
    steering = (
        meetings_visible_to(user)
        .filter(body__kind=BodyKind.STEERING_GROUP)
        .coming(timezone.now())
        .order_by("starts_at")
        .first()
    )
    return {"latest": latest, "steering": steering}
