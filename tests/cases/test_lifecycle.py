"""The life cycle: allowed transitions (listed by hand here), who/when/why, optimistic locking."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus as S
from cases.models import Case, Transition
from cases.services import StaleEdit, case_transition, case_update
from tests.cases.factories import CaseFactory
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db

# Written out by hand from the life cycle the municipalities agreed on, NOT read from
# cases/lifecycle.py: a change to the table must be a deliberate change here too.
STATUSES = ["reported", "assessing", "measures", "follow_up", "closed"]
ALLOWED = {
    ("reported", "assessing"),
    ("assessing", "measures"),
    ("assessing", "follow_up"),
    # Only for a case never worked on (no measures, no follow-up plan); a worked case closes
    # through follow-up or on an early-closure decision: tests/cases/test_closure_rules.py.
    ("assessing", "closed"),
    ("measures", "follow_up"),
    ("measures", "assessing"),
    ("follow_up", "measures"),
    ("follow_up", "closed"),
    ("closed", "assessing"),  # reopen: to the state closed from, or one the owner picks
    ("closed", "measures"),
    ("closed", "follow_up"),
}
REASON_REQUIRED = {
    ("assessing", "closed"),
    ("follow_up", "closed"),
    ("closed", "assessing"),
    ("closed", "measures"),
    ("closed", "follow_up"),
}
REFUSED = sorted({(a, b) for a in STATUSES for b in STATUSES if a != b} - ALLOWED)


def test_the_hand_written_lists_cover_every_status():
    assert sorted(STATUSES) == sorted(S.values)
    assert len(ALLOWED) + len(REFUSED) == 20 and REASON_REQUIRED <= ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_transition_moves_the_case(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current, owner=user)
    moved = case_transition(case=case, to=target, by=user, reason="Skäl", version=case.version)
    assert moved.status == target
    assert Case.objects.get(pk=case.pk).status == target
    assert Transition.objects.filter(case=case, from_status=current, to_status=target).exists()


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_a_transition_outside_the_life_cycle_is_refused(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current, owner=user)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to=target, by=user, reason="Skäl", version=case.version)
    assert excinfo.value.code == "wrong_transition"
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (current, case.version)
    assert not Transition.objects.filter(case=case).exists()


@pytest.mark.parametrize(("current", "target"), sorted(REASON_REQUIRED))
def test_closing_and_reopening_need_a_reason(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current)
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to=target, by=user, reason="  ", version=case.version)
    assert "reason" in excinfo.value.message_dict
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (current, case.version)
    assert not Transition.objects.filter(case=case).exists()


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED - REASON_REQUIRED))
def test_other_transitions_need_no_reason(coordinator, current, target):
    user, town = coordinator
    case = CaseFactory(municipality=town, status=current, owner=user)
    moved = case_transition(case=case, to=target, by=user, reason="", version=case.version)
    assert moved.status == target


def test_the_life_cycle_through_the_view(client, coordinator):
    user, town = coordinator
    case = CaseFactory(municipality=town, status="reported", owner=user)
    client.force_login(user)
    url = reverse("cases:transition", args=[case.reference])
    refused = client.post(url, {"to": "closed", "reason": "Skäl", "version": case.version})
    assert refused.status_code == 400
    assert Case.objects.get(pk=case.pk).status == "reported"
    moved = client.post(url, {"to": "assessing", "reason": "", "version": case.version})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.status == "assessing"
    no_reason = client.post(url, {"to": "closed", "reason": "", "version": case.version})
    assert no_reason.status_code == 400
    assert Case.objects.get(pk=case.pk).status == "assessing"


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


def test_a_change_registered_afterwards_keeps_its_date_between_the_last_change_and_now(
    coordinator,
):
    user, town = coordinator
    reported = timezone.now() - datetime.timedelta(days=40)
    case = CaseFactory(municipality=town, reported_at=reported, status_changed_at=reported)
    for wrong in (reported - datetime.timedelta(days=1), timezone.now() + datetime.timedelta(1)):
        with pytest.raises(ValueError):
            case_transition(case=case, to=S.ASSESSING, by=user, version=case.version, at=wrong)
    at = reported + datetime.timedelta(days=3)
    case = case_transition(case=case, to=S.ASSESSING, by=user, version=case.version, at=at)
    assert case.status_changed_at == at
    assert Transition.objects.filter(case=case, to_status=S.ASSESSING).get().at == at


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
    case = nmr_case()
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
    case = nmr_case()
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "reported", "reason": "", "version": case.version},
    )
    assert response.status_code == 400
    assert "Ett ärende med status insatser pågår kan inte flyttas till inkommen." in (
        response.content.decode()
    )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.version) == (S.MEASURES, case.version)


def test_a_stale_status_change_through_the_view_is_a_409(login):
    case = nmr_case()
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "follow_up", "reason": "", "version": case.version - 1},
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).status == S.MEASURES


def test_status_change_through_the_view(login):
    case = nmr_case()
    response = login("samordnare.sunne").post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "follow_up", "reason": "Propagandan har upphört", "version": case.version},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == S.FOLLOW_UP
