"""The desk's cached parts (sutohamu.fragments): the panels and the case table are served from
the cache until a write service bumps the desk of the case's municipality (`case_written`), or
every desk (a rebuild of the read model, a reduction); the escalations' panel, which words the
time waited, is kept for the minute.

Each write below is made inside `committed()` (tests/caching.py): its on-commit steps run as a
commit would run them, so the desk that follows is served from the cache, and shows the change
only because the service bumped the version. One test per write service that changes what the
desk shows.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import User
from cases import escalation as escalations
from cases import followup, services
from cases.choices import CaseStatus, MeasureKind
from cases.desk_rows import desk_rebuild
from cases.models import Case, Consent, DeskItem, DeskKind, Measure, ProposedMeasure
from cases.retention import reduce
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.caching import committed
from tests.cases.test_desk_read_model import hagfors, in_measures, moved
from tests.demo_objects import org

pytestmark = pytest.mark.django_db


TITLE = "Klotter vid skolan"


def desk(client, query: str = "") -> str:
    response = client.get(reverse("cases:desk") + query)
    assert response.status_code == 200
    return response.content.decode()


def measure_link(case: Case, measure: Measure) -> str:
    return reverse("cases:measure_edit", args=[case.reference, measure.pk])


@pytest.fixture
def seen(client, demo):
    """A case of Hagfors owned by its coordinator, who has her desk in the cache."""
    user = hagfors()
    client.force_login(user)
    with committed():
        case = services.case_report(
            by=user,
            municipality=org("HAG"),
            areas=["vbe"],
            setting="school",
            title=TITLE,
            description="Symboler på väggen.",
        )
        if case.owner_id != user.pk:
            case = services.case_reassign(case=case, owner=user, by=user, reason="Min")
    assert TITLE in desk(client)
    return user, case


def test_the_parts_come_from_the_cache_until_a_service_bumps_the_municipalitys_desk(client, seen):
    user, case = seen
    Case.objects.filter(pk=case.pk).update(title="Ändrad utan tjänsten")  # no bump
    assert TITLE in desk(client)
    with committed():
        services.note_add(case=case, text="Samtal med rektorn", by=user)
    assert "Ändrad utan tjänsten" in desk(client)


def test_a_write_in_another_municipality_leaves_the_desk_cached(client, seen):
    _user, case = seen
    Case.objects.filter(pk=case.pk).update(title="Ändrad utan tjänsten")
    sunne = User.objects.get(username="samordnare.sunne")
    other = Case.objects.filter(municipality=org("SUN")).first()
    with committed():
        services.note_add(case=other, text="Samtal i Sunne", by=sunne)
    assert TITLE in desk(client)


def test_each_filter_and_page_of_the_case_table_has_its_own_part(client, seen):
    assert TITLE in desk(client, "?status=reported")  # the table alone shows titles
    assert TITLE not in desk(client, "?status=closed")


def test_a_reported_case_shows(client, seen):
    user, _case = seen
    with committed():
        case = services.case_report(
            by=user,
            municipality=org("HAG"),
            areas=["vbe"],
            setting="school",
            title="Ny anmälan om hot",
            description="Hot i korridoren.",
        )
    page = desk(client)
    assert "Ny anmälan om hot" in page and case.reference in page


def test_a_new_status_shows(client, seen):
    _user, case = seen
    with committed():
        moved(case, CaseStatus.ASSESSING)
    with translation.override("sv"):
        label = str(CaseStatus(CaseStatus.ASSESSING).label)
    assert f"<td>{label}</td>" in desk(client)


def test_an_edited_title_shows(client, seen):
    user, case = seen
    with committed():
        services.case_update(
            case=case, by=user, version=case.version, title="Skadegörelse i parken"
        )
    assert "Skadegörelse i parken" in desk(client)


def test_a_new_owner_shows(client, seen):
    user, case = seen
    other = UserFactory(first_name="Greta", last_name="Ny")
    RoleAssignmentFactory(user=other, role=Role.COORDINATOR, organisation=org("HAG"))
    with committed():
        services.case_reassign(case=case, owner=other, by=user, reason="Semester")
    page = desk(client)
    assert "<td>Greta Ny</td>" in page  # the table's cell
    assert f'<option value="{other.pk}">Greta Ny</option>' in page  # the owner filter's


def test_the_filter_form_is_kept_per_query(client, seen):
    user, _case = seen
    assert f'<option value="{user.pk}" selected>' in desk(client, f"?owner={user.pk}")
    assert f'<option value="{user.pk}" selected>' not in desk(client)
    assert "?status=closed" in desk(client, "?status=closed")  # the export link's query
    refused = client.get(reverse("cases:desk") + "?status=nonsense")
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()
    assert "errorlist" not in desk(client, "?status=closed")


def test_a_measure_without_dates_shows_until_it_is_scheduled(client, seen):
    user, case = seen
    with committed():
        case = in_measures(case)
        made = services.measure_save(
            measure=Measure(case=case, kind=MeasureKind.STAFF_TRAINING, responsible=org("HAG")),
            by=user,
        )
    assert measure_link(case, made) in desk(client)
    made.planned_start, made.planned_end = (
        timezone.localdate(),
        timezone.localdate() + datetime.timedelta(days=40),
    )
    with committed():
        services.measure_save(measure=made, by=user)
    assert measure_link(case, made) not in desk(client)


def test_an_accepted_proposal_shows_as_not_scheduled(client, seen):
    user, case = seen
    with committed():
        case = in_measures(case)
        sent = escalations.escalation_open(
            case=case, receiver=org("AGERA"), by=user, reason="Råd", request="Förslag"
        )
        proposal = ProposedMeasure.objects.create(
            escalation=sent, kind=MeasureKind.SUPERVISION, responsible=org("HAG")
        )
    desk(client)
    with committed():
        accepted = escalations.proposal_accept(proposal=proposal, by=user)
    assert measure_link(case, accepted) in desk(client)


def test_an_expiring_consent_and_its_pseudonym_show(client, seen):
    user, case = seen
    with committed():
        subject = services.subject_add(
            case=case, data=services.SubjectData(pseudonym="Elev R"), by=user
        )
    desk(client)
    consent = Consent(
        case=case,
        subject=subject,
        scope="Får delas med skolan",
        given_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    with committed():
        services.consent_save(consent=consent, organisations=[case.municipality], by=user)
    assert "Elev R" in desk(client)


def test_follow_up_its_cadence_and_a_logged_contact_show(client, seen):
    user, case = seen
    with committed():
        case = moved(in_measures(case), CaseStatus.FOLLOW_UP)
    first = followup.FollowUpPlan.objects.get(case=case).next_contact_on
    assert first.isoformat() in desk(client)
    with committed():
        followup.cadence_update(
            case=case,
            by=user,
            cadence=[{"every": 1, "unit": "weeks", "months": None}],
            reason="Tätare",
        )
        followup.contact_log(
            case=case, by=user, on=timezone.localdate(), kind="meeting", who="Mentor"
        )
    following = followup.FollowUpPlan.objects.get(case=case).next_contact_on
    assert following != first
    page = desk(client)
    assert following.isoformat() in page and first.isoformat() not in page


def test_a_rebuild_of_the_read_model_shows(client, seen):
    _user, case = seen
    Case.objects.filter(pk=case.pk).update(title="Ändrad i bulk")
    with committed():
        desk_rebuild()
    assert "Ändrad i bulk" in desk(client)


def test_a_reduction_after_the_retention_period_shows(client, seen):
    _user, case = seen
    with committed():
        reduce(Case.objects.filter(pk=case.pk))
    assert TITLE not in desk(client)


def test_the_escalations_panel_is_kept_for_the_minute_it_words(client, seen):
    user, case = seen
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with committed():
            case = in_measures(case)
            escalations.escalation_open(
                case=case, receiver=org("AGERA"), by=user, reason="Råd", request="Förslag"
            )
        waiting = reverse("cases:escalation", args=[case.escalations.get().pk])
        assert waiting in desk(client)
        DeskItem.objects.filter(case=case, kind=DeskKind.ESCALATION).delete()  # no bump
        assert waiting in desk(client)  # the same minute: the panel from the cache
        clock.shift(datetime.timedelta(minutes=1))
        assert waiting not in desk(client)  # the next minute: read anew


def test_a_warm_desk_keeps_its_query_budget(client, seen, django_assert_max_num_queries):
    desk(client)
    # savepoint and release (the atomic request), session, user, roles, the bell's stored
    # counts and its reachable count: the panels, the filter form, the escalations' panel and
    # the case table read nothing (16 queries when cold).
    with django_assert_max_num_queries(7):
        desk(client)
