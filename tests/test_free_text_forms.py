"""Every form that saves free text refuses personal data with 400 and the guard's message, and
saves nothing. The forms are found from the URL resolver, so a new one cannot be forgotten: a URL
name in neither FREE_TEXT_FORMS nor NO_FREE_TEXT fails the test."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.councils.conftest import demo, login  # noqa: F401
from tests.demo_objects import nmr_reference
from tests.table_writes import Watched

# 19121212-1212 passes the Luhn check (19800101-0005 would not, and is an ordinary number).
PERSONAL_DATA = {
    "personnummer": "Gäller eleven med personnummer 19121212-1212.",
    "email": "Kontakta elev.a@example.se om saken.",
    "phone": "Ring vårdnadshavaren på 070-123 45 67.",
}
MEASURE_KIND = "supervision"
GUARD_MESSAGE = "verkar innehålla"  # sutohamu.pii, in Swedish
PSEUDONYM_MESSAGE = "Elev A"  # a pseudonym has its own format rule, which names the pattern

# Rows that a refused request may still write: the session, sign-in bookkeeping, the append-only
# read log of case pages (a refused form page is still a read) and notifications.
NOT_COUNTED = {"sessions", "axes"}
NOT_COUNTED_MODELS = {"cases.caseread", "accounts.notification", "admin.logentry"}


def ref(**extra: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"reference": nmr_reference(), **{k: v() for k, v in extra.items()}}


def first_pk(model: str, **filters: Any) -> Callable[[], int]:
    def get() -> int:
        return apps.get_model(model).objects.filter(**filters).order_by("pk").first().pk

    return get


def pk(model: str, **filters: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": first_pk(model, **filters)()}


# Sunne's council's next meeting: the demo made its agenda.
sunne_meeting = pk(
    "meetings.Meeting", body__municipality__code="SUN", status="planned", items__isnull=False
)


def sunne_started_meeting() -> dict[str, Any]:
    """The same meeting, begun an hour ago (decisions and action items come from the start)."""
    kwargs = sunne_meeting()
    Meeting.objects.filter(pk=kwargs["pk"]).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    return kwargs


def sunne_case(status: str) -> Callable[[], dict[str, Any]]:
    def get() -> dict[str, Any]:
        from cases.models import Case

        case = Case.objects.filter(municipality__code="SUN", status=status).order_by("pk").first()
        return {"reference": case.reference}

    return get


def sunne_council() -> dict[str, Any]:
    return {"pk": first_pk("councils.Body", kind="local_council", municipality__code="SUN")()}


def sunne_activity() -> dict[str, Any]:
    from councils.models import PromiseActivity

    activity = PromiseActivity.objects.filter(promise__municipality__code="SUN").first()
    return {"pk": activity.promise_id, "activity_pk": activity.pk}


def agreement() -> dict[str, Any]:
    return {"pk": first_pk("councils.Agreement")()}


def open_escalation_to_agera() -> dict[str, Any]:
    """Acknowledged: answering and closing are offered only then (issue 11, point 9)."""
    from accounts.models import User
    from cases.escalation import escalation_acknowledge
    from cases.models import Escalation

    pk = first_pk("cases.Escalation", receiver__code="AGERA", status__in=["new", "acknowledged"])()
    item = Escalation.objects.get(pk=pk)
    if item.status == "new":
        escalation_acknowledge(escalation=item, by=User.objects.get(username="agera"))
    return {"pk": pk}


@dataclass(frozen=True)
class FreeTextForm:
    user: str
    kwargs: Callable[[], dict[str, Any]]
    fields: tuple[str, ...]
    page: str | None = None  # the page that shows the form, when its URL takes only POST
    extra: Callable[[], dict[str, Any]] = field(default=lambda: {})  # valid required values
    message: str = GUARD_MESSAGE


FREE_TEXT_FORMS: dict[str, FreeTextForm] = {
    # councils
    "councils:body_edit": FreeTextForm("samordnare.sunne", sunne_council, ("description",)),
    "councils:medskick_create": FreeTextForm(
        "samordnare.sunne",
        dict,
        ("title", "text"),
        extra=lambda: {
            "sender": first_pk("councils.Body", kind="local_council", municipality__code="SUN")(),
            "receiver": first_pk("councils.Body", kind="working_group")(),
            "area": "crime",
            "title": "Fråga",
            "text": "Om läget.",
        },
    ),
    "councils:medskick_answer": FreeTextForm(
        "samordnare.torsby",
        pk("councils.Medskick", receiver__municipality__code="TOR"),
        ("answer",),
        page="councils:medskick",
    ),
    "councils:agreement_terminate": FreeTextForm(
        "admin",
        agreement,
        ("reason",),
        extra=lambda: {
            "party": first_pk("accounts.Organisation", code="TOR")(),
            "on": "2026-12-31",
        },
    ),
    "councils:priority_create": FreeTextForm(
        "samordnare.sunne",
        dict,
        ("title", "description", "decision_reference"),
        extra=lambda: {
            "year": 2026,
            "period": 0,
            "scope": "local",
            "municipality": first_pk("accounts.Organisation", code="SUN")(),
            "area": "vbe",
            "title": "Trygg skolväg",
            "outcome": "open",
        },
    ),
    "councils:priority_edit": FreeTextForm(
        "samordnare.sunne",
        pk("councils.Priority", municipality__code="SUN"),
        ("title", "description", "decision_reference"),
    ),
    "councils:promise_create": FreeTextForm(
        "samordnare.sunne",
        dict,
        ("title", "text"),
        extra=lambda: {"year": 2026, "title": "Löfte", "text": "Vi lovar."},
    ),
    "councils:activity_create": FreeTextForm(
        "kommunpolis",
        pk("councils.CitizenPromise", municipality__code="SUN"),
        ("title",),
        extra=lambda: {"title": "Kvällsvandring", "due_date": "2026-10-01", "status": "planned"},
    ),
    "councils:activity_edit": FreeTextForm(
        "kommunpolis",
        sunne_activity,
        ("title", "follow_up"),
    ),
    "admin:councils_body_change": FreeTextForm(
        "admin", lambda: {"object_id": sunne_council()["pk"]}, ("name", "description")
    ),
    "admin:councils_body_add": FreeTextForm(
        "admin",
        dict,
        ("name", "description"),
        extra=lambda: {
            "kind": "working_group",
            "name": "Nytt organ",
            "min_meetings_per_year": 2,
            "max_meetings_per_year": 4,
        },
    ),
    "admin:councils_agreement_change": FreeTextForm(
        "admin", lambda: {"object_id": agreement()["pk"]}, ("title",)
    ),
    "admin:councils_agreement_add": FreeTextForm(
        "admin",
        dict,
        ("title",),
        extra=lambda: {"title": "Ny överenskommelse", "start_date": "2026-01-01"},
    ),
    # cases
    "cases:report": FreeTextForm(
        "rektor.sunne",
        dict,
        ("title", "description", "discovery"),
        extra=lambda: {
            "areas": "andt",
            "setting": "school",
            "title": "Oro i skolan",
            "description": "Elever berättar om oro.",
        },
    ),
    "cases:edit": FreeTextForm("samordnare.sunne", ref(), ("title", "description", "discovery")),
    "cases:add_note": FreeTextForm("samordnare.sunne", ref(), ("text",), page="cases:detail"),
    "cases:add_subject": FreeTextForm(
        "samordnare.sunne", ref(), ("pseudonym",), message=PSEUDONYM_MESSAGE
    ),
    "cases:transition": FreeTextForm(
        "samordnare.sunne",
        ref(),
        ("reason",),
        page="cases:detail",
        extra=lambda: {"to": "follow_up"},
    ),
    # follow-up (issue 12): a Sunne case in follow-up, and a closed one
    "cases:commitment": FreeTextForm(
        "samordnare.sunne", ref(), ("team_roles", "reason"), extra=lambda: {"months": 12}
    ),
    "cases:cadence": FreeTextForm("samordnare.sunne", sunne_case("follow_up"), ("reason",)),
    "cases:contact_add": FreeTextForm(
        "samordnare.sunne",
        sunne_case("follow_up"),
        ("who", "note"),
        extra=lambda: {"who": "samordnare", "kind": "call"},
    ),
    "cases:close": FreeTextForm("samordnare.sunne", ref(), ("reason",)),
    "cases:reopen": FreeTextForm("samordnare.sunne", sunne_case("closed"), ("reason",)),
    "cases:reassign": FreeTextForm(
        "samordnare.sunne",
        ref(),
        ("reason",),
        extra=lambda: {"owner": first_pk("accounts.User", username="samordnare2.sunne")()},
    ),
    "cases:escalate": FreeTextForm(
        "samordnare.sunne",
        ref(),
        ("reason", "request"),
        extra=lambda: {
            "receiver": first_pk("accounts.Organisation", code="HAG")(),
            "reason": "Behöver råd.",
            "request": "Vad gör ni?",
        },
    ),
    "cases:measure_create": FreeTextForm(
        "samordnare.sunne",
        ref(),
        ("description", "responsible_unit", "outcome"),
        extra=lambda: {"responsible": first_pk("accounts.Organisation", code="SUN")()},
    ),
    "cases:measure_edit": FreeTextForm(
        "samordnare.sunne",
        lambda: {
            "reference": nmr_reference(),
            "pk": first_pk("cases.Measure", case__reference=nmr_reference())(),
        },
        ("description", "responsible_unit", "outcome"),
    ),
    "cases:consent_create": FreeTextForm(
        "samordnare.sunne",
        ref(),
        ("scope",),
        extra=lambda: {
            "subject": first_pk("cases.Subject", case__reference=nmr_reference())(),
            "organisations": first_pk("accounts.Organisation", code="SUN")(),
            "scope": "Skolans elevhälsa.",
            "given_on": timezone.localdate().isoformat(),
        },
    ),
    "cases:consent_edit": FreeTextForm(
        "samordnare.sunne",
        lambda: {
            "reference": nmr_reference(),
            "pk": first_pk("cases.Consent", case__reference=nmr_reference())(),
        },
        ("scope",),
    ),
    "cases:escalation_answer": FreeTextForm(
        "agera",
        open_escalation_to_agera,
        ("answer", "proposals-0-description"),
        page="cases:escalation",
        extra=lambda: {
            "answer": "Vi hjälper till.",
            "proposals-0-kind": MEASURE_KIND,
            "proposals-0-responsible": first_pk("accounts.Organisation", code="AGERA")(),
        },
    ),
    # The closing note is asked on the confirmation page (issue 11, point 8).
    "cases:escalation_close": FreeTextForm("agera", open_escalation_to_agera, ("note",)),
    # meetings: Sunne's council's next meeting (agenda made by the demo), the working group's
    # next meeting (lägesbild) and an approved one (corrections)
    "meetings:create": FreeTextForm(
        "samordnare.sunne",
        dict,
        ("place",),
        extra=lambda: {"day": "2030-03-05", "start": "13:00", "end": "15:00"},
    ),
    "meetings:edit": FreeTextForm("samordnare.sunne", sunne_meeting, ("place",)),
    "meetings:cancel": FreeTextForm("samordnare.sunne", sunne_meeting, ("reason",)),
    "meetings:item_add": FreeTextForm(
        "samordnare.sunne",
        sunne_meeting,
        ("title", "text"),
        page="meetings:detail",
        extra=lambda: {"title": "Punkt"},
    ),
    "meetings:minutes": FreeTextForm("samordnare.sunne", sunne_meeting, ("note_1",)),
    "meetings:decision_add": FreeTextForm(
        "samordnare.sunne", sunne_started_meeting, ("text",), page="meetings:minutes"
    ),
    "meetings:action_add": FreeTextForm(
        "samordnare.sunne",
        sunne_started_meeting,
        ("title",),
        page="meetings:minutes",
        extra=lambda: {"title": "Göra", "due_date": "2030-01-01"},
    ),
    "meetings:minutes_correct": FreeTextForm(
        "samordnare.sunne",
        pk("meetings.Meeting", body__kind="working_group", status="minutes_approved"),
        ("note_1", "reason"),
    ),
    "meetings:picture_submit": FreeTextForm(
        "samordnare.sunne",
        pk("meetings.Meeting", body__kind="working_group", status="planned", items__isnull=False),
        ("risk_factors", "protective_factors", "text"),
        extra=lambda: {"trend_andt": "up", "trend_crime": "same", "trend_vbe": "down"},
    ),
}


def admin_names(model: str, views: str) -> set[str]:
    return {f"admin:{model}_{view}" for view in views.split()}


ADMIN_VIEWS = "changelist add history delete change"
# Pages that save no free text: read-only pages, actions without text, and forms of choices and
# dates only. Each is named, so that a new form has to be sorted into one list or the other.
NO_FREE_TEXT: set[str] = {
    "home",
    "login",
    "logout",
    "open_notification",
    "notifications",  # a read-only list
    "mark_notification_read",
    "mark_all_notifications_read",
    "reminders:preferences",  # choices only
    "role_grants",  # a read-only list
    "twofactor",  # two-factor status
    "twofactor_verify",  # a one-time code
    "twofactor_enrol",  # a one-time code
    "twofactor_backup_codes",  # no input
    "twofactor_resets",  # a read-only list
    "enrol_with_link",  # a password and a one-time code
    "set_language",
    "councils:overview",
    "councils:body",
    "councils:meeting_plan",  # numbers
    "councils:agreements",
    "councils:agreement",
    "councils:agreement_document",
    "councils:agreement_upload",  # a PDF file
    "councils:medskick_list",
    "councils:medskick",
    "councils:medskick_receive",
    "councils:medskick_close",
    "councils:priorities",
    "councils:promises",
    "councils:promise",
    "councils:action_plans",
    "councils:action_plan_edit",  # people
    "councils:handovers",
    "councils:handover_create",  # a role and a person
    "councils:orphans",
    "cases:desk",
    "cases:export",
    "cases:my_reports",
    "cases:read_log",
    "cases:case_audit",
    "cases:case_audit_pdf",
    "cases:queue",
    "cases:escalation",
    "cases:escalation_acknowledge",
    "cases:escalation_sapo",  # a date
    "cases:escalation_withdraw",
    "cases:proposal_accept",
    "cases:detail",
    "cases:timeline",
    "cases:pdf",
    "meetings:list",
    "meetings:detail",
    "meetings:schedule",
    "meetings:attendance",
    "meetings:agenda_create",
    "meetings:item_move",
    "meetings:item_remove",
    "meetings:agenda_send",
    "meetings:agenda_pdf",
    "meetings:agenda_version_pdf",
    "meetings:justering",
    "meetings:minutes_version_pdf",
    "meetings:minutes_approve",
    "meetings:minutes_pdf",
    "meetings:pictures",
    "meetings:picture_history",
    "meetings:picture_chart",
    "meetings:decisions",
    "meetings:actions",
    "meetings:action_status",
    "meetings:feed",
    "meetings:feed_new",
    "meetings:feed_revoke",
    "meetings:feed_ics",
    "reports:archive",  # the order form: a scope, a period, dates
    "reports:reads",
    "reports:detail",
    "reports:progress",
    "reports:pdf",
    "reports:municipality_pdf",
    "reports:municipality",  # a GET picker of the report's municipalities: no free text
    "reports:csv",
    # The admin site: people, roles, organisations and reference data without free text.
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:auth_user_password_change",
    "admin:councils_body_changelist",
    "admin:councils_body_history",
    "admin:councils_body_delete",
    "admin:councils_body_simple_history",
    "admin:councils_agreement_changelist",
    "admin:councils_agreement_history",
    "admin:councils_agreement_delete",
    "admin:councils_agreement_simple_history",
    *admin_names("auth_group", ADMIN_VIEWS),
    *admin_names("axes_accessattempt", ADMIN_VIEWS),
    *admin_names("axes_accesslog", ADMIN_VIEWS),
    *admin_names("axes_accessfailurelog", ADMIN_VIEWS),
    *admin_names("accounts_user", ADMIN_VIEWS + " simple_history"),
    *admin_names("accounts_roleassignment", ADMIN_VIEWS + " simple_history"),
    *admin_names("accounts_organisation", ADMIN_VIEWS + " simple_history"),
    *admin_names("councils_membership", ADMIN_VIEWS + " simple_history"),
    *admin_names("councils_meetingplan", ADMIN_VIEWS + " simple_history"),
    *admin_names("meetings_agendarotation", ADMIN_VIEWS),
}


def url_names() -> frozenset[str]:
    """Every URL name of the URLconf (walked once per resolver: each of the forms' tests asks)."""
    return _url_names(get_resolver())


@functools.cache
def _url_names(resolver: URLResolver) -> frozenset[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, joined)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return frozenset(walk(resolver.url_patterns, None))


def test_every_url_is_sorted_into_free_text_or_not():
    names = url_names()
    unsorted = sorted(names - set(FREE_TEXT_FORMS) - NO_FREE_TEXT)
    assert unsorted == [], "add each to FREE_TEXT_FORMS or NO_FREE_TEXT"
    assert not set(FREE_TEXT_FORMS) & NO_FREE_TEXT


class FormValues(HTMLParser):
    """The values a browser would send from each form on a page, keyed by the form's action."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self.current: list[tuple[str, str]] | None = None
        self.select: tuple[str, list[str], list[str], bool] | None = None
        self.textarea: str | None = None
        self.text = ""
        self.radio_seen: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = self.forms.setdefault(a.get("action") or self.page_url, [])
        if self.current is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.current.append((a["name"], a.get("value", "on")))
                return
            self.current.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = (a["name"], [], [], "required" in a)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select[2].append(value)
            if "selected" in a:
                self.select[1].append(value)
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None and self.current is not None:
            name, chosen, options, required = self.select
            if not chosen and required:  # a valid value where one is needed
                chosen = [v for v in options if v][:1]
            self.current.extend((name, value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            self.current.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def form_data(client: Any, page_url: str, post_url: str) -> dict[str, Any]:
    response = client.get(page_url)
    assert response.status_code == 200, f"GET {page_url}: {response.status_code}"
    parser = FormValues(page_url)
    parser.feed(response.content.decode())
    assert post_url in parser.forms, f"no form posting to {post_url} on {page_url}"
    data: dict[str, Any] = {}
    for name, value in parser.forms[post_url]:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


def counted_tables() -> dict[str, str]:
    """The counted models' tables, each with its model's label."""
    return {
        model._meta.db_table: model._meta.label_lower
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.managed
        and model._meta.app_label not in NOT_COUNTED
        and model._meta.label_lower not in NOT_COUNTED_MODELS
    }


def count_rows(tables: list[str]) -> dict[str, int]:
    """The tables' rows, in one query (one per model per post was most of the cost)."""
    from django.db import connection

    quote = connection.ops.quote_name
    parts = [f"(SELECT count(*) FROM {quote(table)})" for table in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        counts = cursor.fetchone()
    return dict(zip(tables, counts, strict=True))


def row_counts(tables: Watched[int], labels: dict[str, str]) -> dict[str, int]:
    """Every counted model's rows: counted again only in the tables PostgreSQL saw written since
    the last look (tests/table_writes.py), the same figures as counting every table each time."""
    return {labels[table]: n for table, n in tables.now().items()}


# Refusals that fail today because of a bug in an app this test does not own; strict, so the
# entry must go once the bug is fixed.
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_BUGS[n], strict=True))
        if n in KNOWN_BUGS
        else n
        for n in sorted(FREE_TEXT_FORMS)
    ],
)
def test_free_text_form_refuses_personal_data_and_saves_nothing(login, name):  # noqa: F811
    assert name in url_names(), f"{name} is in the table but not in the URL map"
    spec = FREE_TEXT_FORMS[name]
    client = login(spec.user)
    kwargs = spec.kwargs()
    post_url = reverse(name, kwargs=kwargs or None)
    page_url = reverse(spec.page, kwargs=kwargs) if spec.page else post_url
    base = form_data(client, page_url, post_url) | spec.extra()
    failures = []
    labels = counted_tables()
    tables = Watched(labels, count_rows)
    after = row_counts(tables, labels)
    for field_name in spec.fields:
        for kind, text in PERSONAL_DATA.items():
            before = after  # nothing ran since the last count
            response = client.post(post_url, base | {field_name: text})
            body = response.content.decode()
            after = row_counts(tables, labels)
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if response.status_code != 400 or spec.message not in body or changed:
                failures.append((field_name, kind, response.status_code, changed))
    assert failures == [], "(field, kind, status, rows changed)"
