"""Demo cases: the seed's NMR reference case and 40 varied, fictitious problem pictures.

Every case is invented; people appear only as pseudonyms. Generated deterministically, and
skipped when already there, so seed_demo stays idempotent.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, User
from councils.choices import Area

from .choices import AgeBand, CaseStatus, MeasureKind, MeasureStatus, Setting
from .followup import contact_log
from .models import Case, Consent, Contact, FollowUpPlan, Measure
from .models.followup import ContactKind, minimum_end, months_between, planned_contacts
from .services import SubjectData, case_report, case_transition

NMR_TITLE = "NMR lockar unga på gymnasiet"
WEEK = datetime.timedelta(days=7)
# Who took part in a follow-up contact (roles, never names).
WHO = ["samordnare, elevhälsan", "samordnare, socialtjänsten", "mentor, vårdnadshavare"]

# area, setting, title, description
PICTURES = [
    (
        Area.VBE,
        Setting.SCHOOL,
        "Extremistisk propaganda i skolans korridorer",
        "Klistermärken med budskap från en våldsbejakande rörelse har satts upp i skolan.",
    ),
    (
        Area.VBE,
        Setting.ONLINE,
        "Unga delar våldsbejakande material i gruppchatt",
        "Personal har fått kännedom om att elever delar filmer som hyllar våld.",
    ),
    (
        Area.VBE,
        Setting.LEISURE,
        "Rekryteringsförsök vid fritidsgården",
        "Äldre ungdomar uppges bjuda in yngre till slutna träffar med extrem ideologi.",
    ),
    (
        Area.CRIME,
        Setting.PUBLIC_PLACE,
        "Skadegörelse vid busstorget kvällstid",
        "Återkommande skadegörelse och hotfulla situationer vid busstorget efter kl. 21.",
    ),
    (
        Area.CRIME,
        Setting.SCHOOL,
        "Stölder i omklädningsrum",
        "Flera stölder i skolans omklädningsrum under hösten.",
    ),
    (
        Area.CRIME,
        Setting.PUBLIC_PLACE,
        "Otrygghet vid tågstationen",
        "Invånare beskriver otrygghet vid stationen; grupper av unga samlas sent.",
    ),
    (
        Area.CRIME,
        Setting.ONLINE,
        "Hot och trakasserier i sociala medier",
        "En grupp elever utsätts för hot i sociala medier från okända konton.",
    ),
    (
        Area.ANDT,
        Setting.LEISURE,
        "Langning av alkohol inför skolavslutning",
        "Uppgifter om att vuxna köper ut alkohol till minderåriga inför skolavslutningen.",
    ),
    (
        Area.ANDT,
        Setting.SCHOOL,
        "Snusning bland elever på mellanstadiet",
        "Personal har sett att allt yngre elever använder snus under skoltid.",
    ),
    (
        Area.ANDT,
        Setting.PUBLIC_PLACE,
        "Narkotikaförsäljning vid idrottsplatsen",
        "Misstanke om försäljning av cannabis vid idrottsplatsen på helger.",
    ),
    (
        Area.ANDT,
        Setting.ONLINE,
        "Försäljning av narkotika via appar",
        "Unga uppger att narkotika erbjuds via krypterade appar.",
    ),
    (
        Area.CRIME,
        Setting.LEISURE,
        "Bråk vid ungdomsdisco",
        "Våldsamma bråk vid två ungdomsarrangemang i rad.",
    ),
    (
        Area.VBE,
        Setting.PUBLIC_PLACE,
        "Hakkorsklotter vid idrottshallen",
        "Klotter med nazistisk symbolik på idrottshallens fasad.",
    ),
    (
        Area.CRIME,
        Setting.OTHER,
        "Ungdomsgrupp kopplad till bilstölder",
        "Polisen ser ett mönster av bilinbrott där samma grupp unga förekommer.",
    ),
]

STATUS_PATHS: dict[str, list[CaseStatus]] = {
    CaseStatus.REPORTED: [],
    CaseStatus.ASSESSING: [CaseStatus.ASSESSING],
    CaseStatus.MEASURES: [CaseStatus.ASSESSING, CaseStatus.MEASURES],
    CaseStatus.FOLLOW_UP: [CaseStatus.ASSESSING, CaseStatus.MEASURES, CaseStatus.FOLLOW_UP],
    CaseStatus.CLOSED: [
        CaseStatus.ASSESSING,
        CaseStatus.MEASURES,
        CaseStatus.FOLLOW_UP,
        CaseStatus.CLOSED,
    ],
}


def seed() -> None:
    """Create the cases oldest first, so that references follow the reporting dates."""
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    now = timezone.now()
    specs = [(now - datetime.timedelta(days=75), lambda at: _nmr_case(orgs, users, at))]
    specs += _varied_specs(orgs, users, now)
    for reported_at, create in sorted(specs, key=lambda spec: spec[0]):
        create(reported_at)
    # The cases still in follow-up have held their contacts up to today; those that closed held
    # theirs before closing (`_walk`).
    story = _reminder_story()
    for case in (
        Case.objects.filter(status=CaseStatus.FOLLOW_UP, contacts__isnull=True)
        .exclude(pk__in=story)
        .select_related("owner", "reported_by")
        .order_by("reference")
    ):
        _contacts(case, case.owner or case.reported_by, timezone.localdate())


def _reminder_story() -> list[int]:
    """Sunne's first three cases in follow-up: the reminders demo writes their contacts (one
    overdue, one due this week, one closed early; reminders/demo.py picks them the same way)."""
    return list(
        Case.objects.filter(municipality__code="SUN", status=CaseStatus.FOLLOW_UP)
        .exclude(owner=None)
        .order_by("reference")
        .values_list("pk", flat=True)[:3]
    )


def _contacts(case: Case, by: User, until: datetime.date) -> None:
    """The contacts held from the plan's start to `until` (the day before closing, or today),
    about as the cadence planned them: a few days late at times, now and then one missed."""
    plan = FollowUpPlan.objects.get(case=case)
    rng = random.Random(case.reference)
    months = months_between(plan.started_on, until) + 1
    held_contacts = []
    for day in planned_contacts(plan.cadence, plan.started_on, months=months):
        held = day + datetime.timedelta(days=rng.randint(0, 4))
        if held > until:
            break
        if rng.random() < 0.12:
            continue  # missed
        contact = contact_log(
            case=case,
            by=by,
            on=held,
            kind=rng.choice(ContactKind.values),
            who=rng.choice(WHO),
            note="",
        )
        recorded = timezone.make_aware(datetime.datetime.combine(held, datetime.time(15)))
        contact.recorded_at = min(recorded, timezone.now())
        held_contacts.append(contact)
    # Each recorded the day it was held (staging, not a change of record: one update for all,
    # past the model's save and its history, as a queryset update).
    Contact.objects.bulk_update(held_contacts, ["recorded_at"])


def _walk(case: Case, target: str, by: User) -> Case:
    """Walk the case to `target`, each step dated when it happened (see `_step_dates`)."""
    steps = STATUS_PATHS[target]
    for step, at in zip(steps, _step_dates(case.reported_at, steps), strict=True):
        reason = ""
        if step == CaseStatus.CLOSED:
            if at is None:
                break  # a recent case stays in follow-up: the minimum period is not over
            reason = "Oron bedöms inte längre kvarstå efter uppföljning."
            _contacts(case, by, timezone.localdate(at) - datetime.timedelta(days=1))
        case = case_transition(
            case=case, to=step, by=by, reason=reason, version=case.version, at=at
        )
        if step == CaseStatus.FOLLOW_UP:  # the plan starts the day the case entered follow-up
            FollowUpPlan.objects.filter(case=case).update(started_on=timezone.localdate(at))
    return case


def _step_dates(
    reported: datetime.datetime, steps: list[CaseStatus]
) -> list[datetime.datetime | None]:
    """When each step happened, in order, between the report and now: assessed within a week,
    measures within a month, follow-up within three months; closed once the minimum follow-up
    period is over (None when it is not yet: the case stays in follow-up). A case closes when
    the period counted from its report day is over, so the demo's statuses do not move."""
    now = timezone.now()
    today = timezone.localdate()
    span = now - reported
    minute = datetime.timedelta(minutes=1)
    assessed = reported + min(span * 0.05, datetime.timedelta(days=7)) + minute
    measures = reported + min(span * 0.15, datetime.timedelta(days=30)) + 2 * minute
    followed = reported + min(span * 0.3, datetime.timedelta(days=90)) + 3 * minute
    closes = CaseStatus.CLOSED in steps
    if closes:
        while followed > measures + minute and today < minimum_end(timezone.localdate(followed)):
            followed = max(measures + minute, followed - datetime.timedelta(days=1))
    dates: list[datetime.datetime | None] = [assessed, measures, followed]
    if closes:
        closable = today >= minimum_end(timezone.localdate(reported))
        start = timezone.localdate(followed)
        closed = followed + (minimum_end(start) - start) + datetime.timedelta(days=14)
        dates.append(max(followed + minute, min(closed, now - minute)) if closable else None)
    return dates[: len(steps)]


