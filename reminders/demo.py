"""Demo follow-up (after the cases and meetings demos): Sunne's cases in follow-up get a planned
commitment, a history of contacts and plans that started months ago, so that one contact is
overdue and one due this week; a third case is closed early on a working-group decision."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.choices import CaseStatus
from cases.followup import CommitmentData, case_close, commitment_plan, contact_log
from cases.models import Case, Commitment, Contact, FollowUpPlan
from cases.services import EarlyClosureData
from councils.choices import BodyKind
from meetings.models import Decision
from sutohamu import decisions

TEAM = "samordnare, elevhälsa, mentor"


@transaction.atomic
def seed() -> None:
    cases = list(
        Case.objects.filter(municipality__code="SUN", status=CaseStatus.FOLLOW_UP)
        .exclude(owner=None)
        .order_by("reference")[:3]
    )
    if len(cases) < 3 or Contact.objects.filter(case__in=cases).exists():
        return  # already seeded (or a demo without enough cases)
    today = timezone.localdate()
    overdue, due, early = cases
    # Overdue: followed up for five months, the last contact seven weeks ago (monthly phase).
    _history(
        overdue,
        today - relativedelta(months=5),
        [today - datetime.timedelta(weeks=w) for w in (15, 11, 7)],
    )
    # Due this week: four months in, the last contact a month ago.
    _history(
        due,
        today - relativedelta(months=4),
        [today - relativedelta(months=2), today - relativedelta(months=1)],
    )
    # Closed early: two months in, the working group decided the concern no longer holds.
    _history(
        early,
        today - relativedelta(months=2),
        [today - datetime.timedelta(weeks=w) for w in (6, 4, 2)],
    )
    early.refresh_from_db()
    reference, decided = _decision(today)
    case_close(
        case=early,
        by=_owner(early),
        version=early.version,
        reason="Oron kvarstår inte; skolan följer upp inom elevhälsan.",
        open_choice="close",
        early_closure=EarlyClosureData(
            reason="Arbetsgruppen bedömer att oron inte längre kvarstår.",
            decision_reference=reference,
            decided_on=decided,
        ),
    )


def _owner(case: Case) -> User:
    assert case.owner is not None
    return case.owner


def _history(case: Case, started: datetime.date, contacts: list[datetime.date]) -> None:
    owner = _owner(case)
    if not Commitment.objects.filter(case=case).exists():
        commitment_plan(case=case, by=owner, data=CommitmentData(months=12, team_roles=TEAM))
    # The plan began months ago in this story (the cases demo walks its cases today).
    FollowUpPlan.objects.filter(case=case).update(started_on=started, last_contact_on=None)
    kinds = ["meeting", "call", "network_meeting", "visit"]
    for index, day in enumerate(contacts):
        contact_log(
            case=case,
            by=owner,
            on=day,
            kind=kinds[index % len(kinds)],
            who="samordnare, elevhälsan",
            note="Läget är oförändrat; fortsatt kontakt enligt plan." if index else "",
        )


def _decision(today: datetime.date) -> tuple[str, datetime.date]:
    """A decision from the meetings demo when references can be checked, else one as typed."""
    if decisions.can_verify():
        found = (
            Decision.objects.filter(meeting__body__kind=BodyKind.WORKING_GROUP)
            .order_by("-pk")
            .values_list("reference", flat=True)
            .first()
        )
        if found and decisions.find(found):
            info = decisions.find(found)
            assert info is not None
            return info.reference, info.date
    return "AG-" + str(today.year) + "-demo", today - datetime.timedelta(days=7)
