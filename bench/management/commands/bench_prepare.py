"""Sessions for the busy users and the pages to measure, as JSON for bench/run.py.

Sessions are written straight to the session store (no sign-in form, so the lockout never
counts the load run as an attack); a person who needs a second factor gets a verified device.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from cases.models import Case
from cases.selectors import DESK_PAGE_SIZE
from councils.choices import BodyKind
from councils.models import Body
from meetings.models import Meeting
from reports.models import Report, ReportStatus

BUSY = "samordnare.sunne"
START_PAGE_USERS = [
    "samordnare.sunne",
    "rektor.sunne",
    "kommunpolis",
    "lpo.chef",
    "agera",
    "lansstyrelsen",
    "styrgrupp.sunne",
    "kontakt.polisregion",
    "admin",
    "dso",
]
# Further pages of apps that register here: function() -> list of (name, path, username).
PAGE_SOURCES: list[Callable[[], list[tuple[str, str, str]]]] = []


def session_for(user: User) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for mark in VERIFIERS:
        mark(user, store)
    store.create()
    return str(store.session_key)


def second_factor_passed(user: User, session: Any) -> None:
    """As if the person had entered a code: a confirmed device, named in the session."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


# Functions(user, session) that finish a signed-in session the way a sign-in would.
VERIFIERS: list[Callable[[User, Any], None]] = [second_factor_passed]


def pages() -> list[tuple[str, str, str]]:
    busy_case = Case.objects.get(title="NMR lockar unga på gymnasiet")
    own = Case.objects.filter(municipality__code="SUN").count()
    last_page = max(1, -(-own // DESK_PAGE_SIZE))
    desk = reverse("cases:desk")
    queue = reverse("cases:queue")
    found = [
        ("floor (signed in)", reverse("bench_floor"), BUSY),
        ("floor (bare Django)", reverse("bench_bare"), ""),
        ("desk", desk, BUSY),
        ("desk filtered", f"{desk}?area=vbe&status=follow_up", BUSY),
        ("desk last page", f"{desk}?sida={last_page}", BUSY),
        ("case page", reverse("cases:detail", args=[busy_case.reference]), BUSY),
        ("timeline", reverse("cases:timeline", args=[busy_case.reference]), BUSY),
        ("queue open (Agera)", queue, "agera"),
        ("queue all (Agera)", f"{queue}?alla=1", "agera"),
        ("case list (desk rows)", f"{desk}?status=closed", BUSY),
        (
            "admin changelist",
            f"{reverse('bench_admin:cases_case_changelist')}?status__exact=closed"
            f"&municipality__id__exact={busy_case.municipality_id}",
            BUSY,
        ),
    ]
    found += _meeting_and_report_pages()
    for username in START_PAGE_USERS:
        found.append((f"start page ({username})", reverse("home"), username))
    for source in PAGE_SOURCES:
        try:
            found += source()
        except (NoReverseMatch, LookupError):
            continue
    return found


def _meeting_and_report_pages() -> list[tuple[str, str, str]]:
    found = [("meetings list", reverse("meetings:list"), BUSY)]
    working_group = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    coming = (
        Meeting.objects.filter(body=working_group, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if coming is not None:
        found.append(
            ("agenda (next working group)", reverse("meetings:detail", args=[coming.pk]), BUSY)
        )
    report = Report.objects.filter(status=ReportStatus.DONE).order_by("-end").first()
    if report is not None:
        found.append(
            ("report page", reverse("reports:detail", args=[report.pk]), "styrgrupp.sunne")
        )
    return found


class Command(BaseCommand):
    help = "Print the benchmark's sessions and pages as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        listed = pages()
        names = sorted({user for _, _, user in listed if user})
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        cookies = {name: session_for(users[name]) for name in names}
        self.stdout.write(
            json.dumps(
                {
                    "cookies": cookies,
                    "pages": [{"page": n, "path": p, "user": u} for n, p, u in listed],
                }
            )
        )