def _nmr_case(orgs: dict[str, Organisation], users: dict[str, User], reported) -> None:
    sunne = orgs["SUN"]
    if Case.objects.filter(municipality=sunne, title=NMR_TITLE).exists():
        return
    case = case_report(
        by=users["rektor.sunne"],
        municipality=sunne,
        areas=[Area.VBE, Area.CRIME],
        setting=Setting.SCHOOL,
        title=NMR_TITLE,
        description=(
            "En lärare har hittat propaganda från Nordiska motståndsrörelsen (NMR) i skolan. "
            "Misstanken riktas mot tre unga män som tidigare ritat rasistiskt klotter på skolan. "
            "En av eleverna bor i grannkommunen."
        ),
        discovery="Lärare hittade flygblad och klistermärken i skolans korridor.",
        subjects=[
            SubjectData("Elev A", AgeBand.AGE_16_17, sunne),
            SubjectData("Elev B", AgeBand.AGE_16_17, sunne),
            SubjectData("Elev C", AgeBand.AGE_18_20, orgs["TOR"]),
        ],
        reported_at=reported,
    )
    owner = case.owner or users["samordnare.sunne"]
    case = _walk(case, CaseStatus.MEASURES, owner)
    start = (reported + datetime.timedelta(days=20)).date()
    plans = [
        (
            MeasureKind.STAFF_TRAINING,
            orgs["AGERA"],
            "",
            MeasureStatus.DONE,
            "Utbildning för skolpersonal om våldsbejakande extremism.",
        ),
        (
            MeasureKind.CASE_SUPERVISION,
            orgs["AGERA"],
            "",
            MeasureStatus.ONGOING,
            "Regelbunden ärendehandledning för elevhälsan.",
        ),
        (
            MeasureKind.CONCERN_CONVERSATION,
            sunne,
            "Skolan",
            MeasureStatus.DONE,
            "Orossamtal med berörda elever och vårdnadshavare.",
        ),
        (
            MeasureKind.RELATIVES_SUPPORT,
            sunne,
            "Socialtjänsten",
            MeasureStatus.ONGOING,
            "Anhörigstöd till familjerna.",
        ),
        (
            MeasureKind.INDIVIDUAL_SUPPORT,
            sunne,
            "Elevhälsan",
            MeasureStatus.ONGOING,
            "Individstöd för de tre eleverna.",
        ),
    ]
    for index, (kind, org, unit, status, text) in enumerate(plans):
        Measure.objects.create(
            case=case,
            kind=kind,
            responsible=org,
            responsible_unit=unit,
            status=status,
            description=text,
            planned_start=start + datetime.timedelta(days=7 * index),
            planned_end=start + datetime.timedelta(days=7 * index + 60),
            actual_start=start + datetime.timedelta(days=7 * index)
            if status != MeasureStatus.PLANNED
            else None,
            actual_end=start + datetime.timedelta(days=7 * index + 14)
            if status == MeasureStatus.DONE
            else None,
        )
    consent = Consent.objects.create(
        case=case,
        subject=case.subjects.get(pseudonym="Elev C"),
        scope="Problembild och insatser får delas mellan Sunne och Torsby kommun.",
        given_on=start,
        expires_on=start + datetime.timedelta(days=180),
    )
    consent.organisations.set([sunne, orgs["TOR"]])


