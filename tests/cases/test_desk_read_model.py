"""The desk's read model (cases/models/desk.py) stays equal to a recomputation from the cases,
measures, escalations and follow-up plans after every write service, and shows nobody a row
outside the cases they work."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.choices import Role
from accounts.models import User
from cases import access, followup, services
from cases import escalation as escalations
from cases.choices import CaseStatus, EscalationStatus, MeasureKind, MeasureStatus
from cases.desk_rows import FIELDS, desk_deferred, desk_rebuild, desk_rows_of
from cases.handover import _move_cases
from cases.models import (
    Case,
    DeskItem,
    DeskKind,
    Escalation,
    FollowUpPlan,
    Measure,
    ProposedMeasure,
)
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import CaseFactory
from tests.demo_objects import org

pytestmark = pytest.mark.django_db


def as_tuples(rows) -> list[tuple]:
    return sorted(
        (tuple(getattr(r, f) for f in FIELDS) for r in rows), key=lambda t: tuple(map(str, t))
    )


def assert_in_step() -> None:
    """The table holds exactly the rows a recomputation from the source tables gives."""
    assert as_tuples(DeskItem.objects.all()) == as_tuples(desk_rows_of())


def items(case: Case, kind: str) -> list[DeskItem]:
    return list(DeskItem.objects.filter(case=case, kind=kind).order_by("pk"))


def hagfors() -> User:
    return User.objects.get(username="samordnare.hagfors")


def reported(by: User | None = None) -> Case:
    by = by or hagfors()
    return services.case_report(
        by=by,
        municipality=org("HAG"),
        areas=["vbe"],
        setting="school",
        title="Klotter vid skolan",
        description="Symboler på väggen.",
    )


def moved(case: Case, to: str, **more) -> Case:
    return services.case_transition(case=case, to=to, by=hagfors(), version=case.version, **more)


def in_measures(case: Case) -> Case:
    case = moved(case, CaseStatus.ASSESSING)
    return followup.leave_assessment(
        case=case,
        to=CaseStatus.MEASURES,
        by=hagfors(),
        version=case.version,
        commitment=followup.CommitmentData(months=12),
    )


def measure(case: Case, **fields) -> Measure:
    made = Measure(case=case, kind=MeasureKind.STAFF_TRAINING, responsible=org("HAG"), **fields)
    return services.measure_save(measure=made, by=hagfors())


# --- One test per write service ----------------------------------------------------------------


def test_a_reported_case_gets_its_row_waiting_for_its_owner(demo):
    case = reported()
    (row,) = items(case, DeskKind.CASE)
    assert (row.owner_id, row.case_status, row.reference) == (
        case.owner_id,
        CaseStatus.REPORTED,
        case.reference,
    )
    assert_in_step()


def test_a_transition_moves_the_case_row_and_follow_up_adds_the_plan(demo):
    case = in_measures(reported())
    assert items(case, DeskKind.CASE)[0].case_status == CaseStatus.MEASURES
    case = moved(case, CaseStatus.FOLLOW_UP)
    (plan,) = items(case, DeskKind.FOLLOW_UP)
    next_contact = FollowUpPlan.objects.get(case=case).next_contact_on
    assert (plan.on, plan.since, plan.months) == (next_contact, timezone.localdate(), 12)
    assert_in_step()


def test_reassigning_moves_the_rows_to_the_new_owner(demo):
    case = in_measures(reported())
    measure(case, planned_end=timezone.localdate())
    other = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=org("HAG")).user
    services.case_reassign(case=case, owner=other, by=hagfors(), reason="Semester")
    assert {r.owner_id for r in DeskItem.objects.filter(case=case)} == {other.pk}
    assert_in_step()


def test_a_saved_measure_is_due_then_gone_when_done(demo):
    case = in_measures(reported())
    item = measure(case, planned_end=timezone.localdate() + datetime.timedelta(days=3))
    (row,) = items(case, DeskKind.MEASURE_DUE)
    assert (row.measure_id, row.on, row.measure_kind) == (
        item.pk,
        item.planned_end,
        MeasureKind.STAFF_TRAINING,
    )
    item.status = MeasureStatus.DONE
    services.measure_save(measure=item, by=hagfors())
    assert items(case, DeskKind.MEASURE_DUE) == []
    assert_in_step()


def test_an_accepted_proposal_shows_as_not_scheduled(demo):
    case = in_measures(reported())
    sent = escalations.escalation_open(
        case=case, receiver=org("AGERA"), by=hagfors(), reason="Råd", request="Förslag"
    )
    proposal = ProposedMeasure.objects.create(
        escalation=sent, kind=MeasureKind.SUPERVISION, responsible=org("HAG")
    )
    accepted = escalations.proposal_accept(proposal=proposal, by=hagfors())
    (row,) = items(case, DeskKind.MEASURE_UNSCHEDULED)
    assert row.measure_id == accepted.pk
    assert_in_step()


def test_an_escalation_waits_until_answered_or_withdrawn(demo):
    case = in_measures(reported())
    sent = escalations.escalation_open(
        case=case, receiver=org("AGERA"), by=hagfors(), reason="Råd", request="Förslag"
    )
    (row,) = items(case, DeskKind.ESCALATION)
    assert (row.escalation_id, row.escalation_status, row.party_id) == (
        sent.pk,
        EscalationStatus.NEW,
        org("AGERA").pk,
    )
    receiver = User.objects.get(username="agera")
    escalations.escalation_acknowledge(escalation=sent, by=receiver)
    assert items(case, DeskKind.ESCALATION)[0].escalation_status == EscalationStatus.ACKNOWLEDGED
    escalations.escalation_withdraw(escalation=Escalation.objects.get(pk=sent.pk), by=hagfors())
    assert items(case, DeskKind.ESCALATION) == []
    assert_in_step()


def test_commitment_cadence_and_contacts_keep_the_follow_up_row(demo):
    case = moved(in_measures(reported()), CaseStatus.FOLLOW_UP)
    followup.commitment_plan(case=case, by=hagfors(), data=followup.CommitmentData(months=18))
    assert items(case, DeskKind.FOLLOW_UP)[0].months == 18
    followup.cadence_update(
        case=case,
        by=hagfors(),
        cadence=[{"every": 1, "unit": "weeks", "months": None}],
        reason="Tätare",
    )
    followup.contact_log(
        case=case, by=hagfors(), on=timezone.localdate(), kind="meeting", who="Mentor"
    )
    plan_next = FollowUpPlan.objects.get(case=case).next_contact_on
    assert items(case, DeskKind.FOLLOW_UP)[0].on == plan_next > timezone.localdate()
    assert_in_step()


def test_closing_with_open_items_empties_the_panels(demo):
    case = in_measures(reported())
    measure(case, planned_end=timezone.localdate())
    escalations.escalation_open(
        case=case, receiver=org("AGERA"), by=hagfors(), reason="Råd", request="Förslag"
    )
    case = moved(case, CaseStatus.ASSESSING)
    with pytest.raises(ValidationError):
        followup.case_close(
            case=case, by=hagfors(), version=case.version, reason="Klart", open_choice="close"
        )
    case.refresh_from_db()
    # Worked on: closing needs the working group's decision; the refusal leaves all in step.
    assert_in_step()


def test_a_handover_moves_the_leavers_rows(demo):
    case = in_measures(reported())
    measure(case, planned_end=timezone.localdate())
    leaving = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=org("HAG"))
    Case.objects.filter(pk=case.pk).update(owner=leaving.user)
    desk_rebuild()
    successor = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=org("HAG")).user

    class Context:
        assignment, from_user, to_user = leaving, leaving.user, successor
        organisation, reason = org("HAG"), "Slutar"

    assert _move_cases(Context()) == 1
    assert {r.owner_id for r in DeskItem.objects.filter(case=case)} == {successor.pk}
    assert_in_step()


# --- A random sequence of writes ---------------------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["move", "measure", "finish", "escalate", "acknowledge", "withdraw", "contact", "close"]
        ),
        st.integers(0, 2),
        st.sampled_from(list(CaseStatus.values)),
        st.integers(-20, 30),
    ),
    min_size=1,
    max_size=14,
)


def step(action: str, case: Case, to: str, days: int) -> None:
    by = hagfors()
    case.refresh_from_db()
    day = timezone.localdate() + datetime.timedelta(days=days)
    open_escalation = case.escalations.filter(
        status__in=[EscalationStatus.NEW, EscalationStatus.ACKNOWLEDGED]
    ).first()
    if action == "move":
        leaving = to in (CaseStatus.MEASURES, CaseStatus.FOLLOW_UP)
        if case.status == CaseStatus.ASSESSING and leaving:
            followup.leave_assessment(
                case=case,
                to=to,
                by=by,
                version=case.version,
                commitment=followup.CommitmentData(months=12),
            )
        else:
            services.case_transition(case=case, to=to, by=by, version=case.version, reason="Skäl")
    elif action == "measure":
        dates = {} if days % 3 == 0 else {"planned_end": day}
        measure(case, **dates)
    elif action == "finish" and (item := case.measures.order_by("pk").first()):
        item.status = MeasureStatus.DONE if days % 2 else MeasureStatus.ONGOING
        services.measure_save(measure=item, by=by)
    elif action == "escalate":
        escalations.escalation_open(
            case=case, receiver=org("AGERA"), by=by, reason="Råd", request="Förslag"
        )
    elif action == "acknowledge" and open_escalation:
        receiver = User.objects.get(username="agera")
        escalations.escalation_acknowledge(escalation=open_escalation, by=receiver)
    elif action == "withdraw" and open_escalation:
        escalations.escalation_withdraw(escalation=open_escalation, by=by)
    elif action == "contact":
        followup.contact_log(
            case=case, by=by, on=min(day, timezone.localdate()), kind="meeting", who="Mentor"
        )
    elif action == "close":
        followup.case_close(
            case=case, by=by, version=case.version, reason="Klart", open_choice="close"
        )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_any_sequence_of_writes_leaves_the_read_model_equal_to_a_recomputation(demo, steps):
    with transaction.atomic():
        cases = [reported() for _ in range(3)]
        for action, which, to, days in steps:
            try:
                with transaction.atomic():
                    step(action, cases[which], to, days)
            except ValidationError:
                pass  # refused by a rule: nothing changed, and the model must still agree
        assert_in_step()
        transaction.set_rollback(True)


# --- Visibility and the backfill ---------------------------------------------------------------


def test_nobody_sees_a_desk_row_outside_the_cases_they_work(demo):
    for user in User.objects.all():
        seen = set(access.desk_items_for(user).values_list("case_id", flat=True))
        works = set(Case.objects.changeable_by(user).values_list("pk", flat=True))
        assert seen == works, user.username


def test_the_desk_of_one_municipality_shows_no_other_municipalitys_case(client, demo):
    sunne = CaseFactory(
        municipality=org("SUN"), owner=hagfors(), status=CaseStatus.REPORTED, number=77
    )
    client.force_login(hagfors())
    body = client.get(reverse("cases:desk")).content.decode()
    assert sunne.reference not in body


def test_the_demo_and_a_rebuild_give_the_same_rows(demo):
    assert_in_step()
    before = as_tuples(DeskItem.objects.all())
    desk_rebuild()
    assert as_tuples(DeskItem.objects.all()) == before


def test_writes_in_a_deferred_block_sync_each_case_once_at_its_end(demo):
    """The demo's seed writes each case many times: inside `desk_deferred` the rows wait for the
    block's end, then hold what a recomputation gives (nested blocks end with the outer one)."""
    with transaction.atomic():
        with desk_deferred():
            case = in_measures(reported())
            with desk_deferred():
                measure(case, planned_end=timezone.localdate())
            assert not DeskItem.objects.filter(case=case).exists()
            moved(case, CaseStatus.FOLLOW_UP)
            assert not DeskItem.objects.filter(case=case).exists()
        assert {r.kind for r in DeskItem.objects.filter(case=case)} == {
            DeskKind.CASE,
            DeskKind.MEASURE_DUE,
            DeskKind.FOLLOW_UP,
        }
        assert_in_step()


