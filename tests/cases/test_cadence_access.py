"""The contact cadence form opens a case's follow-up plan: only through the door (case_for with
the work right), and each opening is in the read log like the case's other edit forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import Role
from cases.choices import ReadKind
from cases.escalation import escalation_open
from cases.models import CaseRead
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.test_followup import in_followup
from tests.councils.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_owning_coordinator_opens_the_cadence_and_the_opening_is_logged(client, coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    client.force_login(user)
    response = client.get(reverse("cases:cadence", args=[case.reference]))
    assert response.status_code == 200
    assert list(CaseRead.objects.filter(case=case).values_list("user", "kind")) == [
        (user.pk, ReadKind.EDIT)
    ]


def test_another_municipalitys_coordinator_gets_404_and_nothing_is_logged(client, coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    outsider = RoleAssignmentFactory(role=Role.COORDINATOR).user
    client.force_login(outsider)
    for method in (client.get, client.post):
        response = method(reverse("cases:cadence", args=[case.reference]), {"reason": "x"})
        assert response.status_code == 404
    assert not CaseRead.objects.exists()


def test_a_receiver_who_sees_the_shared_part_cannot_open_the_plan(client, coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    neighbour = MunicipalityFactory()
    receiver = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=neighbour).user
    escalation_open(
        case=case, receiver=neighbour, by=user, reason="Eleven flyttar.", request="Följ upp."
    )
    client.force_login(receiver)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200
    assert client.get(reverse("cases:cadence", args=[case.reference])).status_code == 404
    assert not CaseRead.objects.filter(kind=ReadKind.EDIT).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, coordinator):
    user, town = coordinator
    case = in_followup(user, town)
    response = client.get(reverse("cases:cadence", args=[case.reference]))
    assert response.status_code == 302 and "next=" in response["Location"]
