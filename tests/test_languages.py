"""Every page every demo role can reach, in both languages (issue 11, points 14 and 18).

The pages: each GET route of the resolver without parameters, then the routes with parameters
as the pages link to them with demo objects (at most PER_ROUTE addresses per route and person).
In Swedish no English msgid of the catalogue whose Swedish differs may appear in the visible
text; in English no such Swedish msgstr. And no link on any page leads the person to a 403 or
a 404. A failure names the string, the page, and where the catalogue says the string comes from.
The crawl is bounded by a count of pages (MAX_PAGES), not by time, so a loaded machine visits
the same pages as a quiet one; routes nobody has opened go first, so the bound, if the demo ever
outgrows it, drops only repeat visits of known routes by further people.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.models import User

pytestmark = pytest.mark.django_db

# One account per kind of person in the demo (README, demo accounts), and nobody signed in.
PEOPLE = [
    None,
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
PER_ROUTE = 1  # addresses visited per route name and person (the demo's objects are alike)
# The crawl stops after this many pages (a person and an address each). The whole crawl of
# today's demo is 508 pages, so it runs whole, however loaded the machine; the bound keeps a
# growing demo's crawl from growing without limit. SUTOHAMU_CRAWL_PAGES changes it.
MAX_PAGES = int(os.environ.get("SUTOHAMU_CRAWL_PAGES", "600"))
# Not pages: files (PDF, CSV, calendars), the admin site (Django's own catalogue), actions.
SKIP_ROUTE = re.compile(r"pdf|csv|export|download|dokument|document|ical|feed|logout|bench")
SKIP_NAMESPACES = {"admin"}
# Words that are the same or legitimately occur in both languages' running text.
SHARED_WORDS = {"SuToHaMu", "Medskick", "Status", "Start", "Person", "Organisation"}
# The demo's own content that happens to equal an interface string (not a missing translation):
# a signatory's office typed as "Lokalpolisområdeschef", a decision about violent extremism, the
# organisation called "Säkerhetspolisen".
DEMO_CONTENT = {"Lokalpolisområdeschef", "våldsbejakande extremism", "Säkerhetspolisen"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}")
PO = {
    lang: Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"
    for lang in ("sv",)
}


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and labelling attributes, no scripts."""

    LABELS = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # Scripts are not text; an element in its own language (the language menu) is meant.
        if tag in ("script", "style", "template") or (values.get("lang") and tag != "html"):
            self._skipped.append(tag)
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.LABELS and v]
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data)

    def text(self) -> str:
        """One line per text node (so a one-word label can be matched as a whole node)."""
        return "\n".join(" ".join(p.split()) for p in self.parts)


@dataclass
class Needle:
    text: str
    origin: str  # where the catalogue says the string is used


def _fragments(text: str) -> list[str]:
    """The literal parts of a string long enough to be recognised on their own."""
    parts = [p.strip(" .,:;()–-") for p in PLACEHOLDER.split(text)]
    if len(parts) == 1:
        return [parts[0]] if parts[0] else []
    return [p for p in parts if len(p.split()) >= 4]


def _needles() -> tuple[list[Needle], list[Needle]]:
    """(English msgids to look for in Swedish pages, Swedish msgstrs to look for in English)."""
    catalogue = polib.pofile(str(PO["sv"]))
    english: dict[str, Needle] = {}
    swedish: dict[str, Needle] = {}
    pairs: list[tuple[str, str, str]] = []
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        origin = ", ".join(sorted({path for path, _line in entry.occurrences})[:3])
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(i, "") for i in sorted(entry.msgstr_plural)]
            pairs += [(entry.msgid, forms[0] if forms else "", origin)]
            pairs += [(entry.msgid_plural, f, origin) for f in forms[1:]]
        else:
            pairs.append((entry.msgid, entry.msgstr, origin))
    all_swedish = {s for _e, s, _o in pairs if s}
    all_english = {e for e, _s, _o in pairs}
    for msgid, msgstr, origin in pairs:
        if not msgstr or msgstr == msgid:
            continue
        for text in _fragments(msgid):
            if text not in SHARED_WORDS | all_swedish and len(text) > 2:
                english.setdefault(text, Needle(text, origin))
        for text in _fragments(msgstr):
            if (
                text not in SHARED_WORDS | DEMO_CONTENT
                and text not in all_english
                and len(text) > 2
            ):
                swedish.setdefault(text, Needle(text, origin))
    return list(english.values()), list(swedish.values())


