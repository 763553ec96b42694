"""Escalating and acting on an escalation: several receivers in one form, accepting a proposal
with its dates, destructive actions asked first, only the actions the state allows, the queue's
"Från", and the form's layout."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from cases import escalation as service
from cases.choices import EscalationStatus as S
from cases.models import Escalation, Measure
from cases.models.escalations import ESCALATION_STATES
from tests.cases.factories import CaseFactory, SubjectFactory
from tests.demo_objects import nmr_case, org

pytestmark = pytest.mark.django_db


def user(username):
    return User.objects.get(username=username)


def hagfors_case():
    """A fresh Hagfors case with two pseudonyms, clear of the demo's escalations."""
    case = CaseFactory(municipality=org("HAG"), owner=user("samordnare.hagfors"))
    return (
        case,
        SubjectFactory(case=case, pseudonym="Elev X"),
        SubjectFactory(case=case, pseudonym="Elev Y"),
    )


# --- 6: one form, several receivers, each with its own pseudonyms --------------------------


def test_one_form_escalates_to_several_receivers_each_with_its_own_pseudonyms(login):
    case, x, y = hagfors_case()
    agera, police, sunne = org("AGERA"), org("LPO-NV"), org("SUN")
    client = login("samordnare.hagfors")
    page = client.get(reverse("cases:escalate", args=[case.reference])).content.decode()
    assert f'name="subjects_{agera.pk}"' in page and f'name="subjects_{police.pk}"' in page
    response = client.post(
        reverse("cases:escalate", args=[case.reference]),
        {
            "receiver": [agera.pk, police.pk, sunne.pk],
            "reason": "Råd behövs",
            "request": "Kännedom",
            f"subjects_{agera.pk}": [x.pk, y.pk],
            f"subjects_{police.pk}": [y.pk],
            f"subjects_{org('TOR').pk}": [x.pk],  # a receiver not ticked: ignored
        },
    )
    assert response.status_code == 302
    shared = {
        e.receiver.code: {s.pseudonym for s in e.shared_subjects.all()}
        for e in case.escalations.all()
    }
    assert shared == {"AGERA": {"Elev X", "Elev Y"}, "LPO-NV": {"Elev Y"}, "SUN": set()}


def test_several_receivers_are_all_or_nothing(login):
    case, x, _y = hagfors_case()
    service.escalation_open(case=case, receiver=org("SUN"), by=case.owner, reason="r", request="q")
    with pytest.raises(ValidationError) as excinfo:
        service.escalations_open(
            case=case,
            receivers=[(org("AGERA"), [x]), (org("SUN"), [])],
            by=case.owner,
            reason="r",
            request="q",
        )
    assert excinfo.value.error_dict["receiver"][0].code == "already_open"
    assert not case.escalations.filter(receiver__code="AGERA").exists()  # rolled back
    response = login("samordnare.hagfors").post(
        reverse("cases:escalate", args=[case.reference]),
        {"receiver": [org("AGERA").pk, org("SUN").pk], "reason": "r", "request": "q"},
    )
    assert response.status_code == 400
    assert "redan en öppen eskalering" in response.content.decode()
    assert case.escalations.count() == 1
    with pytest.raises(ValidationError) as excinfo:
        service.escalations_open(case=case, receivers=[], by=case.owner, reason="r", request="q")
    assert excinfo.value.error_dict["receiver"][0].code == "no_receiver_chosen"


# --- 22: the checkbox beside its label, and a cancel link ----------------------------------


def test_the_escalation_form_has_checkboxes_beside_their_labels_and_a_cancel_link(login):
    case = nmr_case()
    page = login("samordnare.sunne").get(reverse("cases:escalate", args=[case.reference]))
    body = page.content.decode()
    assert (
        '<div class="check"><input type="checkbox" name="take_up_at_working_group"'
        ' id="id_take_up_at_working_group"><label for="id_take_up_at_working_group">' in body
    )
    assert f'href="{reverse("cases:detail", args=[case.reference])}" class="button' in body
    assert "Avbryt" in body and "---------" not in body


# --- 7: accepting a proposal asks for its dates; a measure without dates is not scheduled ---


def _answered_proposal(case):
    item = service.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="r", request="q"
    )
    service.escalation_acknowledge(escalation=item, by=user("agera"))
    service.escalation_answer(
        escalation=item,
        by=user("agera"),
        text="Vi föreslår handledning.",
        proposals=[
            {"kind": "supervision", "description": "", "responsible": org("AGERA")},
            {"kind": "staff_training", "description": "", "responsible": org("AGERA")},
        ],
    )
    return item, list(item.proposed_measures.order_by("pk"))


def test_accepting_a_proposal_takes_its_planned_dates(login):
    case, _x, _y = hagfors_case()
    item, (first, second) = _answered_proposal(case)
    client = login("samordnare.hagfors")
    page = client.get(reverse("cases:escalation", args=[item.pk])).content.decode()
    assert f'name="accept-{first.pk}-planned_start"' in page
    url = reverse("cases:proposal_accept", args=[first.pk])
    backwards = client.post(
        url,
        {
            f"accept-{first.pk}-planned_start": "2027-02-01",
            f"accept-{first.pk}-planned_end": "2027-01-01",
        },
    )
    assert backwards.status_code == 400 and "före startdatumet" in backwards.content.decode()
    assert not Measure.objects.filter(case=case).exists()
    done = client.post(
        url,
        {
            f"accept-{first.pk}-planned_start": "2027-01-10",
            f"accept-{first.pk}-planned_end": "2027-03-01",
        },
    )
    assert done.status_code == 302
    measure = Measure.objects.get(case=case)
    assert (measure.planned_start, measure.planned_end) == (
        datetime.date(2027, 1, 10),
        datetime.date(2027, 3, 1),
    )
    # Accepted without dates: the case page says so, and the desk lists it.
    assert client.post(reverse("cases:proposal_accept", args=[second.pk])).status_code == 302
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "inte schemalagd" in detail and "– – –" not in detail
    desk = client.get(reverse("cases:desk")).content.decode()
    unscheduled = desk.split('id="unscheduled-heading"')[1].split("</section>")[0]
    assert case.reference in unscheduled and "Personalutbildning" in unscheduled


