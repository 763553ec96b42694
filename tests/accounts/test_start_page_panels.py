"""The start page's panels follow the rows at once: their statements are compiled once per person,
roles and day (sutohamu.statements) and run on the live rows, so a write through a service shows
on the next start page with nothing to invalidate, and a role ended changes what is compiled."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleAssignment, User
from cases import escalation
from cases import services as cases_services
from councils.choices import BodyKind
from meetings.choices import Trend
from meetings.models import Meeting, SituationReport
from meetings.services import meeting_cancel, situation_report_submit
from reports import figures
from reports.models import Scope
from reports.services import report_build, report_request
from tests.demo_objects import org
from tests.meetings.conftest import next_working_group_meeting

pytestmark = pytest.mark.django_db


def start_page(client) -> str:
    return client.get(reverse("home")).content.decode()


def panel(page: str, key: str) -> str:
    """The text of one panel of the start page ("" when it is not shown)."""
    found = re.search(rf'<section class="panel" id="panel-{key}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def figure(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


def reported_case(user: User):
    case = cases_services.case_report(
        by=user,
        municipality=org("HAG"),
        areas=["vbe"],
        setting="school",
        title="Klotter vid busshållplatsen",
        description="Symboler på väggen.",
    )
    if case.owner_id != user.pk:
        case = cases_services.case_reassign(case=case, owner=user, by=user, reason="Min")
    return case


def test_the_cases_panel_counts_a_case_reported_through_the_service(login):
    client = login("samordnare.hagfors")
    before = figure(panel(start_page(client), "cases"), r"(\d+) öppn[ae]t? ärenden?")
    reported_case(User.objects.get(username="samordnare.hagfors"))
    after = panel(start_page(client), "cases")
    assert figure(after, r"(\d+) öppn[ae]t? ärenden?") == before + 1
    assert figure(after, r"(\d+) väntar på din första åtgärd") >= 1


def test_the_queue_panel_counts_an_escalation_opened_through_the_service(login):
    client = login("agera")
    pattern = r"(\d+) öppn?[ae]n? eskalering(?:ar)?"
    before = figure(panel(start_page(client), "queue"), pattern)
    new_before = figure(panel(start_page(client), "queue"), r"(\d+) nya?\b")
    case = reported_case(User.objects.get(username="samordnare.hagfors"))
    escalation.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="Oro", request="Stöd"
    )
    after = panel(start_page(client), "queue")
    assert figure(after, pattern) == before + 1
    assert figure(after, r"(\d+) nya?\b") == new_before + 1


def test_the_meetings_panel_drops_a_meeting_cancelled_through_the_service(login, demo):
    client = login("samordnare.sunne")
    coming = next_working_group_meeting()
    link = f'href="{reverse("meetings:detail", args=[coming.pk])}"'
    assert link in panel(start_page(client), "meetings")
    meeting_cancel(
        meeting=coming, reason="Krockar med lovet", by=User.objects.get(username="admin")
    )
    assert link not in panel(start_page(client), "meetings")


@pytest.mark.parametrize("username", ["lansstyrelsen", "samordnare.sunne"])
def test_the_lagesbild_nudge_turns_when_the_picture_is_submitted(login, demo, username):
    """Länsstyrelsen sees it as its own panel, a coordinator within the meetings panel."""
    client = login(username)
    user = User.objects.get(username=username)
    coming = next_working_group_meeting()
    SituationReport.objects.filter(meeting=coming).delete()
    page = start_page(client)
    assert "är inte lämnad ännu" in page and "är lämnad." not in page
    organisation = RoleAssignment.objects.filter(user=user).first().organisation
    data = {"trend_andt": Trend.UP, "trend_crime": Trend.UP, "trend_vbe": Trend.DOWN}
    situation_report_submit(meeting=coming, organisation=organisation, data=data, by=user)
    page = start_page(client)
    assert "är lämnad." in page and "är inte lämnad ännu" not in page


def test_the_reports_panel_shows_a_report_built_through_the_service_and_the_next_steering_meeting(
    login, demo
):
    client = login("styrgrupp.sunne")
    user = User.objects.get(username="styrgrupp.sunne")
    steering = (
        Meeting.objects.filter(body__kind=BodyKind.STEERING_GROUP, ends_at__gte=timezone.now())
        .not_cancelled()
        .order_by("starts_at")
    )
    first, second = steering[0], steering[1]
    shown = panel(start_page(client), "reports")
    assert f'href="{reverse("meetings:detail", args=[first.pk])}"' in shown
    meeting_cancel(meeting=first, reason="Flyttas", by=User.objects.get(username="admin"))
    shown = panel(start_page(client), "reports")
    assert f'href="{reverse("meetings:detail", args=[first.pk])}"' not in shown
    assert f'href="{reverse("meetings:detail", args=[second.pk])}"' in shown
    period = figures.year(timezone.localdate().year - 3)
    report = report_build(report_request(by=user, scope=Scope.ALL, period=period), with_pdf=False)
    shown = panel(start_page(client), "reports")
    assert f'href="{reverse("reports:detail", args=[report.pk])}"' in shown


def test_a_role_ended_takes_its_panels_at_once(login):
    client = login("lansstyrelsen")
    assert panel(start_page(client), "picture") or panel(start_page(client), "queue")
    RoleAssignment.objects.filter(user__username="lansstyrelsen").update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = login("lansstyrelsen")
    page = start_page(client)
    assert not panel(page, "picture") and not panel(page, "queue")


def test_the_panels_kept_by_their_content_follow_the_language(login, settings):
    """The panels' HTML is kept per process by its figures and the language: the same figures
    in English after Swedish are rendered anew, not served from the Swedish copy."""
    client = login("samordnare.sunne")
    assert "Mina ärenden" in panel(start_page(client), "cases")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    shown = panel(start_page(client), "cases")
    assert "My cases" in shown and "Mina ärenden" not in shown
