"""One write path: every medskick write and the agreement's termination go through a service that
validates the whole row, so personal data is refused whichever road the text takes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from councils.choices import MedskickStatus, MembershipKind
from councils.models import Agreement, Body, Medskick
from councils.services import (
    CODE_PERSONAL_DATA,
    ERROR_AGREEMENT_NO_REASON,
    ERROR_MEDSKICK_NO_ANSWER,
    ERROR_MEDSKICK_SENDER_NOT_OWN,
    agreement_terminate,
    medskick_answer,
    medskick_close,
    medskick_create,
    medskick_receive,
)
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.councils.factories import (
    AgreementFactory,
    LocalCouncilFactory,
    MedskickFactory,
    MembershipFactory,
    MunicipalityFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

# 19800101-0005 fails the Luhn check and is allowed; 19121212-1212 passes it and is refused.
PERSONAL_DATA = {
    "personnummer": "Eleven har personnummer 19121212-1212.",
    "email": "Skriv till elev.a@example.se om saken.",
    "phone": "Ring vårdnadshavaren på 070-123 45 67.",
}
SWEDISH_KIND = {
    "personnummer": "ett personnummer",
    "email": "en e-postadress",
    "phone": "ett telefonnummer",
}


def row(model, pk):
    """The row as stored, every column."""
    return model.objects.filter(pk=pk).values().get()


def codes(error: ValidationError, field: str) -> list[str]:
    return [e.code for e in error.error_dict[field]]


def test_a_diary_number_is_an_ordinary_answer():
    # A date-shaped number is refused whatever its check digit (issue 11, point 2); a diary
    # number is not date-shaped.
    item = medskick_answer(
        medskick=MedskickFactory(), text="Diarienummer KS 2026/0005.", by=UserFactory()
    )
    assert item.status == MedskickStatus.ANSWERED


@pytest.mark.parametrize("kind", list(PERSONAL_DATA))
def test_medskick_answer_refuses_personal_data_and_saves_nothing(kind):
    item = MedskickFactory()
    before, history = row(Medskick, item.pk), item.history.count()
    with pytest.raises(ValidationError) as excinfo:
        medskick_answer(medskick=item, text=PERSONAL_DATA[kind], by=UserFactory())
    assert set(codes(excinfo.value, "answer")) == {
        CODE_PERSONAL_DATA
    }  # the message, then each finding
    assert row(Medskick, item.pk) == before
    assert item.history.count() == history
    assert item.answer == ""  # the caller's object is not changed either


@pytest.mark.parametrize("kind", list(PERSONAL_DATA))
def test_agreement_termination_reason_refuses_personal_data_and_saves_nothing(kind):
    party = MunicipalityFactory()
    agreement = AgreementFactory(parties=[party])
    before, history = row(Agreement, agreement.pk), agreement.history.count()
    with pytest.raises(ValidationError) as excinfo:
        agreement_terminate(
            agreement=agreement,
            party=party,
            on=datetime.date(2026, 6, 30),
            reason=PERSONAL_DATA[kind],
            by=UserFactory(),
        )
    assert set(codes(excinfo.value, "reason")) == {
        CODE_PERSONAL_DATA
    }  # the message, then each finding
    assert row(Agreement, agreement.pk) == before
    assert agreement.history.count() == history


@pytest.mark.parametrize("field", ["title", "text"])
@pytest.mark.parametrize("kind", list(PERSONAL_DATA))
def test_medskick_create_refuses_personal_data(field, kind):
    chair = UserFactory()
    council = LocalCouncilFactory()
    RoleAssignmentFactory(user=chair, role=Role.COORDINATOR, organisation=council.municipality)
    MembershipFactory(body=council, user=chair, kind=MembershipKind.CHAIR)
    values = {"title": "Fråga", "text": "Om läget."} | {field: PERSONAL_DATA[kind]}
    count = Medskick.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        medskick_create(
            sender=council, receiver=WorkingGroupFactory(), area="crime", by=chair, **values
        )
    assert set(codes(excinfo.value, field)) == {
        CODE_PERSONAL_DATA
    }  # the message, then each finding
    assert Medskick.objects.count() == count


def test_medskick_create_refuses_a_body_the_sender_does_not_edit():
    with pytest.raises(ValidationError) as excinfo:
        medskick_create(
            sender=LocalCouncilFactory(),
            receiver=WorkingGroupFactory(),
            area="crime",
            title="Fråga",
            text="Text",
            by=UserFactory(),
        )
    assert codes(excinfo.value, "sender") == ["sender_not_own"]
    assert excinfo.value.error_dict["sender"][0].message == ERROR_MEDSKICK_SENDER_NOT_OWN


def test_an_empty_answer_and_an_empty_reason_have_their_codes():
    with pytest.raises(ValidationError) as excinfo:
        medskick_answer(medskick=MedskickFactory(), text="  ", by=UserFactory())
    assert codes(excinfo.value, "answer") == ["answer_missing"]
    assert excinfo.value.error_dict["answer"][0].message == ERROR_MEDSKICK_NO_ANSWER
    party = MunicipalityFactory()
    with pytest.raises(ValidationError) as excinfo:
        agreement_terminate(
            agreement=AgreementFactory(parties=[party]),
            party=party,
            on=datetime.date(2026, 6, 30),
            reason=" ",
            by=UserFactory(),
        )
    assert codes(excinfo.value, "reason") == ["reason_missing"]
    assert excinfo.value.error_dict["reason"][0].message == ERROR_AGREEMENT_NO_REASON


def test_a_wrong_status_has_a_stable_code():
    item = medskick_close(medskick=MedskickFactory(), by=UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        medskick_receive(medskick=item, by=UserFactory())
    assert excinfo.value.code == "wrong_status"


def test_every_medskick_step_records_who_and_why():
    item = MedskickFactory()
    handler = UserFactory()
    with translation.override("sv"):
        medskick_receive(medskick=item, by=handler)
        medskick_answer(medskick=item, text="Tas upp i mars.", by=handler)
        medskick_close(medskick=item, by=handler)
    records = list(item.history.order_by("history_id"))[1:]
    assert [r.history_user for r in records] == [handler] * 3
    assert [r.status for r in records] == ["received", "answered", "closed"]
    assert all(r.history_change_reason for r in records)


def test_termination_records_who_terminated_in_history():
    party = MunicipalityFactory()
    agreement = AgreementFactory(parties=[party])
    admin = UserFactory()
    agreement_terminate(
        agreement=agreement, party=party, on=datetime.date(2026, 6, 30), reason="Ny", by=admin
    )
    assert agreement.history.first().history_user == admin


# Through the views: 400, the guard's Swedish message, the input kept, nothing saved.


@pytest.mark.parametrize("kind", list(PERSONAL_DATA))
def test_answer_form_refuses_personal_data_in_swedish(login, kind):
    item = Medskick.objects.get(receiver__municipality__code="TOR")
    before = row(Medskick, item.pk)
    response = login("samordnare.torsby").post(
        reverse("councils:medskick_answer", args=[item.pk]), {"answer": PERSONAL_DATA[kind]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"”Svar” verkar innehålla {SWEDISH_KIND[kind]}" in page
    assert row(Medskick, item.pk) == before


@pytest.mark.parametrize("kind", list(PERSONAL_DATA))
def test_termination_form_refuses_personal_data_in_swedish(login, kind):
    agreement = Agreement.objects.get()
    before = row(Agreement, agreement.pk)
    response = login("admin").post(
        reverse("councils:agreement_terminate", args=[agreement.pk]),
        {"party": agreement.parties.first().pk, "on": "2026-12-31", "reason": PERSONAL_DATA[kind]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"”Skäl för uppsägning” verkar innehålla {SWEDISH_KIND[kind]}" in page
    assert row(Agreement, agreement.pk) == before
    assert model_to_dict(Agreement.objects.get())["termination_reason"] == ""


def test_medskick_form_refuses_personal_data(login):
    council = Body.objects.get(kind="local_council", municipality__code="SUN")
    count = Medskick.objects.count()
    response = login("samordnare.sunne").post(
        reverse("councils:medskick_create"),
        {
            "sender": council.pk,
            "receiver": Body.objects.get(kind="working_group").pk,
            "area": "crime",
            "title": "Fråga",
            "text": PERSONAL_DATA["email"],
        },
    )
    assert response.status_code == 400
    assert "verkar innehålla en e-postadress" in response.content.decode()
    assert Medskick.objects.count() == count
