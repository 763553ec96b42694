"""What an open escalation lets the receiver's people do with the case (cases/rights.py).

The expected rights are written out here, not read from the table they check: a neighbouring
municipality sees the shared part and adds measures and notes; Agera sees it and adds measures;
the police and Länsstyrelsen only see it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from cases.escalation import escalation_open
from cases.models import Case, Note
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

# receiver's code, a person in its queue, may add measures, may add notes
RECEIVERS = [
    ("TOR", "samordnare.torsby", True, True),  # a neighbouring municipality
    ("AGERA", "agera", True, False),
    ("LPO-NV", "kommunpolis", False, False),  # the police
    ("LST-S", "lansstyrelsen", False, False),  # regional
]


def escalated_case(receiver_code: str) -> Case:
    owner = User.objects.get(username="samordnare.hagfors")
    case = CaseFactory(
        municipality=Organisation.objects.get(code="HAG"), owner=owner, title="Klotter vid hallen"
    )
    escalation_open(
        case=case,
        receiver=Organisation.objects.get(code=receiver_code),
        by=owner,
        reason="Behöver stöd.",
        request="Ta del av problembilden.",
    )
    return case


@pytest.mark.parametrize(("code", "username", "measures", "notes"), RECEIVERS)
def test_each_receiver_adds_measures_and_notes_only_as_its_kind_allows(
    login, code, username, measures, notes
):
    case = escalated_case(code)
    client = login(username)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200

    form = client.get(reverse("cases:measure_create", args=[case.reference]))
    assert form.status_code == (200 if measures else 404)

    response = client.post(
        reverse("cases:add_note", args=[case.reference]), {"text": "Vi har talat med skolan."}
    )
    assert response.status_code == (302 if notes else 404)
    assert Note.objects.filter(case=case).exists() == notes
