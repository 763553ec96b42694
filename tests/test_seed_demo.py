"""`seed_demo` loads the demo world and is idempotent, also when re-run on a later day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts.capabilities import capabilities_of
from accounts.choices import Level, Role
from accounts.models import Organisation, User
from councils.choices import BodyKind
from councils.models import Body
from tests.demo_objects import nmr_case

DEMO_USERNAMES = {
    "samordnare.sunne",
    "samordnare.torsby",
    "samordnare.hagfors",
    "samordnare.munkfors",
    "rektor.sunne",
    "kommunpolis",
    "lpo.chef",
    "agera",
    "lansstyrelsen",
    "styrgrupp.sunne",
    "kontakt.polisregion",
    "admin",
    "dso",
}


# Stored trend figures of closed half-years are derived, kept as a cache: a later day's report
# stores its newly closed half-year (reports.figures), which is no new demo row.
DERIVED = {"reports.StoredPeriod"}


def row_counts():
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in DERIVED
    }


def test_seed_demo_twice_gives_the_same_rows_and_prints_the_accounts(demo, capsys):
    """`demo` is the first run (seeded once per test database); this is the second."""
    first = row_counts()
    call_command("seed_demo")
    assert row_counts() == first
    out = capsys.readouterr().out
    assert "samordnare.sunne" in out
    assert "demo" in out


# A fixed first run, so that the later runs stay in the same year whatever today is: the meeting
# plans, priorities and citizen promises are the current year's, and a new year adds its own.
FIRST_RUN = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
LATER = [datetime.timedelta(days=1), datetime.timedelta(days=31), datetime.timedelta(days=200)]


@pytest.mark.django_db
def test_seed_demo_rerun_on_later_days_gives_the_same_rows():
    """A day, a month and half a year later, in turn: each re-run keeps every row count."""
    with time_machine.travel(FIRST_RUN):
        call_command("seed_demo", verbosity=0)
    first = row_counts()
    for later in LATER:
        with time_machine.travel(FIRST_RUN + later):
            call_command("seed_demo", verbosity=0)
        assert row_counts() == first, f"{later.days} days later"


def test_demo_has_the_four_municipalities_and_all_five_levels(demo):
    codes = dict(Organisation.objects.municipalities().values_list("name", "municipality_code"))
    assert codes == {
        "Sunne kommun": "1766",
        "Torsby kommun": "1737",
        "Hagfors kommun": "1783",
        "Munkfors kommun": "1762",
    }
    assert set(Organisation.objects.values_list("level", flat=True)) == set(Level.values)
    for name in [
        "Länsstyrelsen Värmland",
        "Agera Värmland",
        "Säkerhetspolisen",
        "Polisregion Bergslagen",
        "Center mot våldsbejakande extremism",
    ]:
        assert Organisation.objects.filter(name=name).exists()


def test_demo_bodies_have_their_local_names(demo):
    councils = Body.objects.filter(kind=BodyKind.LOCAL_COUNCIL)
    assert councils.count() == 4
    names = " ".join(councils.values_list("name", flat=True))
    for word in ["Trygghetsrådet", "brottsförebyggande råd", "Folkhälsorådet"]:
        assert word in names
    assert Body.objects.filter(kind=BodyKind.WORKING_GROUP).count() == 1
    assert Body.objects.filter(kind=BodyKind.STEERING_GROUP).count() == 1


def test_every_role_has_a_demo_account_that_can_sign_in(demo, client):
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    assert set(users.values_list("username", flat=True)) == DEMO_USERNAMES
    held = set(users.values_list("roles__role", flat=True))
    assert held == set(Role.values)
    assert all(capabilities_of(u) for u in users)
    response = client.post(reverse("login"), {"username": "agera", "password": "demo"})
    assert response.status_code == 302


def test_demo_holds_the_nmr_reference_case_as_the_issues_describe(demo):
    from cases.models import Case, Escalation

    case = nmr_case()
    assert case.municipality.code == "SUN" and case.status == "measures"
    pupils = {s.pseudonym: s.residence.code for s in case.subjects.select_related("residence")}
    assert pupils == {"Elev A": "SUN", "Elev B": "SUN", "Elev C": "TOR"}
    assert case.measures.count() >= 5 and case.consents.count() == 1
    escalations = {e.receiver.code: e for e in case.escalations.select_related("receiver")}
    assert escalations["TOR"].status == "acknowledged"
    assert escalations["AGERA"].status == "answered"
    assert all(p.accepted_as for p in escalations["AGERA"].proposed_measures.all())
    assert escalations["LPO-NV"].status == "closed"
    assert escalations["LPO-NV"].security_service_informed_on is not None
    assert Case.objects.count() == 41
    assert set(Case.objects.values_list("municipality__code", flat=True)) == {
        "SUN",
        "TOR",
        "HAG",
        "MUN",
    }
    assert len(set(Case.objects.values_list("year", flat=True))) == 2
    receivers = set(Escalation.objects.open().values_list("receiver__code", flat=True))
    assert {"TOR", "HAG", "SUN", "MUN", "AGERA", "LPO-NV", "LST-S"} <= receivers