def _get_routes() -> tuple[list[str], set[str]]:
    """Paths of the parameterless GET routes, and the names of all routes (for coverage)."""
    plain: list[str] = []
    names: set[str] = set()

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIP_NAMESPACES:
                    continue
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else (p.name or "")
                route = prefix + str(p.pattern)
                if SKIP_ROUTE.search(f"{name} {route}") or route.startswith("i18n"):
                    continue
                names.add(name)
                if "<" not in route and not route.startswith("^"):
                    plain.append("/" + route)

    walk(get_resolver().url_patterns, "", "")
    return plain, names


@dataclass
class Visit:
    status: int
    text: dict[str, str] = field(default_factory=dict)  # language -> visible text
    links: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    pages: dict[tuple[str, str], Visit] = field(default_factory=dict)  # (person, path) -> visit
    links: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    seen_routes: set[str] = field(default_factory=set)
    seconds: float = 0.0
    left: int = 0  # addresses still queued when the page bound was reached


@functools.cache
def _route_name(path: str) -> str | None:
    """The route of a path (kept: the crawl resolves each page's links, mostly the same few)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _fetch(client: Client, path: str, languages: tuple[str, ...]) -> Visit:
    visit = Visit(status=0)
    for language in languages:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(path, secure=True)
        visit.status = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return visit
        parser = VisibleText()
        parser.feed(response.content.decode())
        visit.text[language] = parser.text()
        visit.links = parser.links
    return visit


def _internal(href: str) -> str | None:
    href, _fragment = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith((settings.STATIC_URL, "/media/")):
        return None
    return href


_crawl_memo: list[Crawl] = []


def crawl() -> Crawl:
    """Visit every reachable page once per person (memoised: the demo is the same for all).

    Routes nobody has opened yet go first, so that if the page bound is reached every route
    was seen by someone and only further people's visits of known routes are left. A route is
    read in English on its first visit only; later visits (other people) are read in Swedish,
    which is what the link check and the Swedish check need.
    """
    if _crawl_memo:
        return _crawl_memo[0]
    started = time.monotonic()
    result = Crawl()
    plain, _names = _get_routes()
    clients: dict[str, Client] = {}
    for username in PEOPLE:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        clients[username or "anonymous"] = client
    fresh: deque[tuple[str, str]] = deque()  # routes nobody has opened yet
    known: deque[tuple[str, str]] = deque()  # routes someone has opened
    for path in plain:
        for person in clients:
            fresh.append((person, path))
    per_route: dict[tuple[str, str], int] = defaultdict(int)
    opened: set[str] = set()  # route names somebody has read (200)
    done: set[tuple[str, str]] = set()
    while (fresh or known) and len(result.pages) < MAX_PAGES:
        source = fresh if fresh else known
        person, path = source.popleft()
        name = _route_name(path)
        if (person, path) in done or name is None or SKIP_ROUTE.search(f"{name} {path}"):
            continue
        if name.split(":")[0] in SKIP_NAMESPACES or per_route[(person, name)] >= PER_ROUTE:
            continue
        if source is fresh and name in opened:
            known.append((person, path))  # someone opened this route: after the new ones
            continue
        done.add((person, path))
        per_route[(person, name)] += 1
        languages = ("sv",) if name in opened else ("sv", "en")
        visit = _fetch(clients[person], path, languages)
        result.pages[(person, path)] = visit
        if visit.status == 200:  # a refusal or a redirect does not count as the route read
            result.seen_routes.add(name)
            opened.add(name)
        for href in visit.links:
            target = _internal(href)
            if target:
                result.links[(person, target)].add(path)
                target_name = _route_name(target)
                (known if target_name in opened else fresh).append((person, target))
    result.left = len(fresh) + len(known)
    result.seconds = time.monotonic() - started
    _crawl_memo.append(result)
    return result


class Finder:
    """All needles of one language at once: words as whole text nodes, phrases anywhere."""

    def __init__(self, needles: list[Needle]) -> None:
        self.words = {n.text: n for n in needles if " " not in n.text}
        self.phrases = {n.text: n for n in needles if " " in n.text}
        alternation = "|".join(re.escape(t) for t in sorted(self.phrases, key=len, reverse=True))
        self.pattern = re.compile(r"(?<![\w-])(?:" + alternation + r")(?![\w-])")

    def find(self, text: str) -> list[tuple[Needle, str]]:
        found = []
        for line in text.splitlines():
            word = line.strip(" .,:;()!?*–-")
            if word in self.words:
                found.append((self.words[word], line))
        for match in self.pattern.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 20]
            found.append((self.phrases[match.group(0)], " ".join(context.split())))
        return found


# The routes the crawl must reach (new routes go first, see crawl, so these are reached even when
# the page bound is hit): a guard that the crawl does not silently visit next to nothing.
ROUTES_PEOPLE_USE = [
    "home",
    "councils:overview",
    "councils:body",
    "councils:medskick",
    "councils:priorities",
    "councils:promise",
    "cases:desk",
    "cases:detail",
    "cases:queue",
    "meetings:list",
    "meetings:detail",
    "reports:archive",
    "reports:detail",
    "reminders:preferences",
]


def test_one_crawl_reaches_the_pages_each_speaks_one_language_and_no_link_is_refused(demo):
    """One crawl of every page as every person (it is most of this test's time), three checks:
    the crawl reaches the routes people use, every page speaks one language, and no link leads
    a person to a page they may not open. Each check that fails adds its own message."""
    result = crawl()
    failures = [
        message
        for message in (
            routes_not_reached(result),
            strings_in_the_other_language(result),
            links_to_refused_pages(result),
        )
        if message
    ]
    assert not failures, "\n\n".join(failures)


def routes_not_reached(result: Crawl) -> str:
    """The guard for the two checks below: which of ROUTES_PEOPLE_USE the crawl missed."""
    missed = [
        f"{route} not reached; {len(result.pages)} pages in {result.seconds:.0f} s, "
        f"{result.left} addresses left"
        for route in ROUTES_PEOPLE_USE
        if route not in result.seen_routes and _route_exists(route)
    ]
    return "\n".join(missed)


def strings_in_the_other_language(result: Crawl) -> str:
    """Every page speaks one language: no English msgid on a Swedish page, no Swedish msgstr on
    an English one."""
    english, swedish = _needles()
    finders = {"sv": Finder(english), "en": Finder(swedish)}
    found: dict[str, set[str]] = defaultdict(set)
    for (person, path), visit in result.pages.items():
        for language, finder in finders.items():
            for needle, context in finder.find(visit.text.get(language, "")):
                found[f"{language}: {needle.text!r} ({needle.origin})"].add(
                    f"{path} as {person}: …{context}…"
                )
    if not found:
        return ""
    report = "\n".join(f"{k}\n    on {sorted(v)[:3]}" for k, v in sorted(found.items()))
    return f"{len(found)} strings in the other language:\n{report}"


def links_to_refused_pages(result: Crawl) -> str:
    """No link leads a person to a page they may not open (403 or 404)."""
    broken = []
    for (person, target), sources in sorted(result.links.items()):
        visit = result.pages.get((person, target))
        if visit is None:
            continue  # a further address of an already visited route (PER_ROUTE)
        if visit.status in (403, 404):
            broken.append(
                f"{person}: {target} -> {visit.status}, linked from {sorted(sources)[:2]}"
            )
    return "\n".join(broken)


def _route_exists(name: str) -> bool:
    return name in _get_routes()[1]
