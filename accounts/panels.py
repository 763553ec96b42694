"""The start page's panels: which capability shows which panel.

Later issues fill the panels; each is shown only to people whose roles grant its capability.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .capabilities import Capability, capabilities_of


@dataclass(frozen=True)
class Panel:
    key: str
    capability: Capability
    title: str | Promise
    empty_text: str | Promise


PANELS: tuple[Panel, ...] = (
    Panel("cases", Capability.WORK_CASES, _("My cases"), _("You have no open cases.")),
    Panel(
        "report",
        Capability.REPORT_CONCERN,
        _("Report a concern"),
        _("Concern reporting opens here once cases are in use."),
    ),
    Panel(
        "my_reports",
        Capability.FOLLOW_OWN_REPORTS,
        _("Concerns I reported"),
        _("You have not reported any concerns."),
    ),
    Panel(
        "queue",
        Capability.REVIEW_ESCALATIONS,
        _("Escalations to my organisation"),
        _("No escalations are waiting."),
    ),
    Panel(
        "meetings",
        Capability.PREPARE_MEETINGS,
        _("Coming meetings"),
        _("No meetings are planned yet."),
    ),
    Panel(
        "reports",
        Capability.VIEW_STATUS_REPORTS,
        _("Status reports"),
        _("No status reports are available yet."),
    ),
    Panel(
        "accounts",
        Capability.MANAGE_ACCOUNTS,
        _("Accounts and roles"),
        _("Manage people, roles and organisations in the administration."),
    ),
    Panel(
        "access_log",
        Capability.READ_ACCESS_LOG,
        _("Access log"),
        _("No case reads have been logged yet."),
    ),
)


def panels_for(user: object) -> list[Panel]:
    caps = capabilities_of(user)  # type: ignore[arg-type]
    return [p for p in PANELS if p.capability in caps]
