"""Only the receiving body answers a medskick: the sender cannot, whoever else sees it."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from councils.choices import MedskickStatus, MembershipKind
from councils.models import Medskick
from tests.accounts.factories import RoleAssignmentFactory
from tests.councils.factories import (
    LocalCouncilFactory,
    MedskickFactory,
    MembershipFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def world():
    """A local council sends a medskick to the working group; each side has its own chair,
    and a third coordinator sits in neither body."""
    sender_role = RoleAssignmentFactory(role=Role.COORDINATOR)
    council = LocalCouncilFactory(municipality=sender_role.organisation)
    group = WorkingGroupFactory()
    MembershipFactory(
        body=council,
        user=sender_role.user,
        organisation=sender_role.organisation,
        kind=MembershipKind.CHAIR,
    )
    receiver_role = RoleAssignmentFactory(role=Role.COORDINATOR)
    MembershipFactory(
        body=group,
        user=receiver_role.user,
        organisation=receiver_role.organisation,
        kind=MembershipKind.CHAIR,
    )
    outsider = RoleAssignmentFactory(role=Role.COORDINATOR).user
    item = MedskickFactory(sender=council, receiver=group, sent_by=sender_role.user)
    return item, sender_role.user, receiver_role.user, outsider


def post_answer(client, user, item, text):
    client.logout()
    client.force_login(user)
    return client.post(reverse("councils:medskick_answer", args=[item.pk]), {"answer": text})


def test_the_sender_cannot_answer_its_own_medskick(client):
    item, sender, _receiver, _outsider = world()
    client.force_login(sender)
    assert client.get(reverse("councils:medskick", args=[item.pk])).status_code == 200  # sees it
    response = post_answer(client, sender, item, "Vi svarar själva.")
    assert response.status_code == 403
    stored = Medskick.objects.get(pk=item.pk)
    assert (stored.status, stored.answer, stored.handler) == (item.status, "", None)


def test_the_sender_cannot_mark_its_own_medskick_received(client):
    item, sender, _receiver, _outsider = world()
    client.force_login(sender)
    response = client.post(reverse("councils:medskick_receive", args=[item.pk]))
    assert response.status_code == 403
    assert Medskick.objects.get(pk=item.pk).status == item.status


def test_someone_in_neither_body_cannot_answer(client):
    item, _sender, _receiver, outsider = world()
    assert post_answer(client, outsider, item, "Utifrån.").status_code == 404
    assert Medskick.objects.get(pk=item.pk).answer == ""


def test_the_receiving_body_answers(client):
    item, _sender, receiver, _outsider = world()
    response = post_answer(client, receiver, item, "Tas upp i mars.")
    assert response.status_code == 302
    stored = Medskick.objects.get(pk=item.pk)
    assert stored.answer == "Tas upp i mars."
    assert stored.status == MedskickStatus.ANSWERED
    assert stored.handler == receiver