# --- 8: destructive actions ask first, without a script ------------------------------------


def test_withdrawing_asks_first_on_a_page_of_its_own(login):
    case, _x, _y = hagfors_case()
    item = service.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="r", request="q"
    )
    client = login("samordnare.hagfors")
    url = reverse("cases:escalation_withdraw", args=[item.pk])
    page = client.get(reverse("cases:escalation", args=[item.pk])).content.decode()
    assert f'action="{url}"' not in page  # no one-click withdraw form on the page
    assert f'href="{url}"' in page
    assert page.index("danger-zone") > page.index("Problembild")  # apart, at the bottom
    confirm = client.get(url)
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "Återkalla eskaleringen?" in body
    assert f'action="{url}"' in body and "Nej, gå tillbaka" in body
    item.refresh_from_db()
    assert item.status == S.NEW  # asking changed nothing
    assert client.post(url).status_code == 302
    item.refresh_from_db()
    assert item.status == S.WITHDRAWN
    # Once withdrawn, the confirmation page is not offered any more.
    again = client.get(url)
    assert again.status_code == 302 and again.url == reverse("cases:escalation", args=[item.pk])


def test_closing_our_part_asks_first_with_the_closing_note(login):
    case, _x, _y = hagfors_case()
    item = service.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="r", request="q"
    )
    service.escalation_acknowledge(escalation=item, by=user("agera"))
    client = login("agera")
    url = reverse("cases:escalation_close", args=[item.pk])
    confirm = client.get(url).content.decode()
    assert "Avsluta er del?" in confirm and 'name="note"' in confirm
    item.refresh_from_db()
    assert item.status == S.ACKNOWLEDGED
    assert client.post(url, {"note": "Klart."}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.CLOSED and item.closing_note == "Klart."


# --- 9: only what the state allows ----------------------------------------------------------


def test_every_action_offered_is_one_the_service_accepts():
    for status in S.values:
        offered = ESCALATION_STATES.offered_from(status)
        assert offered <= ESCALATION_STATES.allowed_from(status), status


@pytest.mark.parametrize(
    ("status", "receiver", "sender"),
    [
        (S.NEW, {"acknowledge"}, {"withdraw"}),
        (S.ACKNOWLEDGED, {"answer", "close"}, {"withdraw"}),
        (S.ANSWERED, {"close"}, {"withdraw"}),
        (S.CLOSED, set(), set()),
        (S.WITHDRAWN, set(), set()),
    ],
)
def test_allowed_actions_follow_the_state(demo, status, receiver, sender):
    item = Escalation(status=status, kind="agera", receiver=org("AGERA"))
    item.is_receiver, item.is_sender = True, False
    assert service.allowed_actions(item, user("agera")) == receiver
    item.is_receiver, item.is_sender = False, True
    assert service.allowed_actions(item, user("samordnare.hagfors")) == sender


def test_the_police_record_the_security_service_once_and_only_the_police(demo):
    item = Escalation(status=S.ACKNOWLEDGED, kind="police", receiver=org("LPO-NV"))
    item.is_receiver = True
    assert "record_security_service" in service.allowed_actions(item, user("kommunpolis"))
    assert "record_security_service" not in service.allowed_actions(item, user("lpo.chef"))
    item.security_service_informed_on = datetime.date(2026, 11, 1)
    assert "record_security_service" not in service.allowed_actions(item, user("kommunpolis"))


def test_your_part_shows_only_the_next_step(login):
    case, _x, _y = hagfors_case()
    item = service.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="r", request="q"
    )
    client = login("agera")
    url = reverse("cases:escalation", args=[item.pk])
    answer = reverse("cases:escalation_answer", args=[item.pk])
    close = reverse("cases:escalation_close", args=[item.pk])
    ack = reverse("cases:escalation_acknowledge", args=[item.pk])
    new = client.get(url).content.decode()
    assert ack in new and answer not in new and close not in new
    client.post(ack)
    acknowledged = client.get(url).content.decode()
    assert ack not in acknowledged and answer in acknowledged and close in acknowledged
    client.post(
        answer,
        {"answer": "Vi hjälper till.", "proposals-TOTAL_FORMS": 0, "proposals-INITIAL_FORMS": 0},
    )
    answered = client.get(url).content.decode()
    assert answer not in answered and close in answered and "Vi hjälper till." in answered


# --- 10: the queue says where it came from --------------------------------------------------


def test_the_queue_shows_the_sending_municipality(login):
    body = login("agera").get(reverse("cases:queue")).content.decode()
    head = body.split("<thead>")[1].split("</thead>")[0]
    assert "Från" in head and "Till" not in head
    rows = body.split("<tbody>")[1]
    assert "Hagfors" in rows and "Sunne" in rows and "Agera" not in rows
