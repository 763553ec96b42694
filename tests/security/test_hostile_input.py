"""Issue 14's probe: ids and dates out of range are a 400 with a Swedish message, never a 500.

The rule lives once, in sutohamu/formfields.py and sutohamu/dates.py: every form date field
accepts 2000-01-01 .. ten years ahead, every integer field what a bigint holds.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from sutohamu.dates import (
    EARLIEST_DATE,
    latest_plausible_date,
    validate_not_future,
    validate_plausible_date,
)
from tests.demo_objects import nmr_reference

HUGE = "1" * 23
DATE_MESSAGE = "Ange ett datum mellan 2000-01-01 och"


class NewForm(forms.Form):
    """A form written after this rule, which never asked for it."""

    day = forms.DateField()
    when = forms.DateTimeField(required=False)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_new_forms_date_field_refuses_an_implausible_date(day):
    with translation.override("sv"):
        form = NewForm({"day": day})
        assert not form.is_valid()
        assert form.errors["day"][0].startswith(DATE_MESSAGE)


def test_the_range_ends_ten_years_ahead():
    today = timezone.localdate()
    assert NewForm({"day": EARLIEST_DATE.isoformat()}).is_valid()
    assert NewForm({"day": latest_plausible_date(today).isoformat()}).is_valid()
    late = latest_plausible_date(today) + datetime.timedelta(days=1)
    assert not NewForm({"day": late.isoformat()}).is_valid()
    assert latest_plausible_date(datetime.date(2028, 2, 29)) == datetime.date(2038, 2, 28)


def test_date_times_and_integers_have_their_range_too():
    form = NewForm({"day": "2026-01-01", "when": "9999-12-31 10:00", "count": HUGE})
    assert not form.is_valid()
    assert set(form.errors) == {"when", "count"}
    assert form.errors.as_data()["count"][0].code == "number_too_large"


def test_the_validators_for_models_and_services():
    validate_plausible_date(None)
    validate_not_future(timezone.localdate())
    with pytest.raises(forms.ValidationError) as excinfo:
        validate_not_future(timezone.localdate() + datetime.timedelta(days=1))
    assert excinfo.value.code == "future_date"
    with pytest.raises(forms.ValidationError) as excinfo:
        validate_plausible_date(datetime.date(1, 1, 1))
    assert excinfo.value.code == "implausible_date"


@pytest.fixture
def as_user(login, settings):
    settings.TWO_FACTOR_REQUIRED = False
    return login


def test_the_read_log_filter_with_year_9999_is_a_400(as_user):
    response = as_user("dso").get(reverse("cases:read_log"), {"date_to": "9999-12-31"})
    assert response.status_code == 400
    assert DATE_MESSAGE in response.content.decode()


def test_a_23_digit_organisation_in_a_consent_is_a_400(as_user):
    from cases.models import Consent, Subject

    before = Consent.objects.count()
    subject = Subject.objects.filter(case__reference=nmr_reference()).first()
    response = as_user("samordnare.sunne").post(
        reverse("cases:consent_create", args=[nmr_reference()]),
        {
            "subject": subject.pk,
            "organisations": HUGE,
            "scope": "Elevhälsan.",
            "given_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert Consent.objects.count() == before


def test_a_measure_dated_9999_is_a_400(as_user):
    from accounts.models import Organisation
    from cases.models import Measure

    before = Measure.objects.count()
    response = as_user("samordnare.sunne").post(
        reverse("cases:measure_create", args=[nmr_reference()]),
        {
            "kind": "supervision",
            "responsible": Organisation.objects.get(code="SUN").pk,
            "status": "planned",
            "planned_start": "9999-12-31",
        },
    )
    assert response.status_code == 400
    assert DATE_MESSAGE in response.content.decode()
    assert Measure.objects.count() == before