def _varied_specs(orgs: dict[str, Organisation], users: dict[str, User], now):
    rng = random.Random(2026)
    reporters = {
        "SUN": ["samordnare.sunne", "rektor.sunne", "samordnare2.sunne"],
        "TOR": ["samordnare.torsby"],
        "HAG": ["samordnare.hagfors"],
        "MUN": ["samordnare.munkfors"],
    }
    specs = []
    for index in range(40):
        # Every random draw happens up front, so that a re-run draws the same.
        code = ["SUN", "TOR", "HAG", "MUN"][index % 4]
        area, setting, title, description = PICTURES[index % len(PICTURES)]
        days_ago = rng.randint(1, 10) if index < 4 else rng.randint(11, 640)
        spec: dict[str, Any] = {
            "code": code,
            "area": area,
            "setting": setting,
            "title": title,
            "description": description,
            "target": CaseStatus.REPORTED if index < 4 else _target_status(days_ago, rng),
            "reporter": users[rng.choice(reporters[code])],
            "fallback_owner": users[reporters[code][0]],
            "extra_area": [Area.CRIME] if area != Area.CRIME and rng.random() < 0.2 else [],
            "subjects": [
                SubjectData(f"Individ {n}", rng.choice(AgeBand.values[1:]), orgs[code])
                for n in range(1, rng.randint(1, 3) + 1)
            ],
            "measure_kind": rng.choice(MeasureKind.values),
            "measure_days": (rng.randint(10, 60), rng.randint(-5, 40)),
        }
        specs.append((now - datetime.timedelta(days=days_ago), spec))
    # A case's identity is (municipality, title, repeat), repeat counting from 0 oldest first
    # among the specs that share municipality and title; never its date, which moves with the
    # clock, so a re-run on a later day finds the cases it made before instead of adding more.
    repeats: dict[tuple[str, str], int] = {}
    for _reported, spec in sorted(specs, key=lambda item: item[0]):
        key = (spec["code"], spec["title"])
        spec["repeat"] = repeats.get(key, 0)
        repeats[key] = spec["repeat"] + 1
    return [
        (reported, lambda at, spec=spec: _varied_case(orgs, spec, at)) for reported, spec in specs
    ]


