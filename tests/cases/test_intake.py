"""Intake (anmäl oro): reference, owner from the action plan, notification, pseudonyms."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification, Organisation
from cases.choices import CaseStatus
from cases.models import Case, Transition
from cases.services import SubjectData, case_report
from councils.choices import Area
from councils.models import ActionPlanAssignment
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.test_pii_in_views import PNR

pytestmark = pytest.mark.django_db


def report(user, municipality, **kwargs):
    values = {
        "areas": [Area.VBE],
        "setting": "school",
        "title": "Propaganda i skolan",
        "description": "Klistermärken i korridoren.",
    }
    values.update(kwargs)
    return case_report(by=user, municipality=municipality, **values)


def test_reference_counts_per_municipality_and_year(coordinator):
    user, town = coordinator
    first, second = report(user, town), report(user, town)
    year = timezone.localdate().year
    assert first.reference == f"{town.code}-{year}-0001"
    assert second.reference == f"{town.code}-{year}-0002"
    other = RoleAssignmentFactory(role=Role.COORDINATOR)
    assert report(other.user, other.organisation).reference.endswith("-0001")


def test_a_refused_intake_gives_its_number_back(coordinator):
    """The pseudonym is checked after the case is numbered and saved, in the same transaction:
    the refusal must roll the number back, so the next intake gets it."""
    user, town = coordinator
    year = timezone.localdate().year
    assert report(user, town).reference == f"{town.code}-{year}-0001"
    with pytest.raises(ValidationError) as excinfo:
        report(user, town, title="Avvisad", subjects=[SubjectData("Anna Andersson")])
    assert "pseudonym" in excinfo.value.message_dict
    assert not Case.objects.filter(title="Avvisad").exists()
    assert report(user, town).reference == f"{town.code}-{year}-0002"


def test_a_refused_intake_before_numbering_takes_no_number(coordinator):
    user, town = coordinator
    with pytest.raises(ValidationError):
        report(user, town, description=f"Eleven har {PNR}")
    assert report(user, town).reference.endswith("-0001")


def test_owner_comes_from_the_action_plan_and_is_notified(coordinator):
    user, town = coordinator
    planned = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town).user
    ActionPlanAssignment.objects.create(municipality=town, area=Area.VBE, coordinator=planned)
    case = report(user, town, areas=[Area.VBE, Area.CRIME])
    assert case.owner == planned
    note = Notification.objects.get(user=planned)
    assert case.reference in note.text and note.link.endswith(f"/{case.reference}/")
    assert not Notification.objects.filter(user=user).exists()


def test_intake_records_who_reported_and_the_first_status(coordinator):
    user, town = coordinator
    case = report(user, town, subjects=[SubjectData("Elev A"), SubjectData("Elev B", "16-17")])
    assert case.status == CaseStatus.REPORTED
    assert case.reported_by == user
    assert list(case.subjects.values_list("pseudonym", flat=True)) == ["Elev A", "Elev B"]
    first = Transition.objects.get(case=case)
    assert first.by == user and first.to_status == CaseStatus.REPORTED


@pytest.mark.parametrize("name", ["Anna Andersson", "elev", "Elev A B", "Elev 1234", ""])
def test_a_pseudonym_must_not_look_like_a_name(coordinator, name):
    user, town = coordinator
    with pytest.raises(ValidationError):
        report(user, town, subjects=[SubjectData(name)])
    assert not Case.objects.exists()


def test_the_intake_form_through_the_view(login):
    client = login("rektor.sunne")
    sunne = Organisation.objects.get(code="SUN")
    response = client.post(
        reverse("cases:report"),
        {
            "municipality": sunne.pk,
            "areas": ["andt"],
            "setting": "leisure",
            "title": "Alkohol vid badplatsen",
            "description": "Unga dricker vid badplatsen.",
            "discovery": "",
            "subjects-TOTAL_FORMS": 3,
            "subjects-INITIAL_FORMS": 0,
            "subjects-0-pseudonym": "Individ 1",
            "subjects-0-age_band": "16-17",
            "subjects-0-residence": sunne.pk,
        },
    )
    case = Case.objects.get(title="Alkohol vid badplatsen")
    # A council member cannot open the case; she is sent to her own list.
    assert response.status_code == 302 and response.url == reverse("cases:my_reports")
    assert case.owner.username == "samordnare2.sunne"  # Sunne's action plan: ANDT
    listing = client.get(reverse("cases:my_reports")).content.decode()
    assert case.reference in listing and "Inkommen" in listing
    assert "Alkohol vid badplatsen" in listing  # her own title (issue 11, point 1)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404


def test_intake_without_an_area_is_refused_and_keeps_the_input(login):
    client = login("samordnare.sunne")
    response = client.post(
        reverse("cases:report"),
        {
            "municipality": Organisation.objects.get(code="SUN").pk,
            "setting": "school",
            "title": "Utan område",
            "description": "Text",
            "subjects-TOTAL_FORMS": 0,
            "subjects-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Välj minst ett område." in body and 'value="Utan område"' in body
    assert not Case.objects.filter(title="Utan område").exists()


def test_intake_for_another_municipality_is_refused(login):
    response = login("samordnare.sunne").post(
        reverse("cases:report"),
        {
            "municipality": Organisation.objects.get(code="TOR").pk,
            "areas": ["vbe"],
            "setting": "school",
            "title": "Fel kommun",
            "description": "Text",
            "subjects-TOTAL_FORMS": 0,
            "subjects-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 400
    assert not Case.objects.filter(title="Fel kommun").exists()


@pytest.mark.parametrize("username", ["kommunpolis", "agera", "admin", "dso", "styrgrupp.sunne"])
def test_only_coordinators_and_council_members_report(login, username):
    assert login(username).get(reverse("cases:report")).status_code == 403


def test_oversized_text_is_refused(login):
    response = login("samordnare.sunne").post(
        reverse("cases:report"),
        {
            "municipality": Organisation.objects.get(code="SUN").pk,
            "areas": ["vbe"],
            "setting": "school",
            "title": "x" * 121,
            "description": "y" * 5001,
            "subjects-TOTAL_FORMS": 0,
            "subjects-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Högst 120 tecken: texten har 121" in body  # issue 11, point 4: its own words
    assert "Högst 5000 tecken: texten har 5001" in body
    assert not Case.objects.filter(title="x" * 121).exists()
    assert not Case.objects.filter(description="y" * 5001).exists()


def test_the_concern_form_says_what_its_button_does(login):
    page = login("rektor.sunne").get(reverse("cases:report")).content.decode()
    assert ">Anmäl oro</button>" in page
