"""Demo meetings: last, this and next year's schedules of every body; last year's meetings and
this year's working-group meetings held with minutes, decisions and action items, a chair and two
justerare who approve them (so each has frozen minutes, the working group's also a frozen sent
agenda); lägesbilder for the working group's last four meetings; each body's next meeting with its
agenda (the working group's with the NMR case's review line and the Torsby escalation). The
working group's last meeting also decides an early closure naming a Sunne case in follow-up: the
reminders demo closes that case with it (it takes the working group's newest decision). January's
working-group meetings also record the year's priority decision (what a joint priority cites).

Everything is fictitious and relative to today; seeding again adds nothing that exists.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from cases.choices import CaseStatus
from cases.models import Case
from councils.choices import BodyKind
from councils.models import Body, MeetingPlan
from sutohamu.demo import upsert

from . import services
from .choices import DecisionKind, MeetingStatus, Trend
from .models import AgendaItem, AgendaRotation, Meeting
from .schedule import generate_year

ROTATION = ["SUN", "TOR", "HAG", "MUN"]
PLANS = {"SUN": 4, "TOR": 3, "HAG": 2, "MUN": 4}
TRENDS = [Trend.UP, Trend.SAME, Trend.DOWN, Trend.SAME, Trend.SAME, Trend.UP, Trend.DOWN]
DECISIONS = [
    "Arbetsgruppen ställer sig bakom den gemensamma lägesbilden och delar den med styrgruppen.",
    "Samordnarna tar fram ett gemensamt underlag om trygghet i skolmiljön till nästa möte.",
    "Utbildningsdagen om våldsbejakande extremism genomförs tillsammans med Agera Värmland.",
    "Medborgarlöftenas aktiviteter följs upp kvartalsvis i arbetsgruppen.",
]
ACTIONS = [
    "Sammanställa kommunernas lägesbilder inför styrgruppen",
    "Boka lokal och handledare för utbildningsdagen",
    "Skicka ut enkät om trygghet till skolorna",
]
NOTES = "Punkten gicks igenom. Inga personuppgifter eller ärendeuppgifter antecknas här."


def seed() -> None:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[*ROTATION, "LST-S"])}
    wg = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    for position, code in enumerate(ROTATION, start=1):
        upsert(AgendaRotation, {"body": wg, "municipality": orgs[code]}, {"position": position})
    today = timezone.localdate()
    # What depends on the day (held meetings, agendas, pictures) is seeded once, with the
    # schedule: re-running the seed on a later day changes nothing.
    first_run = not Meeting.objects.exists()
    bodies = list(Body.objects.select_related("municipality"))
    for body in bodies:
        _plan(body, today.year - 1)
        _plan(body, today.year + 1)
        for year in (today.year - 1, today.year, today.year + 1):
            generate_year(body=body, year=year, by=None)
        _places(body)
    if first_run:
        _hold_past_and_prepare_next(wg, bodies, orgs, today)


def _hold_past_and_prepare_next(
    wg: Body, bodies: list[Body], orgs: dict[str, Organisation], today: datetime.date
) -> None:
    secretary = {b.pk: _secretary(b) for b in bodies}
    now = timezone.now()
    past_wg = list(
        Meeting.objects.filter(body=wg, ends_at__lt=now).not_cancelled().order_by("-starts_at")[:4]
    )
    done = (MeetingStatus.MINUTES_APPROVED, MeetingStatus.CANCELLED, MeetingStatus.HELD)
    past = Meeting.objects.filter(ends_at__lt=now).exclude(status__in=done)
    # This year's council and steering meetings: held, minutes not yet written (a quick seed).
    past.filter(starts_at__year=today.year).exclude(body=wg).update(status=MeetingStatus.HELD)
    for meeting in past.filter(status=MeetingStatus.PLANNED).select_related("body", "host"):
        _hold(
            meeting,
            secretary[meeting.body_id],
            pictures=meeting in past_wg,
            early_closure=bool(past_wg) and meeting == past_wg[0],
        )
    for body in bodies:  # each body's next meeting has its agenda
        coming = Meeting.objects.filter(body=body, starts_at__gte=now).order_by("starts_at").first()
        if coming is not None:
            owner = _host_coordinator(coming) or secretary[body.pk]
            services.agenda_create(meeting=coming, by=owner)
    coming = Meeting.objects.filter(body=wg, starts_at__gte=now).order_by("starts_at").first()
    if coming is not None and not coming.situation_reports.exists():
        _picture(coming, orgs["SUN"], User.objects.get(username="samordnare.sunne"), 2)


def _plan(body: Body, year: int) -> None:
    this_year = body.meeting_plans.order_by("-year").first()
    count = this_year.planned_meetings if this_year else body.min_meetings_per_year
    upsert(MeetingPlan, {"body": body, "year": year}, {"planned_meetings": count})


def _places(body: Body) -> None:
    places: dict[str, list[int]] = {}
    for meeting in Meeting.objects.filter(body=body, place="").select_related("host"):
        where = meeting.host or body.municipality
        place = f"Kommunhuset, {where.name}" if where else "Kommunhuset, Sunne kommun"
        places.setdefault(place, []).append(meeting.pk)
    for place, pks in places.items():  # one update per place
        Meeting.objects.filter(pk__in=pks).update(place=place)


def _secretary(body: Body) -> User:
    """Someone who may write the body's minutes (its first editor)."""
    member = Body.objects.filter(pk=body.pk)
    for seat in body.memberships.select_related("user").order_by("kind", "pk"):
        if member.changeable_by(seat.user).exists():
            return seat.user
    return User.objects.get(username="kommunpolis")


