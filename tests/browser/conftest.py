"""Real Chromium (Debian's) driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; the ORM calls that the tests make
# around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def _browser_page(browser):
    """One browser context and tab for the session: a new context cost each test 0.7 s of
    waiting (a renderer process started) and Chromium's CPU beside it. `page` hands it to each
    test as new: no cookies, the default viewport, a blank document.

    axe-core comes with every document the context opens (an init script: sent to the browser
    once, where injecting it into each page checked sent its 550 kB each time); bypass_csp: the
    app's CSP forbids a script it did not serve."""
    context = browser.new_context(locale="en-US", viewport=VIEWPORT, bypass_csp=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    yield page
    context.close()


BLANK = "<!doctype html><title></title>"


@pytest.fixture
def page(_browser_page):
    """The session's tab, as a new one: blank, signed out, the default viewport.

    Blanked in place (`window.stop()`, then an empty document written into it), not by going to
    about:blank: leaving the live server's site for about:blank and coming back made Chromium
    start a new renderer process each test (about 0.4 s of its CPU, axe-core's script compiled
    again in it)."""
    page = _browser_page
    page.context.clear_cookies()
    if viewport_of(page) != VIEWPORT:
        set_viewport(page, VIEWPORT)
    yield page
    _blank(page)  # nothing of this test's left loading into the next one


def _blank(page) -> None:
    """Stop whatever the page still loads (a navigation, a request) and empty its document."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(2):
        try:
            page.evaluate("window.stop()")
            page.set_content(BLANK)
            return
        except PlaywrightError:
            # a navigation under way replaced the document; or it cannot be written (not HTML)
            page.wait_for_load_state("load")
    page.goto("about:blank")


@pytest.fixture
def demo_server(live_server, transactional_db, demo):
    """The live server over the demo, committed so that its threads see it (tests/conftest.py)."""
    return live_server


@pytest.fixture
def sign_in(page, demo_server):
    """Signed in as `username`, as the sign-in form leaves the browser: the session's cookie, the
    session made by Django's `force_login` (the page stays where it is; the test opens its own).
    Signing in through the form took each test a page and a POST besides the pages it checks;
    the form itself is the subject of `test_sign_in_page_meets_wcag_21_aa`,
    `test_wrong_password_shows_swedish_error` and the reference workflow, which signs every
    person in through it."""

    def as_user(username: str) -> None:
        from accounts.models import User

        client = Client()
        client.force_login(User.objects.get(username=username))
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": demo_server.url,
                }
            ]
        )

    return as_user


def goto(page, url: str):
    """page.goto, once more if a navigation the last page started was still under way."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return page.goto(url)
    except PlaywrightError as error:
        if "interrupted by another navigation" not in str(error):
            raise
        page.wait_for_load_state("load")
        return page.goto(url)


def follow(page, selector: str) -> None:
    """Click something that opens a page and wait until that page has loaded: a bare click
    returns once the navigation starts, and reading the page then can find the old one or an
    empty document (a CI run read '')."""
    with page.expect_navigation():
        page.click(selector)


NARROW = 375  # the narrowest phone the service supports (issue 11, point 20)


def narrow_overflow(page) -> dict | None:
    """At 375 px the page must not scroll sideways; None, or what sticks out.

    A click that navigates returns once the new document has committed, before it has a
    root element; waiting for "load" keeps the checks off a half-parsed page.
    """
    page.wait_for_load_state("load")
    size = viewport_of(page)
    narrow = {"width": NARROW, "height": 800}
    if size != narrow:
        set_viewport(page, narrow, check=False)  # the width is checked just below
    try:
        width, laid_out = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert laid_out == NARROW, f"the page was laid out {laid_out} px wide, not {NARROW} px"
        if width <= NARROW:
            return None
        culprits = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > limit + 1
                              && !e.closest('.table-scroll'))
                 .slice(-5).map(e => e.tagName.toLowerCase() + '.' + e.className)""",
            NARROW,
        )
        return {"id": "wider-than-375px", "help": f"page is {width} px wide", "nodes": culprits}
    finally:
        if size != narrow:
            set_viewport(page, size)


_CDP: dict[int, Any] = {}
_VIEWPORT: dict[int, dict[str, int]] = {}


def viewport_of(page) -> dict[str, int]:
    """The size the page is laid out at (`set_viewport`'s last, else the context's)."""
    return _VIEWPORT.get(id(page), VIEWPORT)


def set_viewport(page, size: dict[str, int], *, check: bool = True) -> None:
    """The page laid out at `size` (kept across navigations), the metrics Playwright's
    `set_viewport_size` sets (screen as large as the viewport, scale 1, not mobile), without the
    resize of the headless window that Playwright makes besides: half the Chromium CPU of the
    round trip to 375 px and back that every checked page makes.

    The tests change the size only through here: the DevTools session that sets it is not
    Playwright's, and on a new document Chromium applies this session's metrics over
    Playwright's, so a `page.set_viewport_size` would last only until the next navigation.
    The width is checked here (a round trip to the page), or, with `check=False`, by the caller's
    next look at the page: `narrow_overflow` reads it with the page's width in one call."""
    session = _CDP.get(id(page))
    if session is None:
        session = _CDP[id(page)] = page.context.new_cdp_session(page)
    session.send(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": size["width"],
            "height": size["height"],
            "screenWidth": size["width"],
            "screenHeight": size["height"],
            "deviceScaleFactor": 1,
            "mobile": False,
            "screenOrientation": {"angle": 0, "type": "landscapePrimary"},
            "dontSetVisibleSize": True,
        },
    )
    _VIEWPORT[id(page)] = dict(size)
    if check:
        laid_out = page.evaluate("innerWidth")
        assert laid_out == size["width"], f"the page is {laid_out} px wide, not {size['width']} px"


def axe_violations(page) -> list[dict]:
    """WCAG 2.0/2.1 A and AA rules of axe-core on the current page, and the 375 px width."""
    found = [overflow] if (overflow := narrow_overflow(page)) else []
    return found + _axe(page)


# Preloading only the media: axe's other preload, the page's style sheets copied and parsed
# again (cssom), serves one rule, css-orientation-lock, which is tagged experimental and so never
# runs under these tags (it is in no result list); the results were the same on the pages tried.
AXE_OPTIONS = """{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                  resultTypes: ['violations'], selectors: selectors,
                  preload: {assets: ['media']}}"""


def axe_run(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the current page (as axe reports them).

    The first run leaves out the nodes' CSS selectors (`selectors: false`), which were 40 % of a
    run's time; only if it finds violations does a second run, with the same rules, name their
    nodes for the failure message."""
    run = f"(selectors) => typeof axe === 'undefined' ? null : axe.run(document, {AXE_OPTIONS})"
    result = page.evaluate(run, False)
    if result is None:
        page.add_script_tag(path=str(AXE))  # a document the init script did not reach
        result = page.evaluate(run, False)
    if result["violations"]:
        result = page.evaluate(run, True)
    return result["violations"]


def _axe(page) -> list[dict]:
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in axe_run(page)
    ]
