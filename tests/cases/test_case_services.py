"""Case services at their edges: error codes, versions, owners, notifications, stripped input."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from accounts.notifications import notify
from cases import escalation
from cases.choices import CaseStatus as S
from cases.choices import EscalationStatus as ES
from cases.models import Case, Transition
from cases.services import (
    StaleEdit,
    SubjectData,
    case_reassign,
    case_report,
    case_transition,
    case_update,
    case_url,
    measure_save,
    subject_add,
)
from councils.choices import Area
from tests.accounts.factories import RoleAssignmentFactory, user_with_role
from tests.cases.factories import CaseFactory, MeasureFactory, SubjectFactory
from tests.councils.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    """Every code in the error, whether it is a plain or a per-field error."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def report(user, municipality, **kwargs):
    values = {
        "areas": [Area.VBE],
        "setting": "school",
        "title": "Propaganda i skolan",
        "description": "Klistermärken i korridoren.",
    }
    values.update(kwargs)
    return case_report(by=user, municipality=municipality, **values)


# Intake


def test_intake_without_areas_is_refused_with_its_code(coordinator):
    user, town = coordinator
    with pytest.raises(ValidationError) as excinfo:
        report(user, town, areas=[])
    assert codes(excinfo.value) == {"no_area"}
    assert not Case.objects.filter(municipality=town).exists()


def test_intake_strips_the_text_and_numbers_from_one(coordinator):
    user, town = coordinator
    case = report(user, town, title="  Rubrik  ", description=" Text ", discovery=" Hur ")
    assert (case.title, case.description, case.discovery) == ("Rubrik", "Text", "Hur")
    assert case.number == 1
    assert case.reference == f"{town.code}-{case.year}-0001"
    assert report(user, town).number == 2


def test_intake_in_a_municipality_without_coordinator_has_no_owner_and_notifies_nobody():
    town = MunicipalityFactory()
    reporter = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER, organisation=town).user
    before = Notification.objects.count()
    case = report(reporter, town, subjects=[SubjectData("Elev A", "13-15")])
    assert case.owner is None
    assert Notification.objects.count() == before
    assert list(case.subjects.values_list("pseudonym", "age_band")) == [("Elev A", "13-15")]


def test_a_notification_keeps_at_most_200_characters(coordinator):
    user, _town = coordinator
    long = notify(user, "cases.new_case", link="/" + "l" * 300, params={"reference": "x" * 300})
    assert len(long.text) == 200 and len(long.link) == 200
    short = notify(user, "cases.new_case", link="/l/", params={"reference": "SUN-2026-0001"})
    assert short.link == "/l/" and "SUN-2026-0001" in short.text


# Life cycle and optimistic locking


def test_each_save_moves_the_version_on_by_exactly_one(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=user)
    start = case.version
    case = case_transition(case=case, to=S.ASSESSING, by=user, version=start)
    assert case.version == start + 1
    case = case_update(case=case, by=user, version=case.version, title="Ny")
    assert case.version == start + 2
    assert Case.objects.get(pk=case.pk).version == start + 2


def test_a_wrong_transition_is_refused_with_its_code(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to=S.CLOSED, by=user, version=case.version)
    assert codes(excinfo.value) == {"wrong_transition"}
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to="nonsense", by=user, version=case.version)
    assert codes(excinfo.value) == {"wrong_transition"}


def test_a_blank_reason_does_not_close_a_case(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.ASSESSING)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to=S.CLOSED, by=user, reason="   ", version=case.version)
    assert codes(excinfo.value) == {"reason_required"}
    assert Case.objects.get(pk=case.pk).status == S.ASSESSING


def test_the_transition_keeps_the_stripped_reason_and_the_time_of_the_change(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.ASSESSING, owner=user)
    case = case_transition(case=case, to=S.CLOSED, by=user, reason=" Klart ", version=case.version)
    transition = Transition.objects.get(case=case, to_status=S.CLOSED)
    assert transition.reason == "Klart"
    assert transition.at == case.status_changed_at
    assert case.history.first().history_change_reason == "Klart"


def test_a_transition_without_reason_records_no_change_reason(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=user)
    case = case_transition(case=case, to=S.ASSESSING, by=user, version=case.version)
    assert case.history.first().history_change_reason is None


