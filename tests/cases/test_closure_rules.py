"""Closing a case: follow-up cannot be skipped, and an early closure rests on a decision about it.

A case that has had measures or a follow-up plan closes only from follow-up once the minimum
follow-up period has passed, or on the working group's early-closure decision naming that case
(cases/lifecycle.py `CLOSE_NEEDS_FOLLOWUP`). The paths below are written out by hand.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cases.choices import CaseStatus as S
from cases.followup import CommitmentData, case_close, leave_assessment
from cases.models import Case, EarlyClosure, Transition
from cases.services import EarlyClosureData, case_transition
from meetings import services as meeting_services
from meetings.choices import DecisionKind
from meetings.models import Meeting
from tests.cases.factories import CaseFactory
from tests.meetings.conftest import last_approved_working_group_meeting

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def walk(case: Case, user, path: list[str]) -> Case:
    """Move the case along `path` (follow-up entered with a planned commitment)."""
    for target in path:
        case.refresh_from_db()
        if case.status == S.ASSESSING and target in (S.MEASURES, S.FOLLOW_UP):
            case = leave_assessment(
                case=case,
                to=target,
                by=user,
                version=case.version,
                commitment=CommitmentData(months=12, team_roles="elevhälsa, mentor"),
            )
        else:
            case = case_transition(
                case=case, to=target, by=user, reason="Skäl", version=case.version
            )
    return case


# (path from assessment, months later the close is tried, refused code or None)
PATHS = [
    ([], 0, None),  # never worked on: closes from assessment
    ([S.MEASURES, S.ASSESSING], 0, "followup_required"),  # around follow-up (HAG-2026-0004)
    ([S.MEASURES, S.ASSESSING], 12, "followup_required"),  # however long ago
    ([S.FOLLOW_UP, S.MEASURES, S.ASSESSING], 12, "followup_required"),
    ([S.FOLLOW_UP], 2, "minimum_period"),  # in follow-up, before the minimum period
    ([S.MEASURES, S.FOLLOW_UP], 7, None),  # through follow-up and the minimum period
]


@pytest.mark.parametrize(("path", "months", "refused"), PATHS)
def test_a_worked_case_closes_only_through_follow_up(coordinator, path, months, refused):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.ASSESSING, owner=user)
    with time_machine.travel(datetime.datetime.combine(START, datetime.time(9)), tick=False):
        case = walk(case, user, path)
    later = datetime.datetime.combine(START, datetime.time(10)) + datetime.timedelta(
        days=31 * months
    )
    with time_machine.travel(later, tick=False):
        case.refresh_from_db()
        before = (case.status, case.version)
        if refused is None:
            closed = case_close(case=case, by=user, version=case.version, reason="Klart")
            assert closed.status == S.CLOSED
            return
        with pytest.raises(ValidationError) as excinfo:
            case_close(case=case, by=user, version=case.version, reason="Klart")
    assert codes(excinfo.value) == {refused}
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == before
    assert not Transition.objects.filter(case=case, to_status=S.CLOSED).exists()


def test_measures_then_assessment_then_closed_is_refused_in_swedish_through_the_view(
    coordinator, client
):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.ASSESSING, owner=user)
    case = walk(case, user, [S.MEASURES, S.ASSESSING])
    client.force_login(user)
    response = client.post(
        reverse("cases:close", args=[case.reference]),
        {"version": case.version, "reason": "Klart", "early_reason": "Skäl"},
    )
    assert response.status_code == 400
    assert "uppföljning" in response.content.decode().lower()
    assert Case.objects.get(pk=case.pk).status == S.ASSESSING


@pytest.fixture
def meeting(demo):
    """A held working-group meeting whose minutes are still open (a correction would do too)."""
    meeting = last_approved_working_group_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(status="held")
    meeting.refresh_from_db()
    return meeting


def test_an_early_closure_needs_a_decision_about_that_case(meeting, demo):
    case = (
        Case.objects.filter(municipality__code="SUN", status=S.FOLLOW_UP)
        .exclude(owner=None)
        .order_by("reference")
        .first()
    )
    other = Case.objects.exclude(pk=case.pk).order_by("reference").first()
    secretary = meeting.secretary
    training = meeting_services.decision_add(
        meeting=meeting, text="Utbildningsdagen genomförs.", by=secretary
    )
    about_other = meeting_services.decision_add(
        meeting=meeting,
        text="Ärendet får avslutas tidigt.",
        kind=DecisionKind.EARLY_CLOSURE,
        case_reference=other.reference,
        by=secretary,
    )
    own = meeting_services.decision_add(
        meeting=meeting,
        text="Ärendet får avslutas tidigt.",
        kind=DecisionKind.EARLY_CLOSURE,
        case_reference=case.reference,
        by=secretary,
    )
    owner = case.owner
    for refused in (training, about_other):
        case.refresh_from_db()
        with pytest.raises(ValidationError) as excinfo:
            case_close(
                case=case,
                by=owner,
                version=case.version,
                reason="Klart",
                open_choice="close",
                early_closure=EarlyClosureData("Oron kvarstår inte.", refused.reference),
            )
        assert codes(excinfo.value) == {"decision_not_about_case"}
        assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
    # The close form offers only the case's own early-closure decision.
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("cases:close", args=[case.reference])).content.decode()
    assert own.reference in page
    assert training.reference not in page and about_other.reference not in page
    response = client.post(
        reverse("cases:close", args=[case.reference]),
        {
            "version": case.version,
            "reason": "Klart",
            "open_choice": "close",
            "early_reason": "Oron kvarstår inte.",
            "decision_reference": training.reference,
        },
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
    case.refresh_from_db()
    closed = case_close(
        case=case,
        by=owner,
        version=case.version,
        reason="Klart",
        open_choice="close",
        early_closure=EarlyClosureData("Oron kvarstår inte.", own.reference.lower()),
    )
    assert closed.status == S.CLOSED
    early = EarlyClosure.objects.get(case=case)
    assert (early.decision_reference, early.verified) == (own.reference, True)


def test_a_decision_names_a_case_only_for_an_early_closure(meeting):
    secretary = meeting.secretary
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.decision_add(
            meeting=meeting, text="Tidigt avslut.", kind=DecisionKind.EARLY_CLOSURE, by=secretary
        )
    assert codes(excinfo.value) == {"case_required"}
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.decision_add(
            meeting=meeting,
            text="Tidigt avslut.",
            kind=DecisionKind.EARLY_CLOSURE,
            case_reference="SUN-1999-9999",
            by=secretary,
        )
    assert codes(excinfo.value) == {"case_not_found"}
    with pytest.raises(ValidationError) as excinfo:
        meeting_services.decision_add(
            meeting=meeting, text="Övrigt.", case_reference="SUN-1999-9999", by=secretary
        )
    assert codes(excinfo.value) == {"case_not_allowed"}
