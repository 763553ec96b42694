"""In a real browser: sign-in, language, keyboard access, and axe-core's WCAG 2.1 AA rules."""

import pytest

from tests.browser.conftest import axe_violations, follow
from tests.demo_objects import nmr_case, nmr_reference

pytestmark = pytest.mark.slow

PAGES_AS_COORDINATOR = [
    "/",
    "/arenden/",
    "/arenden/anmal/",
    "/samverkan/",
    "/samverkan/medskick/",
    "/samverkan/medskick/nytt/",
    "/samverkan/prioriteringar/",
    "/samverkan/prioriteringar/ny/",
    "/samverkan/medborgarloften/",
    "/samverkan/handlingsplaner/",
    "/samverkan/overenskommelse/",
]


def case_pages_as_coordinator(reference: str) -> list[str]:
    return [
        f"/arenden/{reference}/",
        f"/arenden/{reference}/tidslinje/",
        f"/arenden/{reference}/insatser/ny/",
        f"/arenden/{reference}/samtycken/nytt/",
        f"/arenden/{reference}/agare/",
    ]


PAGES_AS_COUNCIL_MEMBER = ["/", "/arenden/mina-anmalningar/", "/arenden/anmal/"]

# The receiver's queue, checked as Agera (the first of `test_escalation_pages_meet_wcag_21_aa`).
QUEUE = "/arenden/inkorg/"

PAGES_AS_ADMINISTRATOR = [
    "/samverkan/overlamning/",
    "/samverkan/overlamning/ny/",
    "/samverkan/utan-ansvarig/",
]


def escalation_pages_as_coordinator(reference: str) -> list[str]:
    """The case's first escalation and its escalate form."""
    from cases.models import Escalation

    escalation = Escalation.objects.filter(case__reference=reference).first()
    return [f"/arenden/eskalering/{escalation.pk}/", f"/arenden/{reference}/eskalera/"]


def checked_here() -> set[tuple[str, str]]:
    """(person, address) of the plain pages that the axe tests here check as that person, at
    the default width and at 375 px (`axe_violations`): the reference workflow does not check
    them again (tests/browser/test_reference_workflow.py)."""
    return (
        {("samordnare.sunne", path) for path in PAGES_AS_COORDINATOR}
        | {("rektor.sunne", path) for path in PAGES_AS_COUNCIL_MEMBER}
        | {("admin", path) for path in PAGES_AS_ADMINISTRATOR}
        | {("agera", QUEUE)}
    )


def test_sign_in_page_meets_wcag_21_aa(page, demo_server):
    page.goto(f"{demo_server.url}/logga-in/")
    assert page.get_attribute("html", "lang") == "sv"
    assert axe_violations(page) == []


