"""Measures and consent: dates in order, flags for expired or withdrawn consent."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent, Measure
from cases.selectors import flags_for
from tests.cases.factories import CaseFactory, ConsentFactory
from tests.demo_objects import nmr_case

pytestmark = pytest.mark.django_db


def test_measure_with_end_before_start_is_refused(login):
    case = nmr_case()
    count = case.measures.count()
    response = login("samordnare.sunne").post(
        reverse("cases:measure_create", args=[case.reference]),
        {
            "kind": "supervision",
            "responsible": case.municipality_id,
            "status": "planned",
            "planned_start": "2026-05-10",
            "planned_end": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte ligga före startdatumet." in response.content.decode()
    assert 'value="2026-05-10"' in response.content.decode()
    assert case.measures.count() == count


def test_measure_is_added_with_its_responsible_organisation(login):
    case = nmr_case()
    response = login("samordnare.sunne").post(
        reverse("cases:measure_create", args=[case.reference]),
        {
            "kind": "supervision",
            "responsible": case.municipality_id,
            "responsible_unit": "Fritidsgården",
            "status": "planned",
            "planned_start": "2026-05-01",
            "planned_end": "2026-06-01",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(case=case, responsible_unit="Fritidsgården")
    assert measure.get_kind_display() == "Handledning"


def test_consent_expiring_before_it_was_given_is_refused(login):
    case = nmr_case()
    subject = case.subjects.first()
    response = login("samordnare.sunne").post(
        reverse("cases:consent_create", args=[case.reference]),
        {
            "subject": subject.pk,
            "organisations": [case.municipality_id],
            "scope": "Delning",
            "given_on": "2026-05-10",
            "expires_on": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert not Consent.objects.filter(case=case, given_on="2026-05-10").exists()


def test_consent_for_a_pseudonym_of_another_case_is_refused(login):
    case = nmr_case()
    other = CaseFactory()
    from tests.cases.factories import SubjectFactory

    stranger = SubjectFactory(case=other)
    response = login("samordnare.sunne").post(
        reverse("cases:consent_create", args=[case.reference]),
        {
            "subject": stranger.pk,
            "organisations": [case.municipality_id],
            "scope": "Delning",
            "given_on": "2026-05-10",
        },
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("expires", "withdrawn", "flags"),
    [
        (timezone.localdate() + datetime.timedelta(days=30), None, (False, False)),
        (timezone.localdate() - datetime.timedelta(days=1), None, (False, True)),
        (None, timezone.localdate() - datetime.timedelta(days=2), (True, False)),
        (
            timezone.localdate() - datetime.timedelta(days=1),
            timezone.localdate() - datetime.timedelta(days=5),
            (True, False),
        ),
    ],
    ids=["in-force", "expired", "withdrawn", "withdrawn-then-expired"],
)
def test_expired_or_withdrawn_consent_is_flagged(expires, withdrawn, flags):
    consent = ConsentFactory(
        given_on=timezone.localdate() - datetime.timedelta(days=60),
        expires_on=expires,
        withdrawn_on=withdrawn,
    )
    got = flags_for(consent.case)
    assert (got["consent_withdrawn"], got["consent_expired"]) == flags


def test_withdrawn_consent_shows_on_the_case_page(login):
    case = nmr_case()
    consent = case.consents.get()
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    body = login("samordnare.sunne").get(reverse("cases:detail", args=[case.reference]))
    assert "Ett samtycke i ärendet har återkallats." in body.content.decode()
