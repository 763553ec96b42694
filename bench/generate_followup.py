"""Generated follow-up: a commitment for every assessed case, a plan and a contact log for every
case that reached follow-up, with most contacts kept on their day and some late or missed."""

from __future__ import annotations

import datetime
from collections import defaultdict

from cases.choices import CaseStatus
from cases.models import Case, Transition
from cases.models.followup import (
    Commitment,
    Contact,
    ContactKind,
    FollowUpPlan,
    default_cadence,
    next_contact,
)

from .generate import BATCH, Context, register


@register
def followup(context: Context) -> None:
    rng, anchor = context.rng, context.anchor
    cadence = default_cadence()
    followed: dict[int, datetime.date] = {}
    closed: dict[int, datetime.date] = {}
    for case_id, to_status, at in (
        Transition.objects.filter(
            case__pk__range=context.case_range(),
            to_status__in=[CaseStatus.MEASURES, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED],
        )
        .values_list("case_id", "to_status", "at")
        .iterator(chunk_size=BATCH)
    ):
        if to_status == CaseStatus.FOLLOW_UP:
            followed[case_id] = at.date()
        elif to_status == CaseStatus.CLOSED:
            closed[case_id] = at.date()
    owners = dict(
        Case.objects.filter(pk__range=context.case_range(), owner__isnull=False).values_list(
            "pk", "owner_id"
        )
    )
    commitments = [
        Commitment(
            case_id=case_id,
            months=rng.choice([6, 12, 18, 24]),
            team_roles="elevhälsa, mentor",
            planned_by_id=owner,
        )
        for case_id, owner in owners.items()
        if case_id in followed or rng.random() < 0.5
    ]
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    plans, contacts = [], []
    kinds = ContactKind.values
    by_case: dict[int, int] = defaultdict(int)
    for case_id, started in followed.items():
        until = min(closed.get(case_id, anchor), anchor)
        last: datetime.date | None = None
        day = next_contact(cadence, started, None)
        while day <= until:
            roll = rng.random()
            if roll < 0.8:  # kept, a few days either way
                on = day + datetime.timedelta(days=rng.randrange(-2, 3))
            elif roll < 0.95:  # late
                on = day + datetime.timedelta(days=rng.randrange(5, 20))
            else:  # missed: the next one is planned from the one before
                day = next_contact(cadence, started, day)
                continue
            if on > until:
                break
            contacts.append(
                Contact(
                    case_id=case_id,
                    on=on,
                    kind=rng.choice(kinds),
                    who="samordnare, elevhälsan",
                    recorded_by_id=owners[case_id],
                )
            )
            by_case[case_id] += 1
            last = on
            day = next_contact(cadence, started, on)
        plans.append(
            FollowUpPlan(
                case_id=case_id,
                started_on=started,
                cadence=cadence,
                last_contact_on=last,
                next_contact_on=next_contact(cadence, started, last),
            )
        )
    FollowUpPlan.objects.bulk_create(plans, batch_size=BATCH)
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    context.counts.update(
        commitments=len(commitments), followup_plans=len(plans), contacts=len(contacts)
    )