def _varied_case(orgs: dict[str, Organisation], spec: dict, reported) -> None:
    municipality = orgs[spec["code"]]
    # Already made (on whatever day) when more cases with this title exist than its repeat.
    if Case.objects.filter(municipality=municipality, title=spec["title"]).count() > spec["repeat"]:
        return
    case = case_report(
        by=spec["reporter"],
        municipality=municipality,
        areas=[spec["area"], *spec["extra_area"]],
        setting=spec["setting"],
        title=spec["title"],
        description=spec["description"],
        subjects=spec["subjects"],
        reported_at=reported,
    )
    case = _walk(case, spec["target"], case.owner or spec["fallback_owner"])
    if spec["target"] in {CaseStatus.MEASURES, CaseStatus.FOLLOW_UP}:
        today = timezone.localdate()
        # Begun after the case moved to measures (not before its report), a week in if it is old.
        moved = case.transitions.filter(to_status=CaseStatus.MEASURES).values_list("at", flat=True)
        started = timezone.localdate(moved[0])
        start = min(today - datetime.timedelta(days=spec["measure_days"][0]), started + WEEK)
        if start < started and started <= today - datetime.timedelta(days=5):
            start = started
        Measure.objects.create(
            case=case,
            kind=spec["measure_kind"],
            responsible=municipality,
            status=MeasureStatus.ONGOING,
            planned_start=start,
            planned_end=today + datetime.timedelta(days=spec["measure_days"][1]),
        )


def _target_status(days_ago: int, rng: random.Random) -> str:
    if days_ago < 30:
        return rng.choice([CaseStatus.ASSESSING, CaseStatus.ASSESSING, CaseStatus.MEASURES])
    if days_ago < 120:
        return rng.choice([CaseStatus.ASSESSING, CaseStatus.MEASURES, CaseStatus.MEASURES])
    if days_ago < 365:
        return rng.choice([CaseStatus.MEASURES, CaseStatus.FOLLOW_UP, CaseStatus.FOLLOW_UP])
    return rng.choice([CaseStatus.FOLLOW_UP, CaseStatus.CLOSED, CaseStatus.CLOSED])
