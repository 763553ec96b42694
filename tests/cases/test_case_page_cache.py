"""The case page's cached parts (sutohamu.fragments): served from the cache until a write service
bumps the case's version, never shared between people, and the read is logged every time.

Each write below is made inside `committed()` (tests/caching.py): its on-commit steps run as a
commit would run them, so the page that follows is served from the cache, and shows the change
only because the service bumped the version.
"""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import User
from cases.choices import CaseStatus, MeasureStatus, ReadKind
from cases.escalation import (
    escalation_acknowledge,
    escalation_answer,
    escalation_close,
    escalation_open,
    escalation_withdraw,
)
from cases.followup import CommitmentData, cadence_update, commitment_plan, contact_log
from cases.handover import _move_queue, _move_sent
from cases.models import Case, CaseRead, Consent, Note
from cases.retention import reduce
from cases.services import (
    SubjectData,
    case_reassign,
    case_transition,
    case_update,
    consent_save,
    measure_save,
    note_add,
    subject_add,
)
from councils.handover import HandoverContext
from sutohamu import fragments
from sutohamu.rendered import CSRF_PLACEHOLDER
from tests.accounts.factories import RoleAssignmentFactory, UserFactory
from tests.caching import committed
from tests.cases.factories import CaseFactory, MeasureFactory, SubjectFactory
from tests.demo_objects import org
from tests.reminders.conftest import followup_case, make_town

pytestmark = pytest.mark.django_db


def page_of(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


def shown(client, case: Case, **headers) -> str:
    response = client.get(page_of(case), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def worked(client, coordinator):
    """A case of the coordinator's municipality, its page already in the cache."""
    user, town = coordinator
    case = CaseFactory(municipality=town, owner=user, title="Klotter vid skolan")
    client.force_login(user)
    assert "Klotter vid skolan" in shown(client, case)
    return user, case


def test_the_parts_come_from_the_cache_until_a_service_bumps_the_case(client, worked):
    user, case = worked
    # Changed behind the services' back: no bump, so the cached parts still show the old title.
    Case.objects.filter(pk=case.pk).update(title="Ändrad utan tjänsten")
    assert "Klotter vid skolan" in shown(client, case)
    with committed():
        note_add(case=case, text="Samtal med rektorn", by=user)
    page = shown(client, case)
    assert "Ändrad utan tjänsten" in page
    assert "Samtal med rektorn" in page


def test_a_write_still_in_its_transaction_is_shown_but_not_cached(client, worked):
    user, case = worked
    note_add(case=case, text="Ännu inte bekräftad", by=user)  # its bump waits for the commit
    assert "Ännu inte bekräftad" in shown(client, case)
    Case.objects.filter(pk=case.pk).update(title="Senare ändring")
    assert "Senare ändring" in shown(client, case)  # nothing was cached meanwhile


def test_every_view_of_a_cached_page_is_in_the_read_log(client, worked):
    user, case = worked
    before = CaseRead.objects.filter(case=case, user=user, kind=ReadKind.PAGE).count()
    shown(client, case)
    shown(client, case)
    assert CaseRead.objects.filter(case=case, user=user, kind=ReadKind.PAGE).count() == before + 2


def test_a_warm_case_page_keeps_its_query_budget(client, worked, django_assert_max_num_queries):
    _user, case = worked
    for _ in range(3):
        MeasureFactory(case=case)
    # savepoint and release (the atomic request), session, user, roles, the case through the
    # door, the read-log insert, the bell's stored counts and its reachable count: the cached
    # parts (facts, status form, follow-up, escalations and proposals, pseudonyms, measures,
    # consents, notes, note form) read nothing (22 queries when cold).
    with django_assert_max_num_queries(9):
        shown(client, case)


def test_two_people_of_the_same_municipality_never_share_a_part(client, worked, coordinator):
    user, case = worked
    _, town = coordinator
    colleague = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=town).user
    Case.objects.filter(pk=case.pk).update(title="Ny titel i databasen")
    client.force_login(colleague)
    assert "Ny titel i databasen" in shown(client, case)  # her own entry, read now
    client.force_login(user)
    assert "Klotter vid skolan" in shown(client, case)  # his, from before


def test_a_receiver_never_gets_the_owners_cached_parts(client, worked):
    user, case = worked
    with committed():
        note_add(case=case, text="Intern anteckning om skolan", by=user)
    assert "Intern anteckning om skolan" in shown(client, case)
    outsider = RoleAssignmentFactory(role=Role.COORDINATOR).user  # another municipality
    client.force_login(outsider)
    assert client.get(page_of(case)).status_code == 404


def test_each_language_has_its_own_parts(client, worked):
    _user, case = worked
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    english = shown(client, case)
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "sv"})
    swedish = shown(client, case)
    assert "Persons concerned" in english and "Persons concerned" not in swedish


def test_a_person_whose_role_ended_gets_no_page_though_her_parts_are_cached(client, worked):
    user, case = worked
    user.roles.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(page_of(case)).status_code == 404


