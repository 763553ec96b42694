"""The case pages: the reporter's list (1), title length (4), desk search (5),
timeline order and actors (11), overdue measures (13), one date format and tables that scroll
(19, 20), the intake form's choices and rows (21); and the CSV export's formula cells."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.access import reports_of
from cases.choices import CaseStatus, MeasureStatus
from cases.models import Case
from cases.selectors import desk_cases, is_overdue
from cases.timeline import Entry, timeline
from sutohamu.spreadsheet import safe_cell
from tests.cases.factories import CaseFactory, MeasureFactory
from tests.demo_objects import nmr_case, org

pytestmark = pytest.mark.django_db


def user(username):
    return User.objects.get(username=username)


# --- 1: the reporter sees her own title and what happened, never the owner's words ---------


def test_the_reporter_sees_her_title_and_what_happened_not_the_owners_words(login):
    rektor = user("rektor.sunne")
    case = services.case_report(
        by=rektor,
        municipality=org("SUN"),
        areas=["andt"],
        setting="school",
        title="Snus i omklädningsrummet",
        description="Elever delar snus.",
    )
    owner = case.owner
    case = services.case_update(
        case=case,
        by=owner,
        version=case.version,
        title="Ägarens egen rubrik",
        description=case.description,
        discovery="",
        setting=case.setting,
        areas=case.areas,
    )
    services.case_transition(
        case=case,
        to=CaseStatus.ASSESSING,
        by=owner,
        reason="Hemlig motivering",
        version=case.version,
    )
    services.note_add(case=case, text="Ägarens anteckning", by=owner)
    mine = {r.reference: r for r in reports_of(rektor)}[case.reference]
    assert mine.title == "Snus i omklädningsrummet"
    assert [what for _at, what in mine.events] == [
        "Inkommen",
        "En ägare utsågs",
        "Under bedömning",
    ]
    body = login("rektor.sunne").get(reverse("cases:my_reports")).content.decode()
    assert "Snus i omklädningsrummet" in body and "Under bedömning" in body
    assert "En ägare utsågs" in body and "NMR lockar unga på gymnasiet" in body
    for secret in ("Ägarens egen rubrik", "Hemlig motivering", "Ägarens anteckning", str(owner)):
        assert secret not in body


# --- 4: a too long title is refused with a message, and the limit is shown ----------------


def test_a_too_long_title_is_refused_with_a_message_and_nothing_saved(login):
    client = login("samordnare.sunne")
    form = client.get(reverse("cases:report")).content.decode()
    field = re.search(r'<input type="text" name="title"[^>]*>', form).group(0)
    assert 'data-maxlength="120"' in field and "maxlength=" not in field.replace(
        "data-maxlength", ""
    )
    assert "Högst 120 tecken." in form and "js/charcount.js" in form
    count = Case.objects.count()
    response = client.post(
        reverse("cases:report"),
        {
            "municipality": org("SUN").pk,
            "areas": ["andt"],
            "setting": "school",
            "title": "x" * 660,
            "description": "Beskrivning.",
            "subjects-TOTAL_FORMS": 0,
            "subjects-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 400
    assert "Högst 120 tecken: texten har 660" in response.content.decode()
    assert Case.objects.count() == count
    edit = client.get(reverse("cases:edit", args=[nmr_case().reference])).content.decode()
    assert 'data-maxlength="120"' in edit and "js/charcount.js" in edit


# --- 5: the desk searches title and problem picture (Swedish full-text search) -------------


def test_the_desk_searches_reference_title_and_problem_picture(demo):
    sunne = user("samordnare.sunne")
    case = nmr_case()

    def found(text):
        return set(desk_cases(sunne, {"q": text}).values_list("reference", flat=True))

    assert case.reference in found("NMR")  # in the title only
    assert case.reference in found("nmr")
    assert case.reference in found(case.reference.lower())
    words = [w for w in re.findall(r"[a-zåäö]{6,}", case.description.lower())]
    assert case.reference in found(words[0])  # a word of the problem picture
    assert found("zzyzx-inget") == set()
    only = CaseFactory(
        municipality=org("SUN"), title="Oro", description="Ungdomarna delar klistermärken."
    )
    only.status = CaseStatus.ASSESSING
    only.save()
    assert only.reference in found("ungdomar klistermärke")  # Swedish stems: other forms


# --- 11: the timeline: a date without time, the closer, no repeated "Status" --------------


def test_a_date_only_entry_sorts_after_the_same_days_timed_events():
    day = datetime.date(2026, 11, 20)
    late = timezone.make_aware(datetime.datetime(2026, 11, 20, 15, 11))
    entries = [
        Entry.on_day(day, None, "Eskalering", "Säpo"),
        Entry(late, None, "Status", "Inkommen"),
        Entry(late - datetime.timedelta(days=1), None, "Status", "Före"),
    ]
    ordered = sorted(entries, key=Entry.sort_key)
    assert [e.text for e in ordered] == ["Före", "Inkommen", "Säpo"]


def test_the_nmr_timeline_shows_no_noon_the_closer_and_no_repeated_status(login):
    case = nmr_case()
    entries = timeline(case)
    informed = next(e for e in entries if "Säkerhetspolisen" in e.text or "Security" in e.text)
    assert informed.date_only
    later_same_day = [
        e for e in entries if e.day == informed.day and not e.date_only and e.when > informed.when
    ]
    assert all(entries.index(e) < entries.index(informed) for e in later_same_day)
    police = case.escalations.get(receiver__code="LPO-NV")
    closed = next(e for e in entries if e.when == police.closed_at)
    assert closed.who is not None and closed.who.username == "kommunpolis"
    assert not any(e.text.startswith(("Status", "status")) for e in entries)
    page = login("samordnare.sunne").get(reverse("cases:timeline", args=[case.reference]))
    body = page.content.decode()
    assert f'<time datetime="{informed.day.isoformat()}">{informed.day.isoformat()}</time>' in body
    assert "12:00" not in body.split(informed.day.isoformat())[2][:40]


# --- 13: overdue measures say so in text ---------------------------------------------------


def test_overdue_measures_are_marked_in_text_on_the_desk_and_the_case_page(login):
    coordinator = user("samordnare.sunne")
    case = CaseFactory(municipality=org("SUN"), owner=coordinator, status=CaseStatus.MEASURES)
    late = MeasureFactory(case=case, planned_end=timezone.localdate() - datetime.timedelta(days=3))
    MeasureFactory(case=case, planned_end=timezone.localdate() + datetime.timedelta(days=3))
    done = MeasureFactory(
        case=case,
        planned_end=timezone.localdate() - datetime.timedelta(days=3),
        status=MeasureStatus.DONE,
    )
    assert is_overdue(late, timezone.localdate()) and not is_overdue(done, timezone.localdate())
    client = login("samordnare.sunne")
    desk = client.get(reverse("cases:desk")).content.decode()
    due = desk.split('id="due-heading"')[1].split("</section>")[0]
    mine = [item for item in due.split("<li>") if case.reference in item]
    assert sorted("försenad sedan" in item for item in mine) == [False, True]
    assert sum("ska vara klar" in item for item in mine) == 1
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert detail.count('<strong class="overdue">Försenad</strong>') == 1


# --- 19, 20: one date filter per kind of place, tables scroll, references never break ------

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "cases"
MINE = [
    "desk",
    "detail",
    "escalation",
    "escalate",
    "my_reports",
    "queue",
    "report",
    "shared",
    "timeline",
]


@pytest.mark.parametrize("name", MINE)
def test_case_templates_use_the_date_filters_and_scrolling_tables(name):
    source = (TEMPLATES / f"{name}.html").read_text()
    assert "SHORT_DATE" not in source and '|date:"' not in source
    assert source.count("<table") == source.count('<div class="table-scroll">')


def test_references_never_break_on_the_case_pages(login):
    case = nmr_case()
    client = login("samordnare.sunne")
    for url in (
        reverse("cases:detail", args=[case.reference]),
        reverse("cases:desk"),
        reverse("cases:timeline", args=[case.reference]),
    ):
        assert f'<span class="ref">{case.reference}</span>' in client.get(url).content.decode()


# --- 21: the intake form: no "---------", "Välj …", optional rows, more rows ---------------


def test_the_intake_form_has_no_dash_choice_and_optional_rows(login):
    body = login("samordnare.sunne").get(reverse("cases:report")).content.decode()
    assert "---------" not in body and "Välj …" in body
    assert 'name="setting" value=""' not in body
    row = body.split('id="id_subjects-0-pseudonym"')[0].rsplit("<label", 1)[1]
    assert "*" not in row and "obligatorisk" not in row


def test_add_a_row_keeps_the_input_and_saves_nothing(login):
    client = login("samordnare.sunne")
    count = Case.objects.count()
    data = {
        "municipality": org("SUN").pk,
        "areas": ["andt"],
        "setting": "school",
        "title": "Fem elever",
        "description": "Beskrivning.",
        "subjects-TOTAL_FORMS": 3,
        "subjects-INITIAL_FORMS": 0,
        **{f"subjects-{i}-pseudonym": f"Elev {'ABC'[i]}" for i in range(3)},
    }
    grown = client.post(reverse("cases:report"), {**data, "add_row": "1"})
    body = grown.content.decode()
    assert grown.status_code == 200 and Case.objects.count() == count
    assert 'name="subjects-TOTAL_FORMS" value="4"' in body and 'value="Fem elever"' in body
    assert "subjects-3-pseudonym" in body and "error-summary" not in body
    data.update(
        {
            "subjects-TOTAL_FORMS": 5,
            "subjects-3-pseudonym": "Elev D",
            "subjects-4-pseudonym": "Elev E",
        }
    )
    assert client.post(reverse("cases:report"), data).status_code == 302
    case = Case.objects.get(title="Fem elever")
    assert case.subjects.count() == 5
    refused = client.post(
        reverse("cases:report"),
        {
            **data,
            "title": "Utan pseudonym",
            "subjects-4-pseudonym": "",
            "subjects-4-age_band": "16-17",
        },
    )
    assert refused.status_code == 400 and "Skriv en pseudonym" in refused.content.decode()


# --- issue 14: the CSV export neutralises formula cells -------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_safe_cell_quotes_a_leading_formula_character(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Oro i skolan") == "Oro i skolan"


def test_the_export_writes_a_formula_title_as_text(login):
    case = CaseFactory(
        municipality=org("SUN"), title='=HYPERLINK("http://x.example","klicka")', status="assessing"
    )
    body = login("samordnare.sunne").get(reverse("cases:export")).content.decode()
    line = next(line for line in body.splitlines() if line.startswith(case.reference))
    assert "'=HYPERLINK" in line and ';"=HYPERLINK' not in line and ";=HYPERLINK" not in line
