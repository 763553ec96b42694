"""Demo escalations: the NMR path of the seed, and open items in every receiver's queue."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Organisation, User

from . import escalation as service
from .choices import CaseStatus, MeasureKind
from .demo import NMR_TITLE
from .models import Case, Escalation, Measure, ProposedMeasure


def seed() -> None:
    orgs = {o.code: o for o in Organisation.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    nmr = Case.objects.filter(title=NMR_TITLE, municipality=orgs["SUN"]).first()
    if nmr is None or nmr.escalations.exists():
        return
    _nmr_path(nmr, orgs, users)
    _open_items(orgs, users)
    _backdate(nmr)


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
