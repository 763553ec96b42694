"""The seed's reference workflow, walked in Chromium by the people who do each step, by clicking.

A new concern at the school: the principal reports it (keyboard only); Sunne's coordinator finds
it on the desk, assesses it and escalates it to Torsby, Agera and the police in one form; Torsby
acknowledges; Agera answers with two proposed measures, which Sunne accepts from the case page;
the kommunpolis records that the Security Service was informed and closes the police part; Sunne
moves the case to follow-up and logs a contact; the working group's agenda shows the case line
(reordered by keyboard); the minutes are approved; the steering group downloads the report PDF
and finds no case text. Every page the walk opens is checked with axe-core (no serious or
critical violation) and at 375 px (no sideways scrolling), except the plain pages that
tests/browser/test_pages.py checks both ways as the same person (`checked_here`: the start pages
of Sunne's coordinator and the principal, the desk, the intake form, the principal's reports,
Agera's queue), which the walk reaches eight or nine times; with WORKFLOW_SCREENSHOTS=1 its first
screen is photographed (JPEG) into test-artifacts/workflow/ (gitignored), for a person to look at
(no check reads them, and they were a tenth of the walk's time). No sleeps: each wait is on the
page's own state.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from tests.browser.conftest import (
    NARROW,
    VIEWPORT,
    axe_run,
    follow,
    narrow_overflow,
    set_viewport,
)
from tests.browser.test_pages import checked_here

pytestmark = pytest.mark.slow

SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "workflow"
TAKE_SHOTS = os.environ.get("WORKFLOW_SCREENSHOTS", "") not in ("", "0")
TITLE = "Klistermärken från NMR i skolans trapphus"
DESCRIPTION = "Klistermärken med NMR-symboler har satts upp i trapphuset tre veckor i rad."


def sv(msgid: str) -> str:
    """The Swedish interface's words for an English msgid."""
    with translation.override("sv"):
        return gettext(msgid)