def test_a_failed_deferred_block_syncs_nothing_and_later_writes_sync_at_once(demo):
    with pytest.raises(ValidationError), transaction.atomic(), desk_deferred():
        case = reported()
        moved(case, CaseStatus.CLOSED)  # reported → closed is no transition
    assert not DeskItem.objects.filter(reference=case.reference).exists()
    case = reported()
    assert items(case, DeskKind.CASE)
    assert_in_step()


# --- A constant number of queries, with every panel filled ----------------------------------


def fill(rows: int) -> None:
    """Through the services, as the seed writes: each case's desk rows once, at the block's end
    (`desk_deferred`, the same rows as syncing after every write; see the test above)."""
    with transaction.atomic(), desk_deferred():
        for index in range(rows):
            case = in_measures(reported())
            end = timezone.localdate() + datetime.timedelta(days=index % 20 - 5)
            measure(case, planned_end=end)
            measure(case)  # not scheduled
            if index % 2:
                moved(case, CaseStatus.FOLLOW_UP)
            else:
                escalations.escalation_open(
                    case=case, receiver=org("AGERA"), by=hagfors(), reason="Råd", request="Förslag"
                )
    assert_in_step()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_desks_panels_take_the_same_queries_whatever_the_cases(
    client, demo, django_assert_max_num_queries, rows
):
    fill(rows)
    client.force_login(hagfors())
    # The request's savepoint, session, user and roles, the bell's two counts, the session saved
    # in its own savepoint (9); then the owners for the filter; from the read model the state
    # counts, waiting, measures due, measures without dates (with their organisation),
    # escalations waiting (with the receiver), follow-up; the consents expiring; the table's
    # count and page. 20 in all, none per row.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cases:desk"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Personalutbildning</a>, Hagfors") >= min(rows, 20)  # not scheduled
    assert "Agera" in body and "följts upp 0 av 12 månader" in body
