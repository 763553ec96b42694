"""Demo content of the cooperation; everything fictitious, dates relative to the current year."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from sutohamu.demo import upsert

from .choices import ActivityStatus, Area, BodyKind, MedskickStatus, MembershipKind, Period
from .choices import PriorityScope as Scope
from .models import (
    ActionPlanAssignment,
    Agreement,
    AgreementPoint,
    Body,
    CitizenPromise,
    Medskick,
    MeetingPlan,
    Membership,
    Priority,
    PromiseActivity,
    Signatory,
)

MUNICIPALITIES = ["SUN", "TOR", "HAG", "MUN"]
COORDINATORS = {
    "SUN": "samordnare.sunne",
    "TOR": "samordnare.torsby",
    "HAG": "samordnare.hagfors",
    "MUN": "samordnare.munkfors",
}
MEMBER_SINCE = datetime.date(2025, 1, 1)

AGREEMENT_POINTS = [
    "Parterna samverkar i det förebyggande arbetet mot ANDT, brott och våldsbejakande "
    "extremism under det gemensamma namnet SuToHaMu.",
    "Varje kommun utser en ansvarig samordnare för arbetet.",
    "Varje kommun har ett lokalt råd som sammanträder två till fyra gånger per år.",
    "SuToHaMu-gruppen, med kommunernas samordnare och kommunpolisen, träffas en eftermiddag i "
    "månaden. Kommunerna turas om att äga dagordningen.",
    "Styrgruppen sammanträder två gånger per år och fastställer gemensamma prioriteringar.",
    "Länsstyrelsen Värmland och Agera Värmland är adjungerade till SuToHaMu-gruppen.",
    "Ärenden hanteras avidentifierat; uppgifter om enskilda lämnas endast med samtycke eller "
    "stöd i lag.",
    "Överenskommelsen gäller tills vidare. Den upphör för samtliga parter om en part "
    "säger upp den.",
]

PRIORITIES = [
    (
        Scope.JOINT,
        None,
        Area.VBE,
        "Tidig upptäckt av radikalisering bland unga",
        "Gemensam kompetensinsats för skolpersonal och fritidsledare tillsammans med Agera.",
    ),
    (
        Scope.JOINT,
        None,
        Area.CRIME,
        "Gemensam lägesbild över kommungränserna",
        "Månatlig lägesbild från varje kommun till SuToHaMu-gruppen.",
    ),
    (
        Scope.LOCAL,
        "SUN",
        Area.ANDT,
        "Minska langning av alkohol till unga",
        "Tillsyn och föräldravandringar inför skolavslutning och midsommar.",
    ),
    (
        Scope.LOCAL,
        "TOR",
        Area.CRIME,
        "Skadegörelse vid skolor",
        "Trygghetsvandringar och samarbete med fastighetsägare.",
    ),
    (
        Scope.LOCAL,
        "HAG",
        Area.VBE,
        "Utbildning för fritidsgårdens personal",
        "Grundutbildning om våldsbejakande extremism.",
    ),
    (
        Scope.LOCAL,
        "MUN",
        Area.ANDT,
        "Tobaksfri skoltid",
        "Samverkan med elevhälsan om tobak och nikotin.",
    ),
]

PROMISES = {
    "SUN": (
        "Tryggare centrum kvällstid",
        [
            (
                "Trygghetsvandring i centrum",
                "SUN",
                4,
                ActivityStatus.DONE,
                "Genomförd med 14 deltagare; belysning vid busstorget anmäld.",
            ),
            ("Polisiär närvaro fredagskvällar", "LPO-NV", 9, ActivityStatus.ONGOING, ""),
        ],
    ),
    "TOR": (
        "Tryggt i och kring skolan",
        [
            ("Kontaktpolis på högstadiet", "LPO-NV", 6, ActivityStatus.ONGOING, ""),
            ("Trygghetsvandring vid skolan", "TOR", 10, ActivityStatus.PLANNED, ""),
        ],
    ),
    "HAG": (
        "Trygga mötesplatser för unga",
        [
            (
                "Öppen fritidsgård fredagar",
                "HAG",
                3,
                ActivityStatus.DONE,
                "Fritidsgården har öppet fredagar till kl. 23.",
            ),
            ("Dialogmöte med föreningslivet", "LPO-NV", 11, ActivityStatus.PLANNED, ""),
        ],
    ),
    "MUN": (
        "Minskad narkotikaförekomst bland unga",
        [
            (
                "Föräldrainformation om narkotika",
                "MUN",
                5,
                ActivityStatus.DONE,
                "Informationskväll genomförd i samverkan med socialtjänsten.",
            ),
            ("Riktade kontroller vid evenemang", "LPO-NV", 8, ActivityStatus.ONGOING, ""),
        ],
    ),
}

# sender, receiver, area, title, text, status, answer, days ago
MEDSKICK = [
    (
        "SUN",
        "WG",
        Area.ANDT,
        "Ökad förekomst av narkotika bland unga",
        "Rådet ser tecken på ökad narkotikaförekomst bland gymnasieelever och vill veta om "
        "grannkommunerna ser samma bild.",
        MedskickStatus.ANSWERED,
        "Torsby och Hagfors ser samma tendens. Frågan tas upp på nästa möte med Länsstyrelsen.",
        40,
    ),
    (
        "HAG",
        "WG",
        Area.VBE,
        "Behov av utbildning om VBE för fritidsledare",
        "Fritidsledarna efterfrågar utbildning om våldsbejakande extremism.",
        MedskickStatus.SENT,
        "",
        6,
    ),
    (
        "WG",
        "TOR",
        Area.CRIME,
        "Lokal lägesbild inför regional lägesbild",
        "Arbetsgruppen ber rådet om en kort lokal lägesbild inför Ageras regionala lägesbild.",
        MedskickStatus.RECEIVED,
        "",
        12,
    ),
    (
        "WG",
        "MUN",
        Area.VBE,
        "Ageras erbjudande om handledning",
        "Agera Värmland erbjuder ärendehandledning för skolpersonal. Arbetsgruppen ber rådet "
        "sprida erbjudandet.",
        MedskickStatus.SENT,
        "",
        3,
    ),
]


def seed() -> None:
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    bodies = _bodies(orgs)
    _memberships(orgs, users, bodies)
    _agreement(orgs)
    year = timezone.localdate().year
    _meeting_plans(bodies, year)
    _priorities(orgs, year)
    _promises(orgs, year)
    _medskick(users, bodies)
    _action_plans(orgs, users)


def _bodies(orgs: dict[str, Organisation]) -> dict[str, Body]:
    bodies = {
        code: Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality=orgs[code])
        for code in MUNICIPALITIES
    }
    bodies["WG"] = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    bodies["SG"] = Body.objects.get(kind=BodyKind.STEERING_GROUP)
    return bodies


def _seat(body: Body, user: User, org: Organisation, kind: str) -> None:
    upsert(
        Membership,
        {"body": body, "user": user, "end_date": None},
        {"organisation": org, "kind": kind, "start_date": MEMBER_SINCE},
    )


def _memberships(orgs: dict, users: dict, bodies: dict) -> None:
    lpo = orgs["LPO-NV"]
    for code in MUNICIPALITIES:
        _seat(bodies[code], users[COORDINATORS[code]], orgs[code], MembershipKind.MEMBER)
        _seat(bodies[code], users["kommunpolis"], lpo, MembershipKind.MEMBER)
        _seat(bodies["WG"], users[COORDINATORS[code]], orgs[code], MembershipKind.MEMBER)
    _seat(bodies["SUN"], users["samordnare2.sunne"], orgs["SUN"], MembershipKind.MEMBER)
    _seat(bodies["SUN"], users["rektor.sunne"], orgs["SUN"], MembershipKind.MEMBER)
    _seat(bodies["WG"], users["kommunpolis"], lpo, MembershipKind.MEMBER)
    _seat(bodies["WG"], users["agera"], orgs["AGERA"], MembershipKind.CO_OPTED)
    _seat(bodies["WG"], users["lansstyrelsen"], orgs["LST-S"], MembershipKind.CO_OPTED)
    _seat(bodies["SG"], users["styrgrupp.sunne"], orgs["SUN"], MembershipKind.CHAIR)
    _seat(bodies["SG"], users["lpo.chef"], lpo, MembershipKind.MEMBER)
    _seat(bodies["SG"], users["kommunpolis"], lpo, MembershipKind.MEMBER)


def _agreement(orgs: dict[str, Organisation]) -> None:
    agreement = upsert(
        Agreement,
        {"title": "Samverkansöverenskommelse SuToHaMu"},
        {"start_date": datetime.date(2024, 3, 1)},
    )
    parties = [orgs[c] for c in [*MUNICIPALITIES, "LPO-NV"]]
    if set(agreement.parties.all()) != set(parties):
        agreement.parties.set(parties)
    for number, text in enumerate(AGREEMENT_POINTS, start=1):
        upsert(AgreementPoint, {"agreement": agreement, "number": number}, {"text": text})
    for code in MUNICIPALITIES:
        upsert(
            Signatory,
            {"agreement": agreement, "organisation": orgs[code]},
            {"office": "Kommunalråd", "signed_on": datetime.date(2024, 2, 20)},
        )
    upsert(
        Signatory,
        {"agreement": agreement, "organisation": orgs["LPO-NV"]},
        {"office": "Lokalpolisområdeschef", "signed_on": datetime.date(2024, 2, 26)},
    )


def _meeting_plans(bodies: dict[str, Body], year: int) -> None:
    counts = {"SUN": 4, "TOR": 3, "HAG": 2, "MUN": 4, "WG": 11, "SG": 2}
    for key, count in counts.items():
        upsert(MeetingPlan, {"body": bodies[key], "year": year}, {"planned_meetings": count})


def _priorities(orgs: dict[str, Organisation], year: int) -> None:
    for scope, code, area, title, description in PRIORITIES:
        upsert(
            Priority,
            {"year": year, "title": title},
            {
                "period": Period.YEAR,
                "scope": scope,
                "municipality": orgs[code] if code else None,
                "area": area,
                "description": description,
                # A joint priority rests on the working group's decision (see Priority.clean).
                "decision_reference": (
                    f"SuToHaMu-gruppen {year}-01-15 § 3"
                    if scope == Scope.JOINT
                    else f"Styrgruppen {year}-02-12 § 4"
                ),
                "decision_date": datetime.date(year, 1, 15) if scope == Scope.JOINT else None,
            },
        )


def _promises(orgs: dict[str, Organisation], year: int) -> None:
    for code, (title, activities) in PROMISES.items():
        promise = upsert(
            CitizenPromise,
            {"municipality": orgs[code], "year": year},
            {
                "police_area": orgs["LPO-NV"],
                "title": title,
                "text": f"Polisen och {orgs[code].name} lovar invånarna: {title.lower()}.",
            },
        )
        for activity, owner, month, status, note in activities:
            upsert(
                PromiseActivity,
                {"promise": promise, "title": activity},
                {
                    "owner": orgs[owner],
                    "due_date": datetime.date(year, month, 28),
                    "status": status,
                    "follow_up": note,
                },
            )


def _medskick(users: dict[str, User], bodies: dict[str, Body]) -> None:
    now = timezone.now()
    for sender, receiver, area, title, text, status, answer, days in MEDSKICK:
        sent_at = now - datetime.timedelta(days=days)
        handler_code = receiver if receiver != "WG" else "SUN"
        handler = users[COORDINATORS[handler_code]] if status != MedskickStatus.SENT else None
        sender_code = sender if sender != "WG" else "SUN"
        upsert(
            Medskick,
            {"sender": bodies[sender], "receiver": bodies[receiver], "title": title},
            {
                "area": area,
                "text": text,
                "status": status,
                "answer": answer,
                "handler": handler,
                "sent_by": users[COORDINATORS[sender_code]],
            },
            create_only={
                "sent_at": sent_at,
                "received_at": sent_at + datetime.timedelta(days=2) if handler else None,
                "answered_at": sent_at + datetime.timedelta(days=9) if answer else None,
            },
        )


def _action_plans(orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    for code in MUNICIPALITIES:
        for area in Area:
            coordinator, fallback = users[COORDINATORS[code]], None
            if code == "SUN":
                second = users["samordnare2.sunne"]
                if area == Area.ANDT:
                    coordinator, fallback = second, coordinator
                else:
                    fallback = second
            upsert(
                ActionPlanAssignment,
                {"municipality": orgs[code], "area": area},
                {"coordinator": coordinator, "fallback": fallback},
            )
