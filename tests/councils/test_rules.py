"""Model rules of the structure: meeting counts, medskick, agreement, priorities, dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from councils.choices import MedskickStatus, PriorityScope
from councils.models import Membership, Priority
from councils.services import (
    agreement_terminate,
    medskick_answer,
    medskick_close,
    medskick_receive,
    meeting_plan_save,
)
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    AgreementFactory,
    LocalCouncilFactory,
    MedskickFactory,
    MunicipalityFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("count", "ok"), [(1, False), (2, True), (4, True), (5, False)])
def test_local_council_plans_two_to_four_meetings_a_year(count, ok):
    council = LocalCouncilFactory()
    if ok:
        plan = meeting_plan_save(body=council, year=2026, planned_meetings=count, by=UserFactory())
        assert plan.planned_meetings == count
    else:
        with pytest.raises(ValidationError) as excinfo:
            meeting_plan_save(body=council, year=2026, planned_meetings=count, by=UserFactory())
        assert "2 till 4 gånger per år" in str(excinfo.value)
        assert not council.meeting_plans.filter(year=2026).exists()


def test_replanning_a_year_updates_the_same_plan():
    council = LocalCouncilFactory()
    meeting_plan_save(body=council, year=2026, planned_meetings=2, by=UserFactory())
    meeting_plan_save(body=council, year=2026, planned_meetings=3, by=UserFactory())
    assert council.meeting_plans.get().planned_meetings == 3


def test_a_fifth_meeting_keeps_the_saved_plan():
    council = LocalCouncilFactory()
    meeting_plan_save(body=council, year=2026, planned_meetings=4, by=UserFactory())
    with pytest.raises(ValidationError):
        meeting_plan_save(body=council, year=2026, planned_meetings=5, by=UserFactory())
    assert council.meeting_plans.get().planned_meetings == 4


def test_medskick_cannot_go_to_its_sender():
    council = LocalCouncilFactory()
    item = MedskickFactory.build(sender=council, receiver=council, sent_by=UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "till sig själv" in str(excinfo.value)


def test_medskick_goes_between_council_and_working_group_only():
    item = MedskickFactory.build(
        sender=LocalCouncilFactory(), receiver=LocalCouncilFactory(), sent_by=UserFactory()
    )
    with pytest.raises(ValidationError):
        item.full_clean()
    down = MedskickFactory.build(
        sender=WorkingGroupFactory(), receiver=LocalCouncilFactory(), sent_by=UserFactory()
    )
    down.full_clean()


def test_medskick_runs_sent_received_answered_closed():
    item = MedskickFactory()
    handler = UserFactory()
    item = medskick_receive(medskick=item, by=handler)
    assert item.status == MedskickStatus.RECEIVED and item.handler == handler
    item = medskick_answer(medskick=item, by=handler, text="Vi tar upp det.")
    assert item.status == MedskickStatus.ANSWERED and item.answered_at
    item = medskick_close(medskick=item, by=handler)
    assert item.status == MedskickStatus.CLOSED and not item.is_open


def test_closed_medskick_cannot_be_answered():
    item = medskick_close(medskick=MedskickFactory(), by=UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        medskick_answer(medskick=item, by=UserFactory(), text="För sent")
    assert "avslutad" in str(excinfo.value)
    item.refresh_from_db()
    assert item.answer == ""


def test_termination_ends_the_agreement_for_all():
    party = MunicipalityFactory()
    agreement = AgreementFactory(parties=[party, MunicipalityFactory()])
    by = UserFactory()
    agreement_terminate(
        agreement=agreement, party=party, on=datetime.date(2026, 6, 30), reason="Ny org", by=by
    )
    agreement.refresh_from_db()
    assert not agreement.in_force
    assert agreement.terminated_by == party
    with pytest.raises(ValidationError):
        agreement_terminate(
            agreement=agreement, party=party, on=datetime.date(2026, 7, 1), reason="Igen", by=by
        )


@pytest.mark.parametrize(
    ("who", "on", "reason", "field"),
    [
        ("outsider", datetime.date(2026, 1, 1), "Skäl", "party"),
        ("party", datetime.date(2020, 1, 1), "Skäl", "on"),
        ("party", datetime.date(2026, 1, 1), "  ", "reason"),
    ],
)
def test_termination_needs_a_party_a_later_date_and_a_reason(who, on, reason, field):
    party = MunicipalityFactory()
    agreement = AgreementFactory(parties=[party])
    by = party if who == "party" else MunicipalityFactory()
    with pytest.raises(ValidationError) as excinfo:
        agreement_terminate(agreement=agreement, party=by, on=on, reason=reason, by=UserFactory())
    assert field in excinfo.value.message_dict
    agreement.refresh_from_db()
    assert agreement.in_force


def test_local_priority_needs_a_municipality_and_joint_has_none():
    local = Priority(year=2026, scope=PriorityScope.LOCAL, area="andt", title="X")
    with pytest.raises(ValidationError) as excinfo:
        local.full_clean()
    assert "municipality" in excinfo.value.message_dict
    joint = Priority(
        year=2026,
        scope=PriorityScope.JOINT,
        area="vbe",
        title="Y",
        municipality=MunicipalityFactory(),
    )
    with pytest.raises(ValidationError):
        joint.full_clean()


def test_membership_cannot_end_before_it_starts():
    membership = Membership(
        body=LocalCouncilFactory(),
        user=UserFactory(),
        organisation=MunicipalityFactory(),
        kind="member",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert "Slutdatumet kan inte ligga före startdatumet." in excinfo.value.message_dict["end_date"]
