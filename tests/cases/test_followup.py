"""Long-term follow-up: commitment, thinning cadence, contact log, minimum period, early closure,
closing with open parts, reopening, and a stale status change posted twice (409)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.choices import CaseStatus as S
from cases.choices import EscalationStatus, MeasureStatus
from cases.escalation import escalation_open
from cases.followup import (
    CommitmentData,
    cadence_update,
    case_close,
    case_reopen,
    commitment_plan,
    contact_log,
    leave_assessment,
)
from cases.models import Case, EarlyClosure, FollowUpPlan, Measure, PlanChange
from cases.models.followup import next_contact, planned_contacts, thins_out
from cases.selectors import desk_for
from cases.services import EarlyClosureData, StaleEdit, case_transition
from sutohamu import decisions
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import CaseFactory, MeasureFactory
from tests.councils.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)  # a Monday
DEFAULT = [
    {"every": 2, "unit": "weeks", "months": 2},
    {"every": 1, "unit": "months", "months": 4},
    {"every": 3, "unit": "months", "months": None},
]


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def in_followup(user, town, on=START, months=12) -> Case:
    """A case walked from assessment to follow-up on `on`, with a planned commitment."""
    case = CaseFactory(municipality=town, status=S.ASSESSING, owner=user)
    with time_machine.travel(datetime.datetime.combine(on, datetime.time(9)), tick=False):
        case = leave_assessment(
            case=case,
            to=S.FOLLOW_UP,
            by=user,
            version=case.version,
            commitment=CommitmentData(months=months, team_roles="elevhälsa, mentor"),
        )
    return case


# --- The cadence (pure functions) ---


def test_the_default_cadence_thins_out_from_two_weeks_to_monthly_to_quarterly():
    days = planned_contacts(DEFAULT, START, months=12)
    gaps = [(b - a).days for a, b in zip([START, *days], days, strict=False)]
    assert gaps[:4] == [14, 14, 14, 14]  # two months of every two weeks
    # The last fortnightly contact falls inside the first two months; monthly from there.
    assert days[4:] == [
        datetime.date(2026, 3, 16),
        datetime.date(2026, 4, 16),
        datetime.date(2026, 5, 16),
        datetime.date(2026, 6, 16),
        datetime.date(2026, 7, 16),  # past six months: quarterly from here
        datetime.date(2026, 10, 16),
    ]


def test_the_next_contact_follows_the_last_one_with_the_phase_then_in_force():
    assert next_contact(DEFAULT, START, None) == START + datetime.timedelta(weeks=2)
    assert next_contact(DEFAULT, START, datetime.date(2026, 2, 20)) == datetime.date(2026, 3, 6)
    assert next_contact(DEFAULT, START, datetime.date(2026, 3, 10)) == datetime.date(2026, 4, 10)
    assert next_contact(DEFAULT, START, datetime.date(2026, 8, 1)) == datetime.date(2026, 11, 1)


def test_fewer_planned_contacts_is_thinning_and_more_is_not():
    sparse = [{"every": 1, "unit": "months", "months": None}]
    dense = [{"every": 1, "unit": "weeks", "months": None}]
    assert thins_out(DEFAULT, sparse, START)
    assert not thins_out(DEFAULT, dense, START)
    assert not thins_out(DEFAULT, DEFAULT, START)


def test_a_single_contact_fewer_at_any_point_is_thinning():
    quarterly = [{"every": 3, "unit": "months", "months": None}]
    every_fourteen_weeks = [{"every": 14, "unit": "weeks", "months": None}]
    old = planned_contacts(quarterly, START)
    new = planned_contacts(every_fourteen_weeks, START)
    shortfall = max(
        index - sum(1 for day in new if day <= planned) for index, planned in enumerate(old, 1)
    )
    assert shortfall == 1  # never two behind, so only an exact count tells
    assert thins_out(quarterly, every_fourteen_weeks, START)
    assert not thins_out(every_fourteen_weeks, quarterly, START)


# --- Commitment, plan and contacts (services, frozen time) ---


def test_leaving_assessment_plans_the_commitment_and_entering_follow_up_starts_the_plan(
    coordinator,
):
    user, town = coordinator
    case = in_followup(user, town)
    assert case.status == S.FOLLOW_UP
    assert case.commitment.months == 12
    plan = FollowUpPlan.objects.get(case=case)
    assert plan.started_on == START
    assert plan.cadence == DEFAULT
    assert plan.next_contact_on == START + datetime.timedelta(weeks=2)


def test_a_contact_moves_the_next_date_and_an_older_one_does_not(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10), tick=False):
        contact_log(
            case=case, by=user, on=datetime.date(2026, 3, 16), kind="call", who="samordnare"
        )
        plan = FollowUpPlan.objects.get(case=case)
        assert plan.next_contact_on == datetime.date(2026, 4, 16)  # now monthly
        contact_log(case=case, by=user, on=datetime.date(2026, 2, 1), kind="visit", who="Agera")
        assert FollowUpPlan.objects.get(case=case).next_contact_on == datetime.date(2026, 4, 16)


def test_logging_a_contact_says_whether_the_next_contact_moved(coordinator, client):
    user, town = coordinator
    today = timezone.localdate()
    case = in_followup(user, town, on=today - datetime.timedelta(days=30))
    client.force_login(user)
    url = reverse("cases:contact_add", args=[case.reference])
    moved = client.post(url, {"on": today.isoformat(), "kind": "call", "who": "samordnare"})
    older = today - datetime.timedelta(days=3)  # before the last contact: nothing moves
    same = client.post(url, {"on": older.isoformat(), "kind": "visit", "who": "Agera"})
    assert moved.status_code == same.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert [str(m) for m in page.context["messages"]] == [
        "Kontakten loggades; nästa kontakt flyttades fram.",
        "Kontakten loggades; nästa kontakt är oförändrad.",
    ]


def test_a_contact_note_goes_through_the_guard_and_a_future_date_is_refused(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 10), tick=False):
        with pytest.raises(ValidationError) as excinfo:
            contact_log(
                case=case,
                by=user,
                on=datetime.date(2026, 1, 20),
                kind="meeting",
                who="rektor",
                note="Ring 070-123 45 67.",
            )
        assert "personal_data" in codes(excinfo.value)
        with pytest.raises(ValidationError) as excinfo:
            contact_log(case=case, by=user, on=datetime.date(2026, 3, 1), kind="call", who="x")
        assert "future" in codes(excinfo.value)
    assert not case.contacts.exists()


def test_contacts_are_logged_only_in_follow_up(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.MEASURES)
    with pytest.raises(ValidationError) as excinfo:
        contact_log(case=case, by=user, on=START, kind="call", who="samordnare")
    assert codes(excinfo.value) == {"not_in_followup"}


def test_thinning_the_cadence_needs_a_reason_and_is_recorded(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    sparse = [{"every": 1, "unit": "months", "months": None}]
    with pytest.raises(ValidationError) as excinfo:
        cadence_update(case=case, by=user, cadence=sparse)
    assert codes(excinfo.value) == {"reason_required_for_thinning"}
    assert FollowUpPlan.objects.get(case=case).cadence == DEFAULT
    cadence_update(case=case, by=user, cadence=sparse, reason="Läget är lugnt sedan i våras.")
    change = PlanChange.objects.get(case=case)
    assert (change.kind, change.thinned, change.before["cadence"]) == ("cadence", True, DEFAULT)
    # More contact needs no reason, and is recorded too.
    cadence_update(case=case, by=user, cadence=[{"every": 1, "unit": "weeks", "months": None}])
    assert PlanChange.objects.filter(case=case, thinned=False).count() == 1


def test_a_broken_cadence_is_refused(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    bad = [{"every": 2, "unit": "weeks", "months": None}, {"every": 1, "unit": "days"}]
    with pytest.raises(ValidationError) as excinfo:
        cadence_update(case=case, by=user, cadence=bad, reason="x")
    assert codes(excinfo.value) == {"bad_cadence"}


def test_shrinking_the_team_or_the_commitment_needs_a_reason(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    with pytest.raises(ValidationError) as excinfo:
        commitment_plan(case=case, by=user, data=CommitmentData(12, "elevhälsa"))
    assert codes(excinfo.value) == {"reason_required_for_thinning"}
    with pytest.raises(ValidationError):
        commitment_plan(case=case, by=user, data=CommitmentData(6, "elevhälsa, mentor"))
    commitment_plan(
        case=case, by=user, data=CommitmentData(12, "elevhälsa"), reason="Mentorn behövs inte."
    )
    change = PlanChange.objects.get(case=case)
    assert (change.kind, change.thinned) == ("team", True)
    # Growing the team is recorded without a reason.
    commitment_plan(case=case, by=user, data=CommitmentData(12, "elevhälsa, fältassistent"))
    assert PlanChange.objects.filter(case=case, thinned=False).count() == 1


def test_the_team_is_roles_never_names(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    with pytest.raises(ValidationError) as excinfo:
        commitment_plan(
            case=case, by=user, data=CommitmentData(12, "elevhälsa, Kalle Karlsson"), reason="x"
        )
    assert "personal_data" in codes(excinfo.value)


# --- Minimum period, early closure, open parts, reopening ---


def test_closing_before_the_minimum_period_is_refused_and_allowed_after_it(coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    with time_machine.travel(datetime.datetime(2026, 7, 4, 12), tick=False):
        with pytest.raises(ValidationError) as excinfo:
            case_close(case=case, by=user, version=case.version, reason="Lugnt nu.")
        assert codes(excinfo.value) == {"minimum_period"}
        assert "2026-07-05" in excinfo.value.messages[0]
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
    with time_machine.travel(datetime.datetime(2026, 7, 5, 12), tick=False):
        closed = case_close(case=case, by=user, version=case.version, reason="Lugnt nu.")
    assert closed.status == S.CLOSED
    assert not EarlyClosure.objects.filter(case=case).exists()


def test_an_early_closure_needs_reason_reference_and_date_while_references_cannot_be_checked(
    coordinator, monkeypatch
):
    monkeypatch.setattr(decisions, "_lookups", [])
    user, town = coordinator
    case = in_followup(user, town)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12), tick=False):
        with pytest.raises(ValidationError) as excinfo:
            case_close(
                case=case,
                by=user,
                version=case.version,
                reason="Klart",
                early_closure=EarlyClosureData(reason=" ", decision_reference=""),
            )
        assert codes(excinfo.value) == {
            "early_reason_required",
            "decision_reference_required",
            "decision_date_required",
        }
        with pytest.raises(ValidationError) as excinfo:
            case_close(
                case=case,
                by=user,
                version=case.version,
                reason="Klart",
                early_closure=EarlyClosureData("Skäl", "AG-2026-3", datetime.date(2026, 3, 2)),
            )
        assert codes(excinfo.value) == {"future_date"}
        closed = case_close(
            case=case,
            by=user,
            version=case.version,
            reason="Klart",
            early_closure=EarlyClosureData(
                "Oron kvarstår inte.", "AG-2026-3", datetime.date(2026, 2, 24)
            ),
        )
    assert closed.status == S.CLOSED
    early = EarlyClosure.objects.get(case=case)
    assert (early.decision_reference, early.decided_on, early.verified) == (
        "AG-2026-3",
        datetime.date(2026, 2, 24),
        False,
    )


def test_an_early_closure_rests_on_a_decision_found_in_the_minutes(coordinator, monkeypatch):
    user, town = coordinator
    case = in_followup(user, town)
    day = datetime.date(2026, 2, 10)
    found = decisions.DecisionInfo(
        "SUTOHAMU-2026-014", day, "Arbetsgrupp", kind="early_closure", case_reference=case.reference
    )
    other = decisions.DecisionInfo("SUTOHAMU-2026-011", day, "Arbetsgrupp")  # a training day
    by_reference = {d.reference: d for d in (found, other)}
    monkeypatch.setattr(decisions, "_lookups", [by_reference.get])
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12), tick=False):
        with pytest.raises(ValidationError) as excinfo:
            case_close(
                case=case,
                by=user,
                version=case.version,
                reason="Klart",
                early_closure=EarlyClosureData("Skäl", "SUTOHAMU-2026-999"),
            )
        assert codes(excinfo.value) == {"decision_not_found"}
        with pytest.raises(ValidationError) as excinfo:
            case_close(
                case=case,
                by=user,
                version=case.version,
                reason="Klart",
                early_closure=EarlyClosureData("Skäl", "SUTOHAMU-2026-011"),
            )
        assert codes(excinfo.value) == {"decision_not_about_case"}
        case_close(
            case=case,
            by=user,
            version=case.version,
            reason="Klart",
            early_closure=EarlyClosureData("Skäl", "SUTOHAMU-2026-014"),
        )
    early = EarlyClosure.objects.get(case=case)
    assert (early.decided_on, early.verified, early.body_name) == (
        datetime.date(2026, 2, 10),
        True,
        "Arbetsgrupp",
    )


def test_closing_with_open_parts_is_refused_unless_they_close_with_the_case(coordinator):
    user, town = coordinator
    case = in_followup(user, town, on=datetime.date(2025, 1, 6))
    measure = MeasureFactory(case=case, status=MeasureStatus.ONGOING)
    done = MeasureFactory(case=case, status=MeasureStatus.DONE)
    for choice in ("", "refuse"):
        with pytest.raises(ValidationError) as excinfo:
            case_close(case=case, by=user, version=case.version, reason="Klart", open_choice=choice)
        assert codes(excinfo.value) == {"open_items"}
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.ONGOING
    closed = case_close(
        case=case, by=user, version=case.version, reason="Klart", open_choice="close"
    )
    assert closed.status == S.CLOSED
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.CANCELLED
    assert Measure.objects.get(pk=done.pk).status == MeasureStatus.DONE


def test_closing_withdraws_open_escalations_when_chosen(coordinator):
    user, town = coordinator
    case = in_followup(user, town, on=datetime.date(2025, 1, 6))
    neighbour = MunicipalityFactory()
    RoleAssignmentFactory(role=Role.COORDINATOR, organisation=neighbour)
    escalation = escalation_open(
        case=case, receiver=neighbour, by=user, reason="Eleven flyttar.", request="Följ upp."
    )
    with pytest.raises(ValidationError):
        case_close(case=case, by=user, version=case.version, reason="Klart")
    case_close(case=case, by=user, version=case.version, reason="Klart", open_choice="close")
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.WITHDRAWN


def test_reopening_returns_to_the_state_closed_from_or_the_one_chosen(coordinator):
    user, town = coordinator
    case = in_followup(user, town, on=datetime.date(2025, 1, 6))
    case = case_close(case=case, by=user, version=case.version, reason="Klart")
    with pytest.raises(ValidationError) as excinfo:
        case_reopen(case=case, by=user, version=case.version, reason=" ")
    assert codes(excinfo.value) == {"reason_required"}
    case = case_reopen(case=case, by=user, version=case.version, reason="Ny oro")
    assert case.status == S.FOLLOW_UP
    assert FollowUpPlan.objects.get(case=case).started_on == datetime.date(2025, 1, 6)
    case = case_close(case=case, by=user, version=case.version, reason="Klart")
    case = case_reopen(case=case, by=user, version=case.version, reason="Ny oro", to=S.MEASURES)
    assert case.status == S.MEASURES


def test_a_stale_status_change_posted_twice_answers_409(client, coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.MEASURES, owner=user)
    client.force_login(user)
    url = reverse("cases:transition", args=[case.reference])
    data = {"to": "follow_up", "reason": "", "version": case.version}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 409
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
    with pytest.raises(StaleEdit):  # the service says so too, before the life-cycle rule
        case_transition(case=case, to=S.FOLLOW_UP, by=user, version=case.version - 1)


def test_leaving_assessment_through_the_page_asks_for_the_commitment(client, coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.ASSESSING, owner=user)
    client.force_login(user)
    response = client.post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "measures", "reason": "", "version": case.version},
    )
    commitment_url = reverse("cases:commitment", args=[case.reference])
    assert response.status_code == 302 and response["Location"].startswith(commitment_url)
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = client.post(
        commitment_url,
        {"months": 18, "team_roles": "elevhälsa", "to": "measures", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.commitment.months) == (S.MEASURES, 18)


def test_the_close_form_explains_the_rule_in_swedish_and_refuses_an_early_close(
    client, coordinator, monkeypatch
):
    monkeypatch.setattr(decisions, "_lookups", [])
    user, town = coordinator
    case = in_followup(user, town, on=timezone.localdate() - datetime.timedelta(days=30))
    client.force_login(user)
    url = reverse("cases:close", args=[case.reference])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "minsta uppföljningstid" in body.lower()
    assert 'name="decision_reference"' in body and 'name="decided_on"' in body
    refused = client.post(url, {"reason": "Klart", "version": case.version})
    assert refused.status_code == 400
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP


def test_the_desk_lists_this_weeks_and_overdue_follow_up(coordinator):
    user, town = coordinator
    today = timezone.localdate()
    overdue = in_followup(user, town, on=today - datetime.timedelta(days=40))
    due = in_followup(user, town, on=today - datetime.timedelta(days=14 - (6 - today.weekday())))
    other_town = CaseFactory(status=S.FOLLOW_UP)
    FollowUpPlan.objects.create(case=other_town, started_on=today, next_contact_on=today)
    panels = desk_for(user).followup
    assert [r.reference for r in panels["overdue"]] == [overdue.reference]
    assert [r.reference for r in panels["this_week"]] == [due.reference]
    assert {r.reference for r in panels["rows"]} == {overdue.reference, due.reference}
