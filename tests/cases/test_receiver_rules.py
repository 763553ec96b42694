"""Rules of escalations and shared cases, each tested so that the test fails without its rule.

Small worlds from factories: a municipality with its coordinator and a case, and receivers
(Agera, the police, a neighbouring municipality) with their people.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.capabilities import forget_roles
from accounts.choices import Role
from cases import escalation as service
from cases.choices import CaseStatus, MeasureKind, MeasureStatus, ReadKind
from cases.models import Case, CaseRead, Escalation, Measure
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import CaseFactory, MeasureFactory

pytestmark = pytest.mark.django_db


escalation_open = service.escalation_open
record_security_service = service.escalation_record_security_service


def owner_and_case(**case_fields):
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    case = CaseFactory(
        municipality=role.organisation,
        owner=role.user,
        status=CaseStatus.ASSESSING,
        **case_fields,
    )
    return role.user, case


def escalated(case, owner, role):
    """Escalate `case` to a new organisation where someone holds `role`; (escalation, person)."""
    receiver = RoleAssignmentFactory(role=role)
    item = escalation_open(
        case=case, receiver=receiver.organisation, by=owner, reason="Skäl", request="Begäran"
    )
    return item, receiver.user


def signed_in(client, user):
    client.logout()
    client.force_login(user)
    return client


# --- The Security Service is recorded only on a police escalation (point 2) ---------------


def test_record_security_service_on_a_non_police_escalation_raises_its_stable_message():
    owner, case = owner_and_case()
    item, agera = escalated(case, owner, Role.AGERA)
    with pytest.raises(ValidationError) as excinfo:
        record_security_service(
            escalation=item, by=agera, on=(timezone.localdate() - datetime.timedelta(days=1))
        )
    assert excinfo.value.messages == [str(service.ERROR_NOT_POLICE)]
    assert excinfo.value.code == "not_police"
    stored = Escalation.objects.get(pk=item.pk)
    assert stored.security_service_informed_on is None
    assert stored.security_service_informed_by is None


def test_record_security_service_on_a_police_escalation_is_saved():
    owner, case = owner_and_case()
    item, police = escalated(case, owner, Role.COMMUNITY_POLICE)
    record_security_service(
        escalation=item, by=police, on=(timezone.localdate() - datetime.timedelta(days=1))
    )
    stored = Escalation.objects.get(pk=item.pk)
    assert stored.security_service_informed_on == (
        timezone.localdate() - datetime.timedelta(days=1)
    )
    assert stored.security_service_informed_by == police


def test_someone_past_the_views_checks_cannot_record_it_on_a_non_police_escalation(client):
    """A person who holds the Security Service capability at the receiving organisation (a
    kommunpolis role at a civil-society receiver, as an old or imported row could give) passes
    the view's checks; the rule in the service must still refuse."""
    owner, case = owner_and_case()
    item, _agera = escalated(case, owner, Role.AGERA)
    odd = RoleAssignmentFactory(role=Role.COMMUNITY_POLICE, organisation=item.receiver).user
    response = signed_in(client, odd).post(
        reverse("cases:escalation_sapo", args=[item.pk]),
        {"on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert str(service.ERROR_NOT_POLICE) in response.content.decode()
    stored = Escalation.objects.get(pk=item.pk)
    assert stored.security_service_informed_on is None
    assert stored.security_service_informed_by is None


# --- Ended reviewing role, another role still active (point 5) ----------------------------


def test_a_receiver_whose_reviewing_role_ended_but_who_holds_another_role_gets_404(client):
    owner, case = owner_and_case()
    MeasureFactory(case=case)
    item, agera = escalated(case, owner, Role.AGERA)
    # She still sits in a local council of some other municipality, as a council member.
    RoleAssignmentFactory(user=agera, role=Role.COUNCIL_MEMBER)
    client = signed_in(client, agera)
    urls = [
        reverse("cases:detail", args=[case.reference]),
        reverse("cases:escalation", args=[item.pk]),
        reverse("cases:measure_create", args=[case.reference]),
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]  # the grant works

    agera.roles.filter(role=Role.AGERA).update(
        end_date=(timezone.localdate() - datetime.timedelta(days=1))
    )
    forget_roles(agera)
    client = signed_in(client, agera)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


# --- "Take up at the working group" is for neighbouring municipalities only (point 8) -------


@pytest.mark.parametrize(("role", "stored"), [(Role.AGERA, False), (Role.COMMUNITY_POLICE, False)])
def test_the_working_group_flag_is_not_stored_for_agera_or_the_police(client, role, stored):
    owner, case = owner_and_case()
    receiver = RoleAssignmentFactory(role=role).organisation
    response = signed_in(client, owner).post(
        reverse("cases:escalate", args=[case.reference]),
        {
            "receiver": receiver.pk,
            "reason": "Skäl",
            "request": "Begäran",
            "take_up_at_working_group": "on",
        },
    )
    assert response.status_code == 302
    item = Escalation.objects.get(case=case, receiver=receiver)
    assert item.take_up_at_working_group is stored
    assert item not in Escalation.objects.for_working_group()


def test_the_working_group_flag_is_stored_for_a_neighbouring_municipality(client):
    owner, case = owner_and_case()
    neighbour = RoleAssignmentFactory(role=Role.COORDINATOR).organisation
    response = signed_in(client, owner).post(
        reverse("cases:escalate", args=[case.reference]),
        {
            "receiver": neighbour.pk,
            "reason": "Skäl",
            "request": "Begäran",
            "take_up_at_working_group": "on",
        },
    )
    assert response.status_code == 302
    item = Escalation.objects.get(case=case, receiver=neighbour)
    assert item.take_up_at_working_group is True
    assert item in Escalation.objects.for_working_group()


def test_the_escalate_service_drops_the_flag_for_agera():
    owner, case = owner_and_case()
    receiver = RoleAssignmentFactory(role=Role.AGERA).organisation
    item = escalation_open(
        case=case,
        receiver=receiver,
        by=owner,
        reason="Skäl",
        request="Begäran",
        take_up_at_working_group=True,
    )
    assert Escalation.objects.get(pk=item.pk).take_up_at_working_group is False


# --- Agera adds and edits only the measures it delivers (point 8) -------------------------


def measure_form(responsible, **extra):
    return {
        "kind": MeasureKind.STAFF_TRAINING,
        "description": "Utbildning för personalen.",
        "responsible": responsible.pk,
        "status": MeasureStatus.PLANNED,
        **extra,
    }


def test_agera_adds_a_measure_it_delivers(client):
    owner, case = owner_and_case()
    item, agera = escalated(case, owner, Role.AGERA)
    response = signed_in(client, agera).post(
        reverse("cases:measure_create", args=[case.reference]), measure_form(item.receiver)
    )
    assert response.status_code == 302
    assert Measure.objects.filter(case=case, responsible=item.receiver).count() == 1


def test_agera_cannot_add_a_measure_another_organisation_delivers(client):
    owner, case = owner_and_case()
    _item, agera = escalated(case, owner, Role.AGERA)
    response = signed_in(client, agera).post(
        reverse("cases:measure_create", args=[case.reference]), measure_form(case.municipality)
    )
    assert response.status_code == 400
    assert not Measure.objects.filter(case=case).exists()


def test_agera_edits_its_own_measure_but_not_the_municipalitys(client):
    owner, case = owner_and_case()
    item, agera = escalated(case, owner, Role.AGERA)
    own = MeasureFactory(case=case, responsible=item.receiver, description="Agera leder.")
    theirs = MeasureFactory(case=case, responsible=case.municipality, description="Kommunen.")
    client = signed_in(client, agera)

    def url(measure):
        return reverse("cases:measure_edit", args=[case.reference, measure.pk])

    assert client.get(url(theirs)).status_code == 404
    refused = client.post(
        url(theirs), measure_form(item.receiver, description="Agera tog över den här.")
    )
    assert refused.status_code == 404
    stored = Measure.objects.get(pk=theirs.pk)
    assert (stored.responsible, stored.description) == (case.municipality, "Kommunen.")

    changed = client.post(url(own), measure_form(item.receiver, description="Agera leder nu."))
    assert changed.status_code == 302
    assert Measure.objects.get(pk=own.pk).description == "Agera leder nu."


def test_the_owning_municipality_edits_every_measure(client):
    owner, case = owner_and_case()
    item, _agera = escalated(case, owner, Role.AGERA)
    agera_measure = MeasureFactory(case=case, responsible=item.receiver)
    response = signed_in(client, owner).post(
        reverse("cases:measure_edit", args=[case.reference, agera_measure.pk]),
        measure_form(item.receiver, description="Kommunen justerade."),
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=agera_measure.pk).description == "Kommunen justerade."


# --- Receivers' reads are logged (point 8) -------------------------------------------------


def test_a_receiver_opening_the_shared_case_and_the_escalation_is_logged_each_time(client):
    owner, case = owner_and_case()
    item, agera = escalated(case, owner, Role.AGERA)
    client = signed_in(client, agera)
    case_url = reverse("cases:detail", args=[case.reference])
    escalation_url = reverse("cases:escalation", args=[item.pk])

    def reads():
        return list(
            CaseRead.objects.filter(user=agera, case=case).order_by("pk").values_list("kind")
        )

    assert client.get(case_url).status_code == 200
    assert reads() == [(ReadKind.SHARED,)]
    assert client.get(escalation_url).status_code == 200
    assert reads() == [(ReadKind.SHARED,)] * 2
    assert client.get(case_url).status_code == 200
    assert reads() == [(ReadKind.SHARED,)] * 3


def test_the_owner_opening_the_case_page_is_logged_as_a_page_read(client):
    owner, case = owner_and_case()
    assert (
        signed_in(client, owner).get(reverse("cases:detail", args=[case.reference])).status_code
        == 200
    )
    assert list(CaseRead.objects.filter(case=case).values_list("user", "kind")) == [
        (owner.pk, ReadKind.PAGE)
    ]


# --- Bad input leaves the database as it was (point 7) -------------------------------------


def test_escalating_to_its_own_municipality_saves_nothing(client):
    owner, case = owner_and_case()
    response = signed_in(client, owner).post(
        reverse("cases:escalate", args=[case.reference]),
        {"receiver": case.municipality.pk, "reason": "Skäl", "request": "Begäran"},
    )
    assert response.status_code == 400
    assert not Escalation.objects.filter(case=case).exists()


def test_an_answer_without_text_saves_nothing(client):
    owner, case = owner_and_case()
    item, agera = escalated(case, owner, Role.AGERA)
    response = signed_in(client, agera).post(
        reverse("cases:escalation_answer", args=[item.pk]),
        {
            "answer": "",
            "proposals-TOTAL_FORMS": 1,
            "proposals-INITIAL_FORMS": 0,
            "proposals-0-kind": MeasureKind.STAFF_TRAINING,
            "proposals-0-responsible": item.receiver.pk,
        },
    )
    assert response.status_code == 400
    stored = Escalation.objects.get(pk=item.pk)
    assert (stored.status, stored.answer, stored.answered_at) == (item.status, "", None)
    assert not stored.proposed_measures.exists()


def test_an_acknowledgement_by_the_sender_changes_nothing(client):
    owner, case = owner_and_case()
    item, _agera = escalated(case, owner, Role.AGERA)
    response = signed_in(client, owner).post(
        reverse("cases:escalation_acknowledge", args=[item.pk])
    )
    assert response.status_code == 403
    stored = Escalation.objects.get(pk=item.pk)
    assert (stored.status, stored.acknowledged_at, stored.handler) == (item.status, None, None)
    assert Case.objects.get(pk=case.pk).version == case.version