def _host_coordinator(meeting: Meeting) -> User | None:
    seat = (
        meeting.body.memberships.filter(organisation=meeting.host)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return seat.user if seat else None


def _picture(meeting: Meeting, org: Organisation, by: User, index: int) -> None:
    services.situation_report_submit(
        meeting=meeting,
        organisation=org,
        data={
            "trend_andt": TRENDS[index % len(TRENDS)],
            "trend_crime": TRENDS[(index + 2) % len(TRENDS)],
            "trend_vbe": TRENDS[(index + 4) % len(TRENDS)],
            "risk_factors": "Fler unga rör sig ute sent på helgerna; propaganda på skolor.",
            "protective_factors": "Aktiva fritidsgårdar och god samverkan med skolan.",
            "text": f"Lägesbild från {org.name}: i stort sett oförändrat läge sedan förra mötet.",
        },
        by=by,
    )


def _hold(
    meeting: Meeting, secretary: User, *, pictures: bool, early_closure: bool = False
) -> None:
    """A past meeting held: agenda, pictures, attendance, notes, decisions, actions, justering."""
    items = services.agenda_create(meeting=meeting, by=secretary)
    if pictures:
        for index, org in enumerate(services.expected_reporters(meeting)):
            reporter = _reporter(meeting, org)
            if reporter is not None:
                _picture(meeting, org, reporter, index + meeting.starts_at.month)
    seats = services.seats_of(meeting)
    present = [s.user_id for i, s in enumerate(seats) if i != meeting.starts_at.month % 5]
    if pictures:  # the working group's agenda went out: its sent version is a record
        services.agenda_send(meeting=meeting, by=secretary)
    services.attendance_record(meeting=meeting, present=present, guests=[], by=secretary)
    others = [u for u in services.present_people(meeting) if u.pk != secretary.pk]
    checkers = others[1:3] or others[:1]
    services.minutes_save(meeting=meeting, notes={i.pk: NOTES for i in items[:3]}, by=secretary)
    month = meeting.starts_at.month
    decision = services.decision_add(
        meeting=meeting, text=DECISIONS[month % len(DECISIONS)], item=items[0], by=secretary
    )
    if meeting.body.kind != BodyKind.STEERING_GROUP and seats:
        owner = seats[month % len(seats)].user
        item = services.action_item_add(
            meeting=meeting,
            title=ACTIONS[month % len(ACTIONS)],
            owner=owner,
            due_date=meeting.day + datetime.timedelta(days=45),
            decision=decision,
            by=secretary,
        )
        if item.due_date < timezone.localdate() - datetime.timedelta(days=60):
            services.action_item_set_status(item=item, status="done", by=secretary)
    if meeting.body.kind == BodyKind.WORKING_GROUP and month == 1:
        services.decision_add(
            meeting=meeting,
            text="Arbetsgruppen fastställer årets gemensamma prioriteringar: trygghet i skolmiljön "
            "och förebyggande arbete mot våldsbejakande extremism.",
            item=items[0],
            kind=DecisionKind.PRIORITY,
            by=secretary,
        )
    if early_closure:
        _early_closure_decision(meeting, items[0], secretary)
    if not others:
        return  # nobody else present to check the minutes: they stay unapproved
    services.justering_set(meeting=meeting, chair=others[0], checkers=checkers, by=secretary)
    for checker in checkers:
        services.minutes_approve(meeting=meeting, by=checker)


def _early_closure_decision(meeting: Meeting, item: AgendaItem, secretary: User) -> None:
    """The decision the reminders demo closes its third Sunne follow-up case with."""
    case = (
        Case.objects.filter(municipality__code="SUN", status=CaseStatus.FOLLOW_UP)
        .exclude(owner=None)
        .order_by("reference")[2:3]
        .first()
    )
    if case is None:
        return
    services.decision_add(
        meeting=meeting,
        text=(
            f"Arbetsgruppen beslutar att ärende {case.reference} får avslutas före den minsta "
            "uppföljningstiden: oron kvarstår inte och skolan följer upp inom elevhälsan."
        ),
        item=item,
        kind=DecisionKind.EARLY_CLOSURE,
        case_reference=case.reference,
        by=secretary,
    )


def _reporter(meeting: Meeting, org: Organisation) -> User | None:
    seat = (
        meeting.body.memberships.filter(organisation=org)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return seat.user if seat else None