def test_an_owned_case_keeps_its_owner_when_someone_else_starts_the_assessment(coordinator):
    user, town = coordinator
    owner = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town).user
    case = CaseFactory(municipality=town, owner=owner)
    case = case_transition(case=case, to=S.ASSESSING, by=user, version=case.version)
    assert case.owner == owner


def test_an_ownerless_case_gets_no_owner_from_other_transitions(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=None, status=S.ASSESSING)
    case = case_transition(case=case, to=S.MEASURES, by=user, version=case.version)
    assert case.owner is None


def test_a_stale_update_is_refused_with_its_code(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    with pytest.raises(StaleEdit) as excinfo:
        case_update(case=case, by=user, version=case.version + 1, title="Ny")
    assert codes(excinfo.value) == {"stale"}
    assert Case.objects.get(pk=case.pk).title == case.title


def test_only_the_problem_picture_can_be_updated(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    with pytest.raises(ValueError, match="status"):
        case_update(case=case, by=user, version=case.version, status=S.CLOSED)
    updated = case_update(case=case, by=user, version=case.version, description="Ny bild")
    assert Case.objects.get(pk=updated.pk).description == "Ny bild"


# Owner, notes, measures, subjects


def test_reassigning_needs_a_reason(coordinator):
    user, town = coordinator
    other = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town).user
    case = CaseFactory(municipality=town, owner=user)
    with pytest.raises(ValidationError) as excinfo:
        case_reassign(case=case, owner=other, by=user, reason="  ")
    assert codes(excinfo.value) == {"reason_required"}


def test_reassigning_to_the_current_owner_is_refused(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=user)
    with pytest.raises(ValidationError) as excinfo:
        case_reassign(case=case, owner=user, by=user, reason="Semester")
    assert codes(excinfo.value) == {"same_owner"}


@pytest.mark.parametrize("where", ["other_municipality", "council_member"])
def test_reassigning_to_someone_who_does_not_work_the_cases_here_is_refused(coordinator, where):
    user, town = coordinator
    if where == "other_municipality":
        other = user_with_role(Role.COORDINATOR)
    else:
        other = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER, organisation=town).user
    case = CaseFactory(municipality=town, owner=user)
    with pytest.raises(ValidationError) as excinfo:
        case_reassign(case=case, owner=other, by=user, reason="Semester")
    assert codes(excinfo.value) == {"not_a_coordinator"}
    assert Case.objects.get(pk=case.pk).owner == user


def test_reassigning_moves_the_case_and_tells_the_new_owner(
    coordinator, django_capture_on_commit_callbacks
):
    user, town = coordinator
    other = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town).user
    case = CaseFactory(municipality=town, owner=user)
    start = case.version
    with django_capture_on_commit_callbacks(execute=True):
        case = case_reassign(case=case, owner=other, by=user, reason=" Semester ")
    stored = Case.objects.get(pk=case.pk)
    assert stored.owner == other
    assert stored.version == start + 1
    assert stored.history.first().history_change_reason == "Semester"
    assert Notification.objects.filter(user=other, text__contains=case.reference).exists()


def test_a_receiver_saves_only_measures_its_organisation_is_responsible_for(coordinator):
    user, town = coordinator
    mine = MeasureFactory.build(case=CaseFactory(municipality=town), responsible=town)
    with pytest.raises(ValidationError) as excinfo:
        measure_save(measure=mine, by=user, responsible_ids=frozenset({town.pk + 1000}))
    assert codes(excinfo.value) == {"not_responsible"}
    assert measure_save(measure=mine, by=user, responsible_ids=frozenset({town.pk})).pk
    other = MeasureFactory.build(case=CaseFactory(municipality=town), responsible=town)
    assert measure_save(measure=other, by=user).pk  # the owner: any measure


