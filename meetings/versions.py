"""The names of the cached agenda parts' versions (sutohamu.fragments).

The meeting page's cached part shows its meeting's rows (`meeting:<pk>`: the meeting, items, notes,
situational pictures, attendance, decisions, checkers, versions, change log), the
cases and escalations due for review (`cases.versions.CASES_LISTED`), the open medskick
(`councils.services.MEDSKICK_VERSION`) and the body's open action items (`ACTIONS_VERSION`).
"""

from __future__ import annotations

from cases.versions import CASES_LISTED
from councils.services import MEDSKICK_VERSION

ACTIONS_VERSION = "action-items"


def meeting_version(pk: int) -> str:
    return f"meeting:{pk}"


def agenda_versions(pk: int) -> list[str]:
    """Every version an agenda item of meeting `pk` may show."""
    return [meeting_version(pk), CASES_LISTED, MEDSKICK_VERSION, ACTIONS_VERSION]
