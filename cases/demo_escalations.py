"""Demo escalations: the NMR path of the seed, and open items in every receiver's queue."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone

from accounts.models import Organisation, User
from councils.choices import Area

from . import escalation as service
from .choices import CaseStatus, EscalationStatus, MeasureKind
from .demo import NMR_TITLE
from .models import Case, Escalation, Measure, ProposedMeasure, Subject
from .models.escalations import kind_for

# Who handles an escalation at each receiver, and who escalates from each municipality.
HANDLERS = {
    "AGERA": "agera",
    "LPO-NV": "kommunpolis",
    "LST-S": "lansstyrelsen",
    "SUN": "samordnare.sunne",
    "TOR": "samordnare.torsby",
    "HAG": "samordnare.hagfors",
    "MUN": "samordnare.munkfors",
}
# The first escalation of a case goes where its first area belongs; a second one, sent once the
# measures began, to the neighbour municipality (or the police, for violent extremism); some
# cases escalate a third time when their follow-up begins (the county board, or the police).
FIRST_RECEIVER: dict[str, str] = {
    Area.VBE.value: "AGERA",
    Area.CRIME.value: "LPO-NV",
    Area.ANDT.value: "LST-S",
}
NEIGHBOUR = {"SUN": "TOR", "TOR": "HAG", "HAG": "MUN", "MUN": "SUN"}
# An escalation of the history is wholly done this long before today.
SETTLED = datetime.timedelta(days=3)
# What each step of a past escalation sets besides the fields it changes.
STEP_DATES = {"acknowledged_at", "answered_at", "closed_at"}


def seed() -> None:
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    nmr = Case.objects.filter(title=NMR_TITLE, municipality=orgs["SUN"]).first()
    if nmr is None or nmr.escalations.exists():
        return
    _nmr_path(nmr, orgs, users)
    _open_items(orgs, users)
    _backdate(nmr)
    _history(nmr, orgs, users)


def _backdate(nmr: Case) -> None:
    """Give the demo realistic ages: the NMR path follows the seed's weeks, open items wait
    one to twelve days. A queryset update on purpose: this is staging, not a change of record."""
    start = nmr.reported_at
    steps = {  # receiver: days after the report for created, acknowledged, answered, closed
        "TOR": (25, 27, None, None),
        "AGERA": (25, 26, 32, None),
        "LPO-NV": (45, 45, 52, 55),
    }
    for item in nmr.escalations.select_related("receiver"):
        days = steps[item.receiver.code]
        at = [start + datetime.timedelta(days=d) if d is not None else None for d in days]
        Escalation.objects.filter(pk=item.pk).update(
            created_at=at[0],
            acknowledged_at=at[1] if item.acknowledged_at else None,
            answered_at=at[2] if item.answered_at else None,
            closed_at=at[3] if item.closed_at else None,
        )
    now = timezone.now()
    for index, item in enumerate(Escalation.objects.open().exclude(case=nmr).order_by("pk")):
        created = now - datetime.timedelta(days=1 + (index * 5) % 12, hours=index)
        Escalation.objects.filter(pk=item.pk).update(
            created_at=created,
            acknowledged_at=created + datetime.timedelta(days=1) if item.acknowledged_at else None,
        )


def _nmr_path(case: Case, orgs: dict, users: dict) -> None:
    owner = case.owner or users["samordnare.sunne"]
    pupils = {s.pseudonym: s for s in case.subjects.all()}

    torsby = service.escalation_open(
        case=case,
        receiver=orgs["TOR"],
        by=owner,
        subjects=[pupils["Elev C"]],
        reason="En av eleverna bor i Torsby och går på gymnasiet i Sunne.",
        request="Vi ber om kännedom hos Torsby och ett gemensamt samtal vid nästa "
        "arbetsgruppsmöte.",
        take_up_at_working_group=True,
    )
    service.escalation_acknowledge(escalation=torsby, by=users["samordnare.torsby"])

    agera = service.escalation_open(
        case=case,
        receiver=orgs["AGERA"],
        by=owner,
        subjects=list(pupils.values()),
        reason="Misstänkt rekrytering till en våldsbejakande rörelse på gymnasiet.",
        request="Råd och förslag på insatser för skolpersonal och familjer.",
    )
    service.escalation_answer(
        escalation=agera,
        by=users["agera"],
        text="Vi föreslår personalutbildning och regelbunden ärendehandledning för elevhälsan, "
        "samt orossamtal och anhörigstöd.",
    )
    # Accepted: the training and supervision Agera delivers are the case's existing measures.
    for kind in (MeasureKind.STAFF_TRAINING, MeasureKind.CASE_SUPERVISION):
        ProposedMeasure.objects.create(
            escalation=agera,
            kind=kind,
            responsible=orgs["AGERA"],
            accepted_as=Measure.objects.filter(case=case, kind=kind).first(),
        )

    police = service.escalation_open(
        case=case,
        receiver=orgs["LPO-NV"],
        by=owner,
        subjects=list(pupils.values()),
        reason="Oroande uppgifter har kommit fram om kontakter med organisationen.",
        request="Polisen informeras; bedöm om Säkerhetspolisen behöver kännedom.",
    )
    service.escalation_acknowledge(escalation=police, by=users["kommunpolis"])
    service.escalation_record_security_service(
        escalation=police,
        by=users["kommunpolis"],
        on=timezone.localdate() - datetime.timedelta(days=20),
    )
    service.escalation_answer(
        escalation=police,
        by=users["kommunpolis"],
        text="Uppgifterna bedöms som mindre allvarliga. Det lokala arbetet fortsätter.",
    )
    service.escalation_close(
        escalation=police, by=users["kommunpolis"], note="Avslutat: mindre allvarligt än befarat."
    )


def _open_items(orgs: dict, users: dict) -> None:
    """One or two waiting items in every queue that has people."""
    targets = [
        ("HAG", "AGERA", "samordnare.hagfors"),
        ("TOR", "LPO-NV", "samordnare.torsby"),
        ("MUN", "HAG", "samordnare.munkfors"),
        ("HAG", "SUN", "samordnare.hagfors"),
        ("SUN", "LST-S", "samordnare.sunne"),
        ("TOR", "MUN", "samordnare.torsby"),
    ]
    for municipality, receiver, by in targets:
        case = (
            Case.objects.filter(
                municipality=orgs[municipality],
                status__in=[CaseStatus.ASSESSING, CaseStatus.MEASURES, CaseStatus.FOLLOW_UP],
            )
            .exclude(escalations__receiver=orgs[receiver])
            .order_by("reported_at")
            .first()
        )
        if case is None:
            continue
        service.escalation_open(
            case=case,
            receiver=orgs[receiver],
            by=users[by],
            subjects=list(case.subjects.all()[:1]),
            reason="Problembilden berör även mottagarens ansvarsområde.",
            request="Kännedom och råd om fortsatt arbete.",
        )
    first_open = Escalation.objects.open().filter(receiver=orgs["LST-S"]).first()
    if first_open:
        service.escalation_acknowledge(escalation=first_open, by=users["lansstyrelsen"])


def _history(nmr: Case, orgs: dict, users: dict) -> None:
    """Escalations of the two years behind the demo, dated when they happened: sent after the
    case was assessed (a second one after its measures began, a third at times when its
    follow-up began), acknowledged, answered and
    closed in turn, each before the case closed and all of it settled before today. Made as
    records of the past, not through the services: their notifications were read long ago."""
    now = timezone.now()
    cases = (
        Case.objects.exclude(pk=nmr.pk)
        .filter(status__in=[CaseStatus.MEASURES, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED])
        .select_related("municipality")
        .prefetch_related("transitions", "subjects")
        .order_by("reported_at", "pk")
    )
    past: list[PastEscalation] = []
    for index, case in enumerate(cases):
        moves = {t.to_status: t.at for t in case.transitions.all()}
        rng = random.Random(f"escalations {case.reference}")
        code = case.municipality.code
        areas = [a for a in case.areas.split(",") if a]
        first = FIRST_RECEIVER[areas[0]]
        second = "LPO-NV" if first == "AGERA" else NEIGHBOUR[code]
        sends = [(first, moves[CaseStatus.ASSESSING]), (second, moves[CaseStatus.MEASURES])]
        if CaseStatus.FOLLOW_UP in moves and (index % 3 == 0 or Area.VBE in areas):
            third = "LPO-NV" if first == "LST-S" else "LST-S"
            sends.append((third, moves[CaseStatus.FOLLOW_UP]))
        for receiver, after in sends:
            steps = [after]
            for low, high in ((1, 6), (0, 3), (2, 10), (3, 20)):
                steps.append(steps[-1] + datetime.timedelta(days=rng.randint(low, high), hours=2))
            sent, acknowledged, answered, closed = steps[1:]
            ends = moves.get(CaseStatus.CLOSED, now - SETTLED)
            if closed >= min(ends, now - SETTLED):
                continue  # current work: the demo's open items stand for it
            if case.escalations.open().filter(receiver=orgs[receiver]).exists():
                continue  # one of the open items goes there now
            past.append(
                _past_escalation(
                    case,
                    orgs[receiver],
                    sender=case.owner or users[HANDLERS[code]],
                    handler=users[HANDLERS[receiver]],
                    when=(sent, acknowledged, answered, closed),
                )
            )
    _write_past(past)


@dataclass
class PastEscalation:
    """A past escalation in its last state, and the history records of its steps in order:
    (history type, date, user, the fields' values, whether its shared pseudonyms go with it)."""

    item: Escalation
    shared: list[Subject]
    records: list[tuple[str, datetime.datetime, User, dict[str, Any], bool]] = field(
        default_factory=list
    )


def _past_escalation(
    case: Case,
    receiver,
    *,
    sender,
    handler,
    when: tuple[datetime.datetime, ...],
) -> PastEscalation:
    """Each step checked as a save through the model would be, and recorded as its history
    would record it (see `_write_past`)."""
    sent, acknowledged, answered, closed = when
    item = Escalation(
        case=case,
        receiver=receiver,
        kind=kind_for(receiver),
        reason="Problembilden berör även mottagarens ansvarsområde.",
        request="Kännedom och råd om fortsatt arbete.",
        created_by=sender,
        created_at=sent,
    )
    steps = [
        (sender, sent, {}),
        (handler, acknowledged, {"status": EscalationStatus.ACKNOWLEDGED, "handler": handler}),
        (
            handler,
            answered,
            {
                "status": EscalationStatus.ANSWERED,
                "answer": "Vi har tagit del av ärendet och lämnar råd om fortsatt arbete.",
            },
        ),
        (
            handler,
            closed,
            {
                "status": EscalationStatus.CLOSED,
                "closing_note": "Avslutat: arbetet fortsätter i kommunens ordinarie insatser.",
            },
        ),
    ]
    # Shared with the receiver when it was sent: the first subject of the case, if any.
    past = PastEscalation(item, list(case.subjects.all())[:1])
    # The first state is checked whole (the references, the texts, one open escalation per
    # receiver); each later step for what it changes: what it keeps was checked already, and
    # nothing else is written to the case between the steps.
    checked: set[str] = set()
    for by, at, fields in steps:
        for name, value in fields.items():
            setattr(item, name, value)
        item.acknowledged_at = acknowledged if at >= acknowledged else None
        item.answered_at = answered if at >= answered else None
        item.closed_at = closed if at >= closed else None
        item.full_clean(exclude=sorted(checked - set(fields) - STEP_DATES))
        checked = {f.name for f in Escalation._meta.fields}
        state = {f.attname: getattr(item, f.attname) for f in Escalation._meta.concrete_fields}
        if at == sent and past.shared:
            # Its history as a save and then the sharing would write it: the save's record
            # keeps the seed's time, the sharing's is dated when it was sent.
            past.records.append(("+", timezone.now(), by, state, False))
            past.records.append(("~", at, by, state, True))
        else:
            past.records.append(("+" if at == sent else "~", at, by, state, bool(past.shared)))
    return past


def _write_past(past: list[PastEscalation]) -> None:
    """The past escalations, their shared pseudonyms and their history, written in bulk: the
    rows a save per step and the sharing would write (django-simple-history's records with
    the pseudonyms shared at each, `sutohamu.history`'s user and date), in the same order, in
    a handful of statements instead of some 2,000 (staging, as `_backdate`)."""
    Escalation.objects.bulk_create([p.item for p in past])
    through = Escalation.shared_subjects.through
    links = through.objects.bulk_create(
        [through(escalation_id=p.item.pk, subject_id=s.pk) for p in past for s in p.shared]
    )
    shared_links: dict[int, list[Any]] = {}
    for link in links:
        shared_links.setdefault(link.escalation_id, []).append(link)
    record_model = Escalation.history.model
    records = [
        (
            record_model(
                **{**state, "id": p.item.pk},
                history_date=at,
                history_type=history_type,
                history_user=by,
                history_change_reason=None,
            ),
            with_shared,
        )
        for p in past
        for history_type, at, by, state, with_shared in p.records
    ]
    record_model.objects.bulk_create([record for record, _ in records])
    shared_model = apps.get_model("cases", "HistoricalEscalation_shared_subjects")
    shared_model.objects.bulk_create(
        [
            shared_model(
                history=record,
                id=link.pk,
                escalation_id=link.escalation_id,
                subject_id=link.subject_id,
            )
            for record, with_shared in records
            if with_shared
            for link in shared_links[record.id]
        ]
    )