def test_a_pseudonym_appears_once_per_case(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    SubjectFactory(case=case, pseudonym="Elev A")
    with pytest.raises(ValidationError) as excinfo:
        subject_add(case=case, data=SubjectData("Elev A"), by=user)
    assert codes(excinfo.value) == {"duplicate_pseudonym"}
    added = subject_add(case=case, data=SubjectData("Elev B"), by=user)
    assert list(case.subjects.order_by("pseudonym").values_list("pseudonym", flat=True)) == [
        "Elev A",
        "Elev B",
    ]
    assert added.case == case


# Escalations (cases/escalation.py): codes and what each step returns


@pytest.fixture
def neighbours(coordinator):
    """A case owned in one municipality and a coordinator of a neighbouring one."""
    user, town = coordinator
    neighbour = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=MunicipalityFactory())
    case = CaseFactory(municipality=town, owner=user)
    return case, user, neighbour.organisation, neighbour.user


def open_escalation(case, receiver, by, **kwargs):
    values = {"reason": " Eleven bor där ", "request": " Råd om insatser "}
    values.update(kwargs)
    return escalation.escalation_open(case=case, receiver=receiver, by=by, **values)


def test_an_escalation_opens_stripped_and_tells_the_receiver(neighbours):
    case, owner, receiver, reviewer = neighbours
    opened = open_escalation(case, receiver, owner)
    assert (opened.reason, opened.request) == ("Eleven bor där", "Råd om insatser")
    assert opened.status == ES.NEW
    assert Notification.objects.filter(user=reviewer, text__contains=case.reference).exists()


def test_an_escalation_to_the_cases_own_municipality_is_refused(neighbours):
    case, owner, _receiver, _reviewer = neighbours
    with pytest.raises(ValidationError) as excinfo:
        open_escalation(case, case.municipality, owner)
    assert codes(excinfo.value) == {"to_itself"}


def test_a_second_open_escalation_to_the_same_receiver_is_refused(neighbours):
    case, owner, receiver, _reviewer = neighbours
    open_escalation(case, receiver, owner)
    with pytest.raises(ValidationError) as excinfo:
        open_escalation(case, receiver, owner)
    assert codes(excinfo.value) == {"already_open"}


def test_an_escalation_shares_only_the_cases_own_pseudonyms(neighbours):
    case, owner, receiver, _reviewer = neighbours
    foreign = SubjectFactory()
    with pytest.raises(ValidationError) as excinfo:
        open_escalation(case, receiver, owner, subjects=[foreign])
    assert codes(excinfo.value) == {"foreign_subject"}


def test_acknowledging_makes_the_receiver_the_handler_and_returns_the_escalation(neighbours):
    case, owner, receiver, reviewer = neighbours
    opened = open_escalation(case, receiver, owner)
    acknowledged = escalation.escalation_acknowledge(escalation=opened, by=reviewer)
    assert acknowledged.status == ES.ACKNOWLEDGED
    assert acknowledged.handler == reviewer
    assert acknowledged.acknowledged_at is not None


def test_closing_and_withdrawing_return_the_escalation_in_its_new_status(neighbours):
    case, owner, receiver, reviewer = neighbours
    closed = escalation.escalation_close(
        escalation=open_escalation(case, receiver, owner), by=reviewer, note=" Klart "
    )
    assert (closed.status, closed.closing_note) == (ES.CLOSED, "Klart")
    withdrawn = escalation.escalation_withdraw(
        escalation=open_escalation(case, receiver, owner), by=owner
    )
    assert withdrawn.status == ES.WITHDRAWN
    assert withdrawn.closed_at is not None


def test_the_answer_is_announced_to_the_case_owner_not_whoever_escalated(neighbours):
    case, owner, receiver, reviewer = neighbours
    colleague = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=case.municipality).user
    opened = open_escalation(case, receiver, colleague)
    escalation.escalation_answer(escalation=opened, by=reviewer, text=" Kontakta fritids ")
    told = Notification.objects.filter(link=case_url(case))  # the answer links to the case page
    assert set(told.values_list("user", flat=True)) == {owner.pk}


def test_only_a_police_escalation_records_the_security_service(neighbours):
    case, owner, receiver, reviewer = neighbours
    opened = open_escalation(case, receiver, owner)
    with pytest.raises(ValidationError) as excinfo:
        escalation.escalation_record_security_service(
            escalation=opened, by=reviewer, on=timezone.localdate()
        )
    assert codes(excinfo.value) == {"not_police"}
