"""Demo escalations: the NMR path of the seed, and open items in every receiver's queue."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from councils.models import Organisation

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


def _nmr_path(case: Case, orgs: dict, users: dict) -> None:
    owner = case.owner or users["samordnare.sunne"]
    pupils = {s.pseudonym: s for s in case.subjects.all()}

    torsby = service.escalate(
        case=case,
        receiver=orgs["TOR"],
        by=owner,
        subjects=[pupils["Elev C"]],
        reason="En av eleverna bor i Torsby och går på gymnasiet i Sunne.",
        request="Vi ber om kännedom hos Torsby och ett gemensamt samtal vid nästa "
        "arbetsgruppsmöte.",
        take_up_at_working_group=True,
    )
    service.acknowledge(escalation=torsby, by=users["samordnare.torsby"])

    agera = service.escalate(
        case=case,
        receiver=orgs["AGERA"],
        by=owner,
        subjects=list(pupils.values()),
        reason="Misstänkt rekrytering till en våldsbejakande rörelse på gymnasiet.",
        request="Råd och förslag på insatser för skolpersonal och familjer.",
    )
    service.answer(
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

    police = service.escalate(
        case=case,
        receiver=orgs["LPO-NV"],
        by=owner,
        subjects=list(pupils.values()),
        reason="Oroande uppgifter har kommit fram om kontakter med organisationen.",
        request="Polisen informeras; bedöm om Säkerhetspolisen behöver kännedom.",
    )
    service.acknowledge(escalation=police, by=users["kommunpolis"])
    service.record_security_service(
        escalation=police,
        by=users["kommunpolis"],
        on=timezone.localdate() - datetime.timedelta(days=20),
    )
    service.answer(
        escalation=police,
        by=users["kommunpolis"],
        text="Uppgifterna bedöms som mindre allvarliga. Det lokala arbetet fortsätter.",
    )
    service.close_part(
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
        service.escalate(
            case=case,
            receiver=orgs[receiver],
            by=users[by],
            subjects=list(case.subjects.all()[:1]),
            reason="Problembilden berör även mottagarens ansvarsområde.",
            request="Kännedom och råd om fortsatt arbete.",
        )
    first_open = Escalation.objects.open().filter(receiver=orgs["LST-S"]).first()
    if first_open:
        service.acknowledge(escalation=first_open, by=users["lansstyrelsen"])
