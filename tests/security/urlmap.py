"""Every URL of the project, from the resolver, with its path parameters filled from the demo.

Shared by the role-by-URL matrix and the form fuzzer: a new view is covered without editing
either. A parameter is filled from the path segment before it ("eskalering/<int:pk>/" is an
escalation) through SEGMENT_MODELS, preferring the demo's reference case and Sunne; a segment
nobody mapped yet still gets a value (the first row of no model: pk 1), so the view is requested
all the same, and `unmapped` lists it so that a test can report it.
"""

from __future__ import annotations

import functools
import re
import traceback
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.demo_objects import NMR_TITLE, nmr_case, nmr_reference

REFERENCE_CASE_TITLE = NMR_TITLE

# The path segment before a parameter -> the model whose row fills it.
SEGMENT_MODELS = {
    "organ": "councils.Body",
    "overenskommelse": "councils.Agreement",
    "medskick": "councils.Medskick",
    "prioriteringar": "councils.Priority",
    "medborgarloften": "councils.CitizenPromise",
    "aktivitet": "councils.PromiseActivity",
    "handlingsplaner": "accounts.Organisation",
    "eskalering": "cases.Escalation",
    "forslag": "cases.ProposedMeasure",
    "insatser": "cases.Measure",
    "samtycken": "cases.Consent",
    "notiser": "accounts.Notification",
    "moten": "meetings.Meeting",
    "dagordning": "meetings.AgendaItem",
    "atgarder": "meetings.ActionItem",
    "lagesbild": "accounts.Organisation",
    "rapporter": "reports.Report",
}
# Reachable without signing in: signing in and out, the language switch, the calendar feed and
# the enrolment link (a secret token in its URL is its key; an unknown token is a 404).
PUBLIC = {"login", "logout", "set_language", "admin:login", "admin:logout", "admin:jsi18n"}
PUBLIC |= {"meetings:feed_ics", "enrol_with_link"}


@dataclass(frozen=True)
class Url:
    name: str
    path: str
    filled: bool  # every parameter came from a mapped model or a known kind

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")

    @property
    def is_pdf(self) -> bool:
        """A rendered document: seconds each, so the matrix asks fewer roles for it."""
        return self.path.endswith((".pdf", "/pdf/"))


def _walk(patterns: list[Any], prefix: str, namespace: str | None) -> Any:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _params(route: str) -> list[tuple[str, str, str]]:
    """(name, converter, segment before it) of each parameter of a route or regex."""
    found = []
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route):
        name = match.group(2) or match.group(3)
        converter = match.group(1) or ("str" if match.group(2) else "regex")
        before = [s for s in route[: match.start()].split("/") if s and "<" not in s]
        found.append((name, converter, before[-1].lstrip("^") if before else ""))
    return found


def _pick(model: type[models.Model], parents: list[models.Model]) -> models.Model | None:
    rows = model._base_manager.order_by("pk")
    names = {f.name for f in model._meta.get_fields()}
    for parent in parents:  # a nested parameter: a row of the one before it
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is type(parent):
                rows = rows.filter(**{field.name: parent})
    if "case" in names:
        preferred = rows.filter(case=nmr_case())
    elif "municipality" in names:
        preferred = rows.filter(municipality__code="SUN")
    elif model._meta.label == "accounts.Organisation":
        preferred = rows.filter(code="SUN")
    else:
        preferred = rows
    return preferred.first() or rows.first()


def _fill(route: str) -> tuple[dict[str, Any], bool]:
    from councils.choices import Area

    kwargs: dict[str, Any] = {}
    parents: list[models.Model] = []
    filled = True
    segments = [s for s in route.split("/") if s]
    for name, converter, before in _params(route):
        label = SEGMENT_MODELS.get(before)
        if name == "reference":
            kwargs[name] = nmr_reference()
        elif name == "area":
            kwargs[name] = Area.values[0]
        elif name == "code" and before == "kommun":
            kwargs[name] = "SUN"  # a municipality's own document of a report
        elif name == "number":
            kwargs[name] = 1  # a frozen record's version (the agenda's or the minutes')
        elif name == "app_label":
            kwargs[name] = "accounts"
        elif name == "object_id" and len(segments) >= 3:
            app_label, model_name = (s.strip("^") for s in segments[1:3])
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                kwargs[name], filled = "1", False
            else:
                row = model._base_manager.order_by("pk").first()
                kwargs[name] = str(row.pk) if row else "1"
        elif converter == "uuid":
            kwargs[name] = uuid.uuid4()
        elif name == "token":  # an enrolment link's token: an unknown one is a 404
            kwargs[name] = "unknown-token"
        elif label:
            row = _pick(apps.get_model(label), parents)
            kwargs[name] = row.pk if row else 1
            if row:
                parents.append(row)
        else:
            kwargs[name], filled = (1 if converter in {"int", "regex"} else "x"), False
    return kwargs, filled


@functools.cache
def project_urls() -> list[Url]:
    """Every named URL, its parameters filled; those that cannot be reversed are left out.

    Kept for the process: the demo is restored with the same primary keys whenever it returns.
    """
    urls = []
    for name, route, _pattern in _walk(get_resolver().url_patterns, "", None):
        kwargs, filled = _fill(route)
        try:
            path = reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
        urls.append(Url(name, path, filled))
    return sorted(set(urls), key=lambda u: (u.name, u.path))


def where(error: BaseException) -> str:
    """The last line of project code in a traceback: what the report to the lead names."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if f.filename.startswith(str(settings.BASE_DIR))
        and "/.venv/" not in f.filename
        and "/tests/" not in f.filename
    ]
    frame = frames[-1] if frames else traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {error} at {frame.filename}:{frame.lineno} ({frame.line})"