def test_coordinator_pages_meet_wcag_21_aa(page, sign_in, demo_server):
    sign_in("samordnare.sunne")
    found = {}
    for path in PAGES_AS_COORDINATOR:
        page.goto(demo_server.url + path)
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    page.goto(demo_server.url + "/samverkan/")
    follow(page, "text=Trygghetsrådet i Sunne")
    if violations := axe_violations(page):
        found["body page"] = violations
    follow(page, "text=Ökad förekomst av narkotika bland unga")
    if violations := axe_violations(page):
        found["medskick page"] = violations

    for path in case_pages_as_coordinator(nmr_reference()):
        page.goto(demo_server.url + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_dpo_and_council_member_pages_meet_wcag_21_aa(page, sign_in, demo_server):
    found = {}
    sign_in("dso")
    page.goto(demo_server.url + "/arenden/lasloggen/")
    if violations := axe_violations(page):
        found["read log"] = violations
    follow(page, "text=Roller som ger tillgång till ärendeinnehåll")
    assert "samordnare.sunne" in page.content()
    if violations := axe_violations(page):
        found["role grants"] = violations
    follow(page, "text=Logga ut")
    sign_in("rektor.sunne")
    for path in PAGES_AS_COUNCIL_MEMBER:
        page.goto(demo_server.url + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_reporting_a_concern_in_the_browser(page, sign_in, demo_server):
    sign_in("samordnare.sunne")
    page.goto(demo_server.url + "/arenden/anmal/")
    page.check("input[name=areas][value=crime]")
    page.check("input[name=setting][value=public_place]")
    page.fill("#id_title", "Stenkastning mot bussar")
    page.fill("#id_description", "Bussar har träffats av stenar vid hållplatsen.")
    page.fill("#id_subjects-0-pseudonym", "Individ 1")
    page.click("main button[type=submit]")
    page.wait_for_url("**/arenden/SUN-*/")
    assert "Stenkastning mot bussar" in page.inner_text("h1")
    assert "Individ 1" in page.inner_text("main")


def test_administrator_pages_meet_wcag_21_aa(page, sign_in, demo_server):
    sign_in("admin")
    found = {}
    for path in PAGES_AS_ADMINISTRATOR:
        page.goto(demo_server.url + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_form_errors_are_announced_and_meet_wcag(page, sign_in, demo_server):
    sign_in("samordnare.sunne")
    page.goto(demo_server.url + "/samverkan/medskick/nytt/")
    follow(page, "main button[type=submit]")
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible()
    assert "Formuläret innehåller fel" in summary.inner_text()
    assert page.get_attribute("#id_title", "aria-invalid") == "true"
    assert axe_violations(page) == []


def test_wrong_password_shows_swedish_error(page, demo_server):
    page.goto(f"{demo_server.url}/logga-in/")
    page.fill("#id_username", "samordnare.sunne")
    page.fill("#id_password", "fel")
    follow(page, "main button[type=submit]")
    assert "Ange ett korrekt" in page.inner_text("main")


def test_skip_link_is_first_and_moves_focus_to_main(page, sign_in, demo_server):
    sign_in("samordnare.sunne")
    page.goto(demo_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_to_english_and_back(page, sign_in, demo_server):
    sign_in("samordnare.sunne")
    page.goto(demo_server.url + "/")
    assert "Mina roller" in page.inner_text("main")
    page.select_option("#language-select", "en")
    follow(page, "text=Byt")
    assert page.get_attribute("html", "lang") == "en"
    assert "My roles" in page.inner_text("main")
    page.select_option("#language-select", "sv")
    follow(page, "text=Change")
    assert "Mina roller" in page.inner_text("main")


def test_sign_out_ends_the_session(page, sign_in, demo_server):
    sign_in("agera")
    page.goto(demo_server.url + "/")
    assert "/logga-in/" not in page.url  # signed in
    follow(page, "text=Logga ut")
    page.wait_for_url(f"{demo_server.url}/logga-in/")
    page.goto(demo_server.url + "/samverkan/")
    assert "/logga-in/" in page.url


def test_the_axe_check_catches_a_violation(page):
    page.set_content('<html lang="sv"><body><main><img src="x.png"><input></main></body></html>')
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids


def test_escalation_pages_meet_wcag_21_aa(page, sign_in, demo_server):
    from cases.models import Escalation

    found = {}
    sign_in("agera")
    item = Escalation.objects.get(receiver__code="AGERA", status="new")
    for path in [
        QUEUE,
        f"/arenden/eskalering/{item.pk}/",
        f"/arenden/{item.case.reference}/",
    ]:
        page.goto(demo_server.url + path)
        if violations := axe_violations(page):
            found[path] = violations
    follow(page, "text=Logga ut")
    sign_in("samordnare.sunne")
    for path in escalation_pages_as_coordinator(nmr_reference()):
        page.goto(demo_server.url + path)
        if violations := axe_violations(page):
            found[path] = violations
    assert found == {}


def test_acknowledging_an_escalation_in_the_browser(page, sign_in, demo_server):
    from cases.models import Escalation

    item = Escalation.objects.get(receiver__code="AGERA", status="new")
    sign_in("agera")
    page.goto(demo_server.url + "/arenden/inkorg/")
    follow(page, f"a[href='/arenden/eskalering/{item.pk}/']")
    follow(page, "button:has-text('Kvittera')")
    assert "Kvitterad" in page.inner_text("main")


def test_a_closed_escalation_shows_the_police_only_their_part(page, sign_in, demo_server):
    from cases.models import Escalation

    item = Escalation.objects.get(case=nmr_case(), receiver__code="LPO-NV")
    sign_in("kommunpolis")
    page.goto(demo_server.url + "/arenden/inkorg/?alla=1")
    assert item.case.reference in page.content()
    assert "NMR lockar unga" not in page.content()
    follow(page, f"a[href='/arenden/eskalering/{item.pk}/']")
    body = page.content()
    assert "NMR lockar unga" not in body and "Elev A" not in body
    assert "Uppgifterna bedöms som mindre allvarliga" in body  # its own answer
    assert axe_violations(page) == []


def _plain_pages(namespaces: tuple[str, ...]) -> list[str]:
    """The parameterless pages of the given apps, from the resolver (new apps included)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in namespaces:
                route = prefix + str(p.pattern)
                if "<" not in route and not any(x in route for x in ("pdf", "csv", "export")):
                    found.append("/" + route)

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_page_fits_375_px(page, sign_in, demo_server):
    """No page scrolls sideways on a 375 px phone; tables scroll inside their own box.

    The pages that `test_coordinator_pages_meet_wcag_21_aa`,
    `test_administrator_pages_meet_wcag_21_aa` and `test_escalation_pages_meet_wcag_21_aa` open
    as the same person are checked at 375 px there (`axe_violations` includes this check);
    opening them again here cost a page load each."""
    from playwright.sync_api import Error as PlaywrightError

    from cases.models import Escalation
    from tests.browser.conftest import NARROW, goto, narrow_overflow, set_viewport

    reference = nmr_reference()
    escalation = Escalation.objects.filter(case__reference=reference).first()
    apps = ("cases", "councils", "meetings", "reminders", "reports")
    per_person = {
        "samordnare.sunne": [
            "/",
            *_plain_pages(apps),
            f"/arenden/{reference}/",
            f"/arenden/{reference}/tidslinje/",
            f"/arenden/{reference}/eskalera/",
            f"/arenden/eskalering/{escalation.pk}/" if escalation else "/",
        ],
        "admin": ["/", "/samverkan/", "/samverkan/overlamning/", "/samverkan/utan-ansvarig/"],
        "kommunpolis": ["/", "/arenden/inkorg/?alla=1"],
    }
    checked_with_axe = {
        "samordnare.sunne": {
            *PAGES_AS_COORDINATOR,
            *case_pages_as_coordinator(reference),
            *escalation_pages_as_coordinator(reference),
        },
        "admin": set(PAGES_AS_ADMINISTRATOR),
    }
    set_viewport(page, {"width": NARROW, "height": 800})
    found = {}
    for username, paths in per_person.items():
        sign_in(username)
        for path in dict.fromkeys(paths):
            if path in checked_with_axe.get(username, ()):
                continue
            try:
                response = goto(page, demo_server.url + path)
            except PlaywrightError:
                continue  # a download or an empty answer: not a page
            if response is None or response.status != 200:
                continue  # pages outside the role are the access tests' concern
            if overflow := narrow_overflow(page):
                found[f"{username} {path}"] = overflow
        page.context.clear_cookies()  # signed out, whatever page the last address left open
    assert found == {}
