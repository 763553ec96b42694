"""The start page's panels: which capability shows which panel.

Later issues fill the panels; each is shown only to people whose roles grant its capability.
An app above accounts gives a panel its figures with `register_summary(key, fn)` in its
`AppConfig.ready()` (the foundation names no function of an upper app). A summary may be a plan
(sutohamu.statements: a generator that yields the statements it needs): the panels' statements
then run together, one round trip for all the panels' first statements and one for any that
need a second.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from sutohamu import rendered, statements

from .capabilities import Capability, capabilities_of

if TYPE_CHECKING:
    from .capabilities import AnyUser


@dataclass(frozen=True)
class Panel:
    key: str
    capability: Capability
    title: str | Promise
    empty_text: str | Promise
    link: str = ""  # URL name of the page the panel leads to
    link_text: str | Promise = ""
    # Shown only when its summary has something to say (a nudge, not a section).
    only_with_figures: bool = False


PANELS: tuple[Panel, ...] = (
    Panel(
        "cases",
        Capability.WORK_CASES,
        _("My cases"),
        _("You have no open cases."),
        link="cases:desk",
        link_text=_("Open my desk"),
    ),
    Panel(
        "report",
        Capability.REPORT_CONCERN,
        _("Report a concern"),
        _("Describe a problem picture; people only by pseudonym."),
        link="cases:report",
        link_text=_("Report a concern"),
    ),
    Panel(
        "my_reports",
        Capability.FOLLOW_OWN_REPORTS,
        _("Concerns I reported"),
        _("Reference and status of what you reported."),
        link="cases:my_reports",
        link_text=_("See my reports"),
    ),
    Panel(
        "queue",
        Capability.REVIEW_ESCALATIONS,
        _("Escalations to my organisation"),
        _("No escalations are waiting."),
        link="cases:queue",
        link_text=_("Open the queue"),
    ),
    Panel(
        "meetings",
        Capability.PREPARE_MEETINGS,
        _("Coming meetings"),
        _("No meetings are planned yet."),
    ),
    Panel(
        "picture",
        Capability.REVIEW_ESCALATIONS,
        _("Situational picture"),
        "",
        only_with_figures=True,
    ),
    Panel(
        "reports",
        Capability.VIEW_STATUS_REPORTS,
        _("Status reports"),
        _("No status reports are available yet."),
        link="reports:archive",
        link_text=_("Open the status reports"),
    ),
    Panel(
        "accounts",
        Capability.MANAGE_ACCOUNTS,
        _("Accounts and roles"),
        _("Manage people, roles and organisations in the administration."),
        link="admin:index",
        link_text=_("Open the administration"),
    ),
    Panel(
        "access_log",
        Capability.READ_ACCESS_LOG,
        _("Access log"),
        _("Who read which case, and when."),
        link="cases:read_log",
        link_text=_("Open the access log"),
    ),
)


# A function(user) -> figures, or a plan of them (sutohamu.statements.Plan); typed loosely since
# the upper apps take a signed-in User.
Summary = Callable[[Any], Any]
_summaries: dict[str, Summary] = {}


def register_summary(key: str, summary: Summary) -> None:
    """The function(user) -> dict (or a plan of one) that gives the panel `key` its figures:
    plain data (numbers, text, dates, frozen dataclasses) whose `repr` names every value the
    panel shows, since the panels' HTML is kept by it (`rendered_panels`); never a model
    instance."""
    if key not in {p.key for p in PANELS}:
        raise ValueError(f"No panel {key!r}")
    _summaries[key] = summary


def summaries() -> dict[str, Summary]:
    return dict(_summaries)


def panels_for(user: AnyUser) -> list[tuple[Panel, dict]]:
    """The panels the person's roles open, each with its figures."""
    return statements.run(panels_plan(user))


def panels_plan(user: AnyUser) -> statements.Plan[list[tuple[Panel, dict]]]:
    """`panels_for` as a plan: the summaries' statements run together (`statements.all_of`),
    one round trip per step rather than one per statement (and with the start page's list of
    new notifications)."""
    caps = capabilities_of(user)
    opened = [p for p in PANELS if p.capability in caps]
    figures = yield from statements.all_of(
        {p.key: _summaries[p.key](user) if p.key in _summaries else {} for p in opened}
    )
    return [(p, figures[p.key]) for p in opened if figures[p.key] or not p.only_with_figures]


def rendered_panels(panels: list[tuple[Panel, dict]]) -> SafeString:
    """The panels' HTML (templates/accounts/panels.html), rendered once per process for each
    distinct content and reused after.

    The key is everything the HTML is made of: each panel's key and its figures as plain data
    (counts, dataclasses of the rows; their `repr` names every value shown), the language, the
    time zone, the URL prefix and the templates' digest. No version and no expiry are needed:
    any change in the figures (a case opened, a meeting planned, a report finished) is a new
    key at once, and the same figures always give the same HTML. Rendering cost 3-6 ms of
    Python a page for the busiest coordinator; the figures' statements still run on every
    request against the live rows. The template sees no request and no person: only what the
    key names.
    """
    content = [(panel.key, figures) for panel, figures in panels]
    return rendered.once("accounts/panels.html", content, {"panels": panels})


def rendered_newest(rows: list[tuple[str, datetime.datetime, str]], csrf_token: str) -> SafeString:
    """ "New for you" (templates/accounts/new_for_you.html) from plain rows (message, when, the
    link that opens it), kept like the panels by the rows themselves; each form's CSRF token is
    put in per request (the kept text holds a placeholder, as sutohamu.fragments' parts do)."""
    text = rendered.once(
        "accounts/new_for_you.html",
        rows,
        {"notifications": rows, "csrf_token": rendered.CSRF_PLACEHOLDER},
    )
    return rendered.with_token(text, csrf_token)
