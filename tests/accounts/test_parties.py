"""The Security Service is never a party to a case or a meeting (informed through the police)."""

import pytest

from accounts.models import Organisation
from cases.followup_forms import CommitmentForm
from meetings.forms import AttendanceForm

pytestmark = pytest.mark.django_db


def test_parties_leave_out_the_security_service(demo):
    assert Organisation.objects.filter(code="SAPO").exists()
    codes = set(Organisation.objects.parties().values_list("code", flat=True))
    assert "SAPO" not in codes and {"SUN", "AGERA", "LPO-NV"} <= codes


def test_a_follow_up_team_cannot_include_the_security_service(demo):
    sapo = Organisation.objects.get(code="SAPO")
    form = CommitmentForm(version=1)
    assert sapo not in form.fields["team_organisations"].queryset  # type: ignore[attr-defined]
    posted = CommitmentForm(
        {"months": 12, "team_organisations": [sapo.pk], "version": 1}, version=1
    )
    assert not posted.is_valid() and "team_organisations" in posted.errors


def test_the_security_service_is_not_offered_as_a_meeting_guest(demo):
    sapo = Organisation.objects.get(code="SAPO")
    assert sapo not in AttendanceForm(seats=[]).fields["guests"].queryset  # type: ignore[attr-defined]
    posted = AttendanceForm({"guests": [sapo.pk]}, seats=[])
    assert not posted.is_valid() and "guests" in posted.errors
