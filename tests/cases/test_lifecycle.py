"""The life cycle: allowed transitions from one table, who/when/why, optimistic locking."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.choices import CaseStatus as S
from cases.lifecycle import TRANSITIONS
from cases.models import Case, Transition
from cases.services import StaleEdit, case_transition, case_update
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALL = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("current", "target"), ALL)
def test_only_the_tables_transitions_are_allowed(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current, owner=user)
    allowed = target in TRANSITIONS[current]
    if allowed:
        moved = case_transition(case=case, to=target, by=user, reason="Skäl", version=case.version)
        assert moved.status == target
    else:
        with pytest.raises(ValidationError) as excinfo:
            case_transition(case=case, to=target, by=user, reason="Skäl", version=case.version)
        assert "kan inte flyttas till" in str(excinfo.value)
        assert Case.objects.get(pk=case.pk).status == current


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.FOLLOW_UP, S.CLOSED), (S.ASSESSING, S.CLOSED), (S.CLOSED, S.ASSESSING)],
)
def test_closing_and_reopening_need_a_reason(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to=target, by=user, reason="  ", version=case.version)
    assert "reason" in excinfo.value.message_dict


def test_each_transition_records_who_when_and_why(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=S.FOLLOW_UP)
    case = case_transition(case=case, to=S.CLOSED, by=user, reason="Klart", version=case.version)
    case = case_transition(
        case=case, to=S.ASSESSING, by=user, reason="Ny oro", version=case.version
    )
    log = list(
        Transition.objects.filter(case=case).values_list("from_status", "to_status", "by", "reason")
    )
    assert log == [
        (S.FOLLOW_UP, S.CLOSED, user.pk, "Klart"),
        (S.CLOSED, S.ASSESSING, user.pk, "Ny oro"),
    ]
    assert case.history.first().history_user == user
    assert case.history.first().history_change_reason == "Ny oro"


def test_starting_the_assessment_of_an_ownerless_case_takes_ownership(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=None)
    case = case_transition(case=case, to=S.ASSESSING, by=user, version=case.version)
    assert case.owner == user


def test_a_stale_transition_is_refused(coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town)
    loaded = case.version
    case_update(case=case, by=user, version=loaded, title="Ny rubrik")
    with pytest.raises(StaleEdit):
        case_transition(case=case, to=S.ASSESSING, by=user, version=loaded)
    assert Case.objects.get(pk=case.pk).status == S.REPORTED


def test_two_editors_the_second_gets_a_conflict_not_an_overwrite(login):
    case = Case.objects.get(title="NMR lockar unga på gymnasiet")
    first, second = login("samordnare.sunne"), None
    form = {
        "areas": ["vbe"],
        "setting": "school",
        "title": case.title,
        "description": "Första redaktörens text.",
        "discovery": "",
        "version": case.version,
    }
    assert first.post(reverse("cases:edit", args=[case.reference]), form).status_code == 302
    second = login("samordnare2.sunne")
    stale = {**form, "description": "Andra redaktörens text."}
    response = second.post(reverse("cases:edit", args=[case.reference]), stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan ändrade ärendet" in body
    assert "Andra redaktörens text." in body  # the second editor's input is kept
    assert Case.objects.get(pk=case.pk).description == "Första redaktörens text."


def test_a_wrong_transition_through_the_view_is_a_400_in_swedish(login):
    case = Case.objects.get(title="NMR lockar unga på gymnasiet")
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "reported", "reason": "", "version": case.version},
    )
    assert response.status_code == 400
    assert "Ett ärende med status insatser pågår kan inte flyttas till inkommen." in (
        response.content.decode()
    )


def test_a_stale_status_change_through_the_view_is_a_409(login):
    case = Case.objects.get(title="NMR lockar unga på gymnasiet")
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "follow_up", "reason": "", "version": case.version - 1},
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).status == S.MEASURES


def test_status_change_through_the_view(login):
    case = Case.objects.get(title="NMR lockar unga på gymnasiet")
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "follow_up", "reason": "Propagandan har upphört", "version": case.version},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