class Walk:
    """The browser page, and what the checks found on every page the walk opened."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url, self.step = page, url, 0
        self.found: dict[str, list] = {}
        self.person = ""
        self.checked_elsewhere = checked_here()
        self.not_checked_again: list[str] = []
        if TAKE_SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            for old in [*SHOTS.glob("*.png"), *SHOTS.glob("*.jpg")]:
                old.unlink()

    def check(self, name: str) -> None:
        """axe-core's serious and critical WCAG 2.1 A/AA findings, the 375 px width, a picture
        (WORKFLOW_SCREENSHOTS=1)."""
        page = self.page
        page.wait_for_load_state("load")
        self.step += 1
        address = urllib.parse.urlsplit(page.url)
        if address.query or (self.person, address.path) not in self.checked_elsewhere:
            self._check_page(name)
        else:
            self.not_checked_again.append(f"{self.person} {address.path}")
        if TAKE_SHOTS:  # the first screen, as JPEG: a full-page PNG took ten times as long
            page.screenshot(path=str(SHOTS / f"{self.step:02d}-{name}.jpg"), quality=70)

    def _check_page(self, name: str) -> None:
        page = self.page
        problems = []
        if overflow := narrow_overflow(page):
            problems.append(overflow)
        problems += [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in axe_run(page)
            if v["impact"] in ("serious", "critical")
        ]
        if problems:
            self.found[f"{self.step:02d} {name} {page.url}"] = problems

    def sign_in(self, username: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.url}/logga-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("main button[type=submit]")
        page.wait_for_url(f"{self.url}/")
        self.person = username
        self.check(f"start-{username}")

    def click(self, selector: str, name: str) -> None:
        """Click something that opens a page, wait for it, and check it."""
        follow(self.page, selector)
        self.check(name)

    def tab_to(self, selector: str, limit: int = 60) -> None:
        """Tab until `selector` has the focus; every stop on the way shows its focus."""
        page = self.page
        for _ in range(limit):
            page.keyboard.press("Tab")
            state = page.evaluate(
                """(sel) => {
                     const e = document.activeElement, s = getComputedStyle(e);
                     const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                                   || s.boxShadow !== 'none';
                     return {hit: e.matches(sel), shown: shown,
                             what: e.tagName + '#' + e.id + '.' + e.className};
                   }""",
                selector,
            )
            assert state["shown"], f"no visible focus on {state['what']}"
            if state["hit"]:
                return
        raise AssertionError(f"{selector} not reached with Tab")


@pytest.fixture
def walk(page, demo_server):
    return Walk(page, demo_server.url)


def test_the_reference_workflow_in_the_browser(walk, page):
    from cases.models import Case

    reference = report_the_concern(walk, page)
    case = Case.objects.get(reference=reference)
    assess_and_escalate(walk, page, reference)
    torsby_acknowledges(walk, page, reference)
    agera_answers_and_sunne_accepts(walk, page, reference)
    police_record_the_security_service_and_close(walk, page, reference)
    followup_and_contact(walk, page, reference)
    meeting = agenda_shows_the_case_and_is_reordered_by_keyboard(walk, page, reference)
    approve_the_minutes(walk, page, meeting, secretary=owner_of(meeting))
    steering_group_report_has_no_case_text(walk, page, case)
    assert walk.found == {}
    # The pages test_pages.py checks were reached, as those people, and left to it (Sunne's
    # start page three or four times: the agenda owner may be Sunne's coordinator).
    assert set(walk.not_checked_again) == {
        "rektor.sunne /",
        "rektor.sunne /arenden/anmal/",
        "rektor.sunne /arenden/mina-anmalningar/",
        "samordnare.sunne /",
        "samordnare.sunne /arenden/",
        "agera /arenden/inkorg/",
    }


def report_the_concern(walk: Walk, page) -> str:
    """rektor.sunne, keyboard only: skip link, then the intake form from top to bottom."""
    walk.sign_in("rektor.sunne")
    walk.click(f"main a:has-text('{sv('Report a concern')}')", "intake-form")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    walk.tab_to("input[name=areas][value=vbe]")
    page.keyboard.press("Space")
    walk.tab_to("input[name=setting]")
    page.keyboard.press("Space")  # the first setting: school
    walk.tab_to("#id_title")
    page.keyboard.type(TITLE)
    walk.tab_to("#id_description")
    page.keyboard.type(DESCRIPTION)
    walk.tab_to("#id_subjects-0-pseudonym")
    page.keyboard.type("Elev A")
    walk.tab_to("#id_subjects-1-pseudonym")
    page.keyboard.type("Elev B")
    walk.tab_to("main .actions button[type=submit]:not([name])")  # Anmäl oro
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.check("reported")
    match = re.search(r"SUN-\d{4}-\d{4}", page.inner_text("main"))
    assert match, page.inner_text("main")
    return match.group()


def assess_and_escalate(walk: Walk, page, reference: str) -> None:
    """samordnare.sunne finds the case by searching the desk, assesses it and escalates it to
    Torsby, Agera and the police in one form."""
    walk.sign_in("samordnare.sunne")
    walk.click("nav a[href='/arenden/']", "desk")
    page.fill("#id_q", "trapphus")
    walk.click(f"main form[role=search] button:has-text('{sv('Filter')}')", "desk-search")
    walk.click(f"main table a:has-text('{reference}')", "case")
    page.select_option("#id_to", "assessing")
    page.fill("#id_reason", "Rektor har anmält; vi bedömer läget.")
    walk.click(f"main button:has-text('{sv('Change status')}')", "assessing")
    assert sv("Being assessed") in page.inner_text("main .facts")
    walk.click(f"main a:has-text('{sv('Escalate')}')", "escalate-form")
    for code in ("TOR", "AGERA", "LPO-NV"):
        row = _receiver_row(page, code)
        pseudonyms = row.locator("fieldset")
        assert pseudonyms.is_hidden()  # shown once the receiver is ticked
        row.locator(".check input").first.check()
        pseudonyms.wait_for(state="visible")
        pseudonyms.locator("input").first.check()
    page.fill("#id_reason", "En av eleverna bor i Torsby; propaganda på skolan.")
    page.fill("#id_request", "Kvittera och föreslå insatser.")
    page.check("#id_take_up_at_working_group")
    walk.click(f"main button[type=submit]:has-text('{sv('Escalate')}')", "escalated")


def _receiver_row(page, code: str):
    from accounts.models import Organisation

    name = Organisation.objects.get(code=code).name
    return page.locator(".receiver-row", has=page.locator(f"label:has-text('{name}')"))


def _open_from_queue(walk: Walk, page, username: str, reference: str) -> None:
    walk.sign_in(username)
    walk.click("nav a[href='/arenden/inkorg/']", f"queue-{username}")
    walk.click(f"main a:has-text('{reference}')", f"escalation-{username}")


def torsby_acknowledges(walk: Walk, page, reference: str) -> None:
    _open_from_queue(walk, page, "samordnare.torsby", reference)
    walk.click(f"main button:has-text('{sv('Acknowledge')}')", "acknowledged-torsby")
    assert sv("Acknowledged") in page.inner_text("main")


def agera_answers_and_sunne_accepts(walk: Walk, page, reference: str) -> None:
    """Agera answers with two proposed measures; Sunne accepts both from the case page."""
    from accounts.models import Organisation

    agera = str(Organisation.objects.get(code="AGERA").pk)
    _open_from_queue(walk, page, "agera", reference)
    walk.click(f"main button:has-text('{sv('Acknowledge')}')", "acknowledged-agera")
    page.fill("#id_answer", "Vi föreslår handledning och personalutbildning.")
    page.select_option("#id_proposals-0-kind", "supervision")
    page.select_option("#id_proposals-0-responsible", agera)
    page.select_option("#id_proposals-1-kind", "staff_training")
    page.select_option("#id_proposals-1-responsible", agera)
    walk.click(f"main button:has-text('{sv('Send answer')}')", "answered-agera")
    walk.sign_in("samordnare.sunne")
    page.goto(f"{walk.url}/arenden/{reference}/")  # the notification's address
    walk.check("case-with-proposals")
    accept = f"main .proposals button:has-text('{sv('Accept into the case')}')"
    assert page.locator(accept).count() == 2
    walk.click(accept, "accepted-first")
    walk.click(accept, "accepted-second")
    assert page.locator(accept).count() == 0
    measures = page.inner_text("main")
    assert sv("Supervision") in measures and sv("Staff training") in measures


def police_record_the_security_service_and_close(walk: Walk, page, reference: str) -> None:
    _open_from_queue(walk, page, "kommunpolis", reference)
    walk.click(f"main button:has-text('{sv('Acknowledge')}')", "acknowledged-police")
    page.fill("#id_on", timezone.localdate().isoformat())
    walk.click(f"main button:has-text('{sv('Record')}')", "security-service-recorded")
    from cases.models import Escalation

    police = Escalation.objects.get(case__reference=reference, receiver__code="LPO-NV")
    assert police.security_service_informed_on == timezone.localdate()
    walk.click(f"main a:has-text('{sv('Close our part …')}')", "close-police-part")
    walk.click("main form button[type=submit]", "police-part-closed")
    assert reference not in page.inner_text("main")  # back in the queue, the part closed


def followup_and_contact(walk: Walk, page, reference: str) -> None:
    """Sunne moves the case on to follow-up (planning the commitment) and logs a contact."""
    walk.sign_in("samordnare.sunne")
    page.goto(f"{walk.url}/arenden/{reference}/")
    walk.check("case-before-followup")
    page.select_option("#id_to", "follow_up")
    page.fill("#id_reason", "Insatserna är igång; långsiktig uppföljning.")
    walk.click(f"main button:has-text('{sv('Change status')}')", "commitment-form")
    if page.locator("#id_months").count():
        page.fill("#id_team_roles", "elevhälsa, mentor")
        walk.click("main form button[type=submit]", "in-followup")
    assert sv("Follow-up") in page.inner_text("main .facts")
    walk.click(f"main a:has-text('{sv('Log a contact')}')", "contact-form")
    page.fill("#id_on", timezone.localdate().isoformat())
    page.select_option("#id_kind", index=1)
    page.fill("#id_who", "samordnare, rektor")
    walk.click("main form button[type=submit]", "contact-logged")
    # Logged the day follow-up began: the next contact stays two weeks ahead, and says so.
    assert sv("The contact was logged; the next contact is unchanged.") in page.inner_text("main")


def agenda_shows_the_case_and_is_reordered_by_keyboard(walk: Walk, page, reference: str):
    """The next working-group meeting's agenda lists the case (marked for the working group);
    its agenda owner moves an item down with the keyboard alone."""
    from meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(body__kind="working_group", starts_at__gte=timezone.now())
        .select_related("host")
        .order_by("starts_at")
        .first()
    )
    owner = owner_of(meeting)
    walk.sign_in(owner)
    walk.click("nav a[href='/moten/']", "meetings")
    walk.click(f"main a[href='/moten/{meeting.pk}/']", "meeting")
    create = f"main button:has-text('{sv('Create the agenda with its standing items')}')"
    if page.locator(create).count():
        walk.click(create, "agenda-created")
    assert reference in page.inner_text("#dagordning")
    headings = page.locator(".agenda > li > h3").all_inner_texts()
    walk.tab_to(".agenda > li:first-child .item-tools button[value=down]", limit=400)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    walk.check("agenda-reordered")
    moved = page.locator(".agenda > li > h3").all_inner_texts()
    assert moved[:2] == [headings[1], headings[0]]
    # At 375 px an item's controls stay one compact row (they were five stacked controls).
    set_viewport(page, {"width": NARROW, "height": 800})
    tallest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.item-tools')]"
        ".map(e => e.getBoundingClientRect().height))"
    )
    set_viewport(page, VIEWPORT)
    assert tallest <= 60, f"agenda controls {tallest} px tall at 375 px"
    return meeting


def owner_of(meeting) -> str:
    """The demo account of the meeting's agenda owner (the host municipality's coordinator)."""
    return f"samordnare.{meeting.host.name.split()[0].lower()}" if meeting.host else "kommunpolis"


def approve_the_minutes(walk: Walk, page, meeting, secretary: str) -> None:
    """The meeting is held; the agenda owner, who writes the minutes, names the chair and a
    justerare among those present; the justerare signs in and approves, which locks the minutes.

    Two steps are set up without the browser: the meeting's time is moved into the past (the
    live server's clock cannot be), and everyone seated is recorded as present.
    """
    from accounts.models import User
    from meetings import services
    from meetings.models import Meeting

    held = timezone.now() - datetime.timedelta(hours=3)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=held, ends_at=held + datetime.timedelta(hours=2)
    )
    meeting.refresh_from_db()
    writer = User.objects.get(username=secretary)
    services.attendance_record(
        meeting=meeting,
        present=[s.user_id for s in services.seats_of(meeting)],
        guests=[],
        by=writer,
    )
    others = [u for u in services.present_people(meeting) if u.username != secretary]
    checker = next((u for u in others if u.username == "kommunpolis"), others[0])
    chair = next(u for u in others if u != checker)

    page.goto(f"{walk.url}/moten/{meeting.pk}/protokoll/")
    walk.check("minutes-held")
    page.select_option("#id_chair", str(chair.pk))
    page.check(f"input[name=checkers][value='{checker.pk}']")
    walk.click(
        f"main button:has-text('{sv('Name the chair and the minutes checkers')}')", "justering"
    )
    assert sv("The chair and the minutes checkers were named.") in page.inner_text("main")
    # Whoever writes the minutes never approves them alone: the page says why.
    assert page.locator("#approval-refused").count() == 1

    walk.sign_in(checker.username)
    page.goto(f"{walk.url}/moten/{meeting.pk}/protokoll/")
    walk.check("minutes-checker")
    walk.click(f"main button:has-text('{sv('Approve as minutes checker')}')", "minutes-approved")
    meeting.refresh_from_db()
    assert meeting.is_locked and meeting.approved_by == checker
    assert meeting.versions.count() == 1  # frozen: the official version


def steering_group_report_has_no_case_text(walk: Walk, page, case) -> None:
    walk.sign_in("styrgrupp.sunne")
    walk.click("nav a[href='/rapporter/']", "reports")
    walk.click("main table a[href^='/rapporter/']", "report")
    with page.expect_download() as download:
        page.click("main a[href$='rapport.pdf']")
    content = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert len(text) > 200  # a real report
    for secret in (case.title, case.description[:40], case.reference, "Elev A", "trapphus"):
        assert secret not in text