# One test per write service that changes a cached part: the change shows at once.


def test_a_note_shows(client, worked):
    user, case = worked
    with committed():
        note_add(case=case, text="Möte med fritidsgården", by=user)
    assert "Möte med fritidsgården" in shown(client, case)


def test_a_pseudonym_shows(client, worked):
    user, case = worked
    with committed():
        subject_add(case=case, data=SubjectData(pseudonym="Elev Q"), by=user)
    assert "Elev Q" in shown(client, case)


def test_a_new_and_a_changed_measure_show(client, worked):
    user, case = worked
    measure = MeasureFactory.build(case=case, description="Vuxenvandring på kvällen")
    with committed():
        measure_save(measure=measure, by=user)
    assert "Vuxenvandring på kvällen" in shown(client, case)
    measure.description = "Vuxenvandring på helgen"
    measure.status = MeasureStatus.ONGOING
    measure.actual_start = timezone.localdate()
    with committed():
        measure_save(measure=measure, by=user)
    assert "Vuxenvandring på helgen" in shown(client, case)


def test_a_consent_shows(client, worked):
    user, case = worked
    subject = SubjectFactory(case=case, pseudonym="Elev R")
    consent = Consent(
        case=case, subject=subject, scope="Får delas med skolan", given_on=timezone.localdate()
    )
    with committed():
        consent_save(consent=consent, organisations=[case.municipality], by=user)
    assert "Får delas med skolan" in shown(client, case)


def test_an_edited_problem_picture_shows(client, worked):
    user, case = worked
    with committed():
        case_update(case=case, by=user, version=case.version, title="Skadegörelse i parken")
    assert "Skadegörelse i parken" in shown(client, case)


def test_a_new_status_shows(client, worked):
    user, case = worked
    with committed():
        moved = case_transition(case=case, to=CaseStatus.ASSESSING, by=user, version=case.version)
    with translation.override("sv"):
        label = str(moved.get_status_display())
    assert f"<strong>{label}</strong>" in shown(client, case)


def test_a_new_owner_shows(client, worked, coordinator):
    user, case = worked
    _, town = coordinator
    other = UserFactory(first_name="Greta", last_name="Ny")
    RoleAssignmentFactory(user=other, role=Role.COORDINATOR, organisation=town)
    with committed():
        case_reassign(case=case, owner=other, by=user, reason="Semester")
    assert "Greta Ny" in shown(client, case)


def test_reduction_after_the_retention_period_shows(client, worked):
    _user, case = worked
    with committed():
        reduce(Case.objects.filter(pk=case.pk))
    assert "Klistermärken i korridoren" not in shown(client, case)


# The follow-up section.


@pytest.fixture
def following(client):
    town = make_town()
    case = followup_case(town, timezone.localdate() + datetime.timedelta(days=30))
    client.force_login(town.owner)
    shown(client, case)
    return town.owner, case


def test_a_planned_commitment_shows(client, following):
    user, case = following
    with committed():
        commitment_plan(case=case, by=user, data=CommitmentData(months=17))
    assert "17 månader" in shown(client, case)


def test_a_logged_contact_shows(client, following):
    user, case = following
    with committed():
        contact_log(
            case=case, by=user, on=timezone.localdate(), kind="meeting", who="Vårdnadshavare"
        )
    assert "Vårdnadshavare" in shown(client, case)


def test_a_changed_cadence_shows(client, following):
    user, case = following
    cadence = [{"every": 3, "unit": "weeks"}]
    with committed():
        cadence_update(case=case, by=user, cadence=cadence, reason="Tätare kontakt")
    assert "Tätare kontakt" in shown(client, case)  # the change to the plan, with its reason


# The timeline: one cached part under the case's version, so every write that adds or changes an
# entry must bump it (they all pass through `case_written`; hand-overs of escalations too).


def timeline_of(client, case: Case) -> str:
    response = client.get(reverse("cases:timeline", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_comes_from_the_cache_until_a_service_bumps_the_case(client, worked):
    user, case = worked
    timeline_of(client, case)
    Note.objects.create(case=case, author=user, text="Skriven utan tjänsten")  # no bump
    assert "Skriven utan tjänsten" not in timeline_of(client, case)
    with committed():
        note_add(case=case, text="Samtal med rektorn", by=user)
    page = timeline_of(client, case)
    assert "Skriven utan tjänsten" in page and "Samtal med rektorn" in page


def test_every_view_of_a_cached_timeline_is_in_the_read_log(client, worked):
    user, case = worked
    timeline_of(client, case)
    timeline_of(client, case)
    assert CaseRead.objects.filter(case=case, user=user, kind=ReadKind.TIMELINE).count() == 2


def test_a_new_status_a_measure_and_a_consent_show_in_the_timeline(client, worked):
    user, case = worked
    timeline_of(client, case)
    with committed():
        case_transition(case=case, to=CaseStatus.ASSESSING, by=user, version=case.version)
    with translation.override("sv"):
        label = str(CaseStatus(CaseStatus.ASSESSING).label)
    assert f"→ {label}" in timeline_of(client, case)
    measure = MeasureFactory.build(case=case)
    with committed():
        measure_save(measure=measure, by=user)
    with translation.override("sv"):
        added = f"{measure.get_kind_display()}: {measure.get_status_display()}"
    assert added in timeline_of(client, case)
    subject = SubjectFactory(case=case, pseudonym="Elev R")
    consent = Consent(case=case, subject=subject, scope="Skolan", given_on=timezone.localdate())
    before = timeline_of(client, case).count("<li>")
    with committed():
        consent_save(consent=consent, organisations=[case.municipality], by=user)
    assert timeline_of(client, case).count("<li>") > before


@pytest.fixture
def escalated(client, demo):
    """A Hagfors case escalated to Agera, its timeline in the cache."""
    user = User.objects.get(username="samordnare.hagfors")
    client.force_login(user)
    with committed():
        case = CaseFactory(municipality=org("HAG"), owner=user, status=CaseStatus.MEASURES)
        sent = escalation_open(
            case=case, receiver=org("AGERA"), by=user, reason="Råd", request="Förslag"
        )
    return user, case, sent


def test_each_step_of_an_escalation_shows_in_the_timeline(client, escalated):
    _user, case, sent = escalated
    receiver = html.escape(str(org("AGERA")))
    steps = timeline_of(client, case).count(receiver)
    assert steps >= 1
    agera = User.objects.get(username="agera")
    for step in (
        lambda: escalation_acknowledge(escalation=sent, by=agera),
        lambda: escalation_answer(escalation=sent, by=agera, text="Vi föreslår tillsyn"),
        lambda: escalation_close(escalation=sent, by=agera),
    ):
        with committed():
            step()
        now = timeline_of(client, case).count(receiver)
        assert now == steps + 1
        steps = now


def test_a_withdrawn_escalation_shows_in_the_timeline(client, escalated):
    user, case, sent = escalated
    receiver = html.escape(str(org("AGERA")))
    steps = timeline_of(client, case).count(receiver)
    with committed():
        escalation_withdraw(escalation=sent, by=user)
    assert timeline_of(client, case).count(receiver) == steps + 1


def test_handing_over_the_sent_escalation_and_the_queue_shows_in_the_timeline(client, escalated):
    user, case, sent = escalated
    agera = User.objects.get(username="agera")
    with committed():
        escalation_acknowledge(escalation=sent, by=agera)
    timeline_of(client, case)

    def handover(leaving: User, organisation, successor: User) -> HandoverContext:
        assignment = leaving.roles.get(organisation=organisation)
        return HandoverContext(assignment, leaving, successor, timezone.localdate())

    sender = UserFactory(first_name="Greta", last_name="Ny")
    RoleAssignmentFactory(user=sender, role=Role.COORDINATOR, organisation=org("HAG"))
    with committed():
        assert _move_sent(handover(user, org("HAG"), sender)) >= 1
    assert "Greta Ny" in timeline_of(client, case)
    handler = UserFactory(first_name="Hugo", last_name="Ny")
    with committed():
        assert _move_queue(handover(agera, org("AGERA"), handler)) >= 1
    assert "Hugo Ny" in timeline_of(client, case)


def test_an_escalation_its_answer_and_proposals_show_on_the_case_page(client, escalated):
    _user, case, sent = escalated
    page = shown(client, case)
    assert html.escape(str(org("AGERA"))) in page
    assert "Föreslagen tillsyn på rasten" not in page
    agera = User.objects.get(username="agera")
    with committed():
        escalation_answer(
            escalation=sent,
            by=agera,
            text="Vi föreslår tillsyn",
            proposals=[
                {
                    "kind": "other",
                    "description": "Föreslagen tillsyn på rasten",
                    "responsible": org("HAG"),
                }
            ],
        )
    page = shown(client, case)
    assert "Föreslagen tillsyn på rasten" in page
    assert reverse("cases:escalation", args=[sent.pk]) in page


def test_a_form_in_a_cached_part_carries_each_requests_own_token(worked):
    user, case = worked
    for _session in range(2):  # a second sign-in: a new session, whose token the part must carry
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        shown(browser, case)
        page = shown(browser, case)  # the note form from the cache
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token and CSRF_PLACEHOLDER not in page
        response = browser.post(
            reverse("cases:add_note", args=[case.reference]),
            {"text": "Samtal med mentor", "csrfmiddlewaretoken": token.group(1)},
        )
        assert response.status_code == 302
    assert Note.objects.filter(case=case, text="Samtal med mentor").count() == 2


def test_a_part_stored_by_another_release_is_not_served(client, worked, monkeypatch):
    _user, case = worked
    Case.objects.filter(pk=case.pk).update(title="Ändrad utan tjänsten")  # no bump
    assert "Klotter vid skolan" in shown(client, case)
    # Another release's templates: another digest in every key, so the part is made anew.
    monkeypatch.setattr(fragments, "templates_digest", lambda: "another-release")
    assert "Ändrad utan tjänsten" in shown(client, case)
