"""Escalations: queues per role, grants that follow the escalation, the police part, bad input,
query counts, hand-over, and the seed's whole NMR path through the views."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import RoleAssignment, User
from cases import escalation as service
from cases.choices import EscalationStatus as S
from cases.models import Case, CaseUserObjectPermission, Escalation, Measure, Note
from cases.timeline import timeline
from cases.views.escalations import QUEUE_PAGE_SIZE
from councils.services import find_orphans, handover_role
from tests.accounts.factories import RoleAssignmentFactory
from tests.cases.factories import CaseFactory, SubjectFactory
from tests.demo_objects import nmr_case, nmr_reference, org

pytestmark = pytest.mark.django_db


QUEUES = {
    "agera": {("HAG", "AGERA"), ("SUN", "AGERA")},
    "kommunpolis": {("TOR", "LPO-NV")},
    "lpo.chef": {("TOR", "LPO-NV")},
    "samordnare.torsby": {("SUN", "TOR")},
    "samordnare.hagfors": {("MUN", "HAG")},
    "samordnare.munkfors": {("TOR", "MUN")},
    "samordnare.sunne": {("HAG", "SUN")},
    "lansstyrelsen": {("SUN", "LST-S")},
}


@pytest.mark.parametrize("username", list(QUEUES))
def test_each_queue_holds_its_organisations_open_escalations(login, username):
    response = login(username).get(reverse("cases:queue"))
    assert response.status_code == 200
    shown = {
        (e.case.municipality.code, e.receiver.code)
        for e in Escalation.objects.select_related("case__municipality", "receiver")
        if reverse("cases:escalation", args=[e.pk]) + '"' in response.content.decode()
    }
    assert shown == QUEUES[username]


@pytest.mark.parametrize("username", ["rektor.sunne", "styrgrupp.sunne", "admin", "dso"])
def test_people_without_a_queue_are_refused(login, username):
    assert login(username).get(reverse("cases:queue")).status_code == 403


def test_closed_items_show_only_on_request(login):
    police_nmr = nmr_case().escalations.get(receiver__code="LPO-NV")
    link = reverse("cases:escalation", args=[police_nmr.pk]) + '"'
    client = login("kommunpolis")
    assert link not in client.get(reverse("cases:queue")).content.decode()
    assert link in client.get(reverse("cases:queue"), {"alla": "1"}).content.decode()


def test_the_grant_appears_and_disappears_with_the_escalation(login):
    owner = User.objects.get(username="samordnare.hagfors")
    case = CaseFactory(municipality=org("HAG"), owner=owner, title="Hotfulla meddelanden")
    shared, _private = (
        SubjectFactory(case=case, pseudonym="Elev X"),
        SubjectFactory(case=case, pseudonym="Elev Y"),
    )
    Note.objects.create(case=case, author=owner, text="Intern anteckning om läget.")
    url = reverse("cases:detail", args=[case.reference])
    assert login("agera").get(url).status_code == 404

    response = login("samordnare.hagfors").post(
        reverse("cases:escalate", args=[case.reference]),
        {
            "receiver": org("AGERA").pk,
            "reason": "Råd behövs",
            "request": "Förslag på insatser",
            f"subjects_{org('AGERA').pk}": [shared.pk],  # per receiver (issue 11, point 6)
        },
    )
    assert response.status_code == 302
    page = login("agera").get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hotfulla meddelanden" in body and "Elev X" in body
    assert "Elev Y" not in body and "Intern anteckning" not in body  # never more than shared
    assert login("agera").get(reverse("cases:timeline", args=[case.reference])).status_code == 404

    escalation = case.escalations.get()
    login("samordnare.hagfors").post(reverse("cases:escalation_withdraw", args=[escalation.pk]))
    assert login("agera").get(url).status_code == 404
    assert not CaseUserObjectPermission.objects.filter(content_object=case).exists()
    statuses = [h.status for h in escalation.history.order_by("history_date")]
    assert statuses[0] == S.NEW and statuses[-1] == S.WITHDRAWN  # the grant's story is kept


def test_agera_sees_nothing_of_cases_not_escalated_to_it(login):
    client = login("agera")
    escalated = set(
        Escalation.objects.open().filter(receiver__code="AGERA").values_list("case_id", flat=True)
    )
    for case in Case.objects.all():
        status = client.get(reverse("cases:detail", args=[case.reference])).status_code
        assert status == (200 if case.pk in escalated else 404), case.reference
    queue = client.get(reverse("cases:queue")).content.decode()
    for case in Case.objects.exclude(pk__in=escalated):
        assert case.reference not in queue


def test_police_record_the_security_service_with_date_and_person_only(login):
    item = Escalation.objects.open().get(receiver__code="LPO-NV")
    url = reverse("cases:escalation_sapo", args=[item.pk])
    assert login("lpo.chef").post(url, {"on": "2026-11-01"}).status_code == 403
    future = timezone.localdate() + datetime.timedelta(days=3)
    refused = login("kommunpolis").post(url, {"on": future.isoformat()})
    assert refused.status_code == 400 and "framtiden" in refused.content.decode()
    assert login("kommunpolis").post(url, {"on": "2026-11-01"}).status_code == 302
    item.refresh_from_db()
    assert item.security_service_informed_on == datetime.date(2026, 11, 1)
    assert item.security_service_informed_by.username == "kommunpolis"
    fields = {f.name for f in Escalation._meta.get_fields()}
    assert {f for f in fields if f.startswith("security_service")} == {
        "security_service_informed_on",
        "security_service_informed_by",
    }


def test_escalating_to_its_own_municipality_is_refused(login):
    case = nmr_case()
    count = Escalation.objects.count()
    # The form does not offer the case's own municipality; a forged post is refused.
    response = login("samordnare.sunne").post(
        reverse("cases:escalate", args=[case.reference]),
        {"receiver": org("SUN").pk, "reason": "x", "request": "y"},
    )
    assert response.status_code == 400
    assert Escalation.objects.count() == count
    # The service refuses it with its own code and words, whatever the form offers.
    with pytest.raises(ValidationError) as excinfo:
        service.escalation_open(
            case=case,
            receiver=org("SUN"),
            by=User.objects.get(username="samordnare.sunne"),
            reason="x",
            request="y",
        )
    assert excinfo.value.error_dict["receiver"][0].code == "to_itself"
    with translation.override("sv"):
        assert "kan inte eskaleras till sin egen kommun" in str(
            excinfo.value.error_dict["receiver"][0].messages[0]
        )
    assert Escalation.objects.count() == count


def test_escalating_twice_to_the_same_receiver_while_open_is_refused(login):
    case = nmr_case()
    count = case.escalations.count()
    response = login("samordnare.sunne").post(
        reverse("cases:escalate", args=[case.reference]),
        {"receiver": org("AGERA").pk, "reason": "Igen", "request": "Mer"},
    )
    assert response.status_code == 400
    assert "Det finns redan en öppen eskalering av ärendet till Agera Värmland" in (
        response.content.decode()
    )
    assert case.escalations.count() == count


def test_answering_a_closed_escalation_is_refused(login):
    closed = nmr_case().escalations.get(receiver__code="LPO-NV")
    response = login("kommunpolis").post(
        reverse("cases:escalation_answer", args=[closed.pk]),
        {"answer": "Sent svar", "proposals-TOTAL_FORMS": 0, "proposals-INITIAL_FORMS": 0},
    )
    assert response.status_code == 409
    assert "Eskaleringen är avslutad och kan inte ändras på det sättet." in (
        response.content.decode()
    )
    closed.refresh_from_db()
    assert closed.answer != "Sent svar"


def test_acknowledging_outside_ones_queue_is_refused(login):
    item = Escalation.objects.get(receiver__code="AGERA", status=S.NEW)
    url = reverse("cases:escalation_acknowledge", args=[item.pk])
    assert login("samordnare.torsby").post(url).status_code == 404  # cannot see it at all
    assert login("samordnare.hagfors").post(url).status_code == 403  # the sender, not receiver
    item.refresh_from_db()
    assert item.status == S.NEW


def agera_queue(statuses: list[S]) -> RoleAssignment:
    """An Agera receiver with one escalation in each of `statuses`, each on a case of its own
    from one coordinator's municipality; the receiver's role assignment."""
    role = RoleAssignmentFactory(role=Role.AGERA)
    sender = RoleAssignmentFactory(role=Role.COORDINATOR).organisation
    user = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=sender).user
    cases = CaseFactory.create_batch(len(statuses), municipality=sender)
    Escalation.objects.bulk_create(
        Escalation(
            case=case,
            receiver=role.organisation,
            kind="agera",
            reason="r",
            request="q",
            created_by=user,
            status=status,
        )
        for case, status in zip(cases, statuses, strict=True)
    )
    return role


@pytest.mark.parametrize("rows", [5, 80])
def test_queue_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    role = agera_queue([S.NEW] * rows)
    client.force_login(role.user)
    # 8 for every signed-in request, the counts over the whole queue (the page's total too),
    # then one page of the queue with cases, receivers and handlers.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("cases:queue"))
    body = response.content.decode()
    assert body.count("/arenden/eskalering/") == min(rows, QUEUE_PAGE_SIZE)
    assert f"Nya: {rows}." in body  # counted over the whole queue, not over one page
    if rows > QUEUE_PAGE_SIZE:
        rest = client.get(reverse("cases:queue"), {"sida": 2}).content.decode()
        assert rest.count("/arenden/eskalering/") == rows - QUEUE_PAGE_SIZE
        assert "Sida 2 av 2" in rest


def test_the_queue_pages_its_open_escalations_and_with_alla_every_one(client):
    statuses = [S.NEW] * 30 + [S.ACKNOWLEDGED] * 20 + [S.ANSWERED] * 5 + [S.CLOSED] * 12
    role = agera_queue(statuses)
    client.force_login(role.user)
    url = reverse("cases:queue")
    last = client.get(url, {"sida": 2}).content.decode()
    assert last.count("/arenden/eskalering/") == 55 - QUEUE_PAGE_SIZE
    assert "Sida 2 av 2" in last
    every = client.get(url, {"alla": 1, "sida": 2}).content.decode()
    assert every.count("/arenden/eskalering/") == len(statuses) - QUEUE_PAGE_SIZE
    assert "Sida 2 av 2" in every
    assert client.get(url, {"sida": 3}).content.decode().count("/arenden/eskalering/") == 5


def test_a_receivers_queue_and_grants_follow_the_successor(login):
    old = RoleAssignment.objects.get(user__username="agera")
    successor = RoleAssignmentFactory(role=Role.AGERA, organisation=old.organisation).user
    item = Escalation.objects.get(receiver__code="AGERA", case=nmr_case())
    assert item.handler == old.user
    handover_role(assignment=old, successor=successor, by=User.objects.get(username="admin"))
    item.refresh_from_db()
    assert item.handler == successor
    grants = set(
        CaseUserObjectPermission.objects.filter(content_object=item.case).values_list(
            "user__username", flat=True
        )
    )
    assert successor.username in grants and "agera" not in grants
    assert all(not group.rows for group in find_orphans())


def test_the_seeds_nmr_path_through_the_views(login):
    """Steps 2-8 of the reference workflow, each through the page a person would use."""
    sunne, torsby = org("SUN"), org("TOR")
    rektor = login("rektor.sunne")
    rektor.post(
        reverse("cases:report"),
        {
            "municipality": sunne.pk,
            "areas": ["vbe"],
            "setting": "school",
            "title": "Propaganda från en våldsbejakande rörelse",
            "description": "Tre unga män misstänks; en bor i grannkommunen.",
            "subjects-TOTAL_FORMS": 2,
            "subjects-INITIAL_FORMS": 0,
            "subjects-0-pseudonym": "Elev A",
            "subjects-1-pseudonym": "Elev C",
            "subjects-1-residence": torsby.pk,
        },
    )
    case = Case.objects.get(title="Propaganda från en våldsbejakande rörelse")
    assert case.owner.username == "samordnare.sunne"  # per the action plan (VBE)
    owner = login("samordnare.sunne")
    owner.post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "assessing", "version": case.version},
    )
    elev_c = case.subjects.get(pseudonym="Elev C")

    def escalate(receiver, subjects=(), **extra):
        response = login("samordnare.sunne").post(
            reverse("cases:escalate", args=[case.reference]),
            {
                "receiver": receiver.pk,
                "reason": "Skäl",
                "request": "Begäran",
                f"subjects_{receiver.pk}": list(subjects),  # per receiver (issue 11, point 6)
                **extra,
            },
        )
        assert response.status_code == 302
        return case.escalations.get(receiver=receiver, status__in=["new"])

    # 3. The neighbouring municipality, taken up at the working group.
    to_torsby = escalate(torsby, subjects=[elev_c.pk], take_up_at_working_group="on")
    assert list(Escalation.objects.for_working_group()).count(to_torsby) == 1
    torsby_client = login("samordnare.torsby")
    torsby_client.post(reverse("cases:escalation_acknowledge", args=[to_torsby.pk]))
    torsby_client.post(
        reverse("cases:add_note", args=[case.reference]),
        {"text": "Torsby har informerat elevhälsan."},
    )
    torsby_client.post(
        reverse("cases:measure_create", args=[case.reference]),
        {"kind": "concern_conversation", "responsible": torsby.pk, "status": "planned"},
    )
    assert Measure.objects.filter(case=case, responsible=torsby).exists()
    assert Note.objects.filter(case=case, author__username="samordnare.torsby").exists()

    # 4-6. Agera proposes measures; the owner accepts one with one action.
    to_agera = escalate(org("AGERA"), subjects=[s.pk for s in case.subjects.all()])
    answered = login("agera").post(
        reverse("cases:escalation_answer", args=[to_agera.pk]),
        {
            "answer": "Utbildning och handledning rekommenderas.",
            "proposals-TOTAL_FORMS": 2,
            "proposals-INITIAL_FORMS": 0,
            "proposals-0-kind": "staff_training",
            "proposals-0-responsible": org("AGERA").pk,
            "proposals-1-kind": "case_supervision",
            "proposals-1-responsible": org("AGERA").pk,
        },
    )
    assert answered.status_code == 302
    proposal = to_agera.proposed_measures.get(kind="staff_training")
    owner = login("samordnare.sunne")
    assert owner.post(reverse("cases:proposal_accept", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.accepted_as.case == case and proposal.accepted_as.kind == "staff_training"
    again = owner.post(reverse("cases:proposal_accept", args=[proposal.pk]))
    assert again.status_code == 400
    # Leaving assessment plans the long-term commitment first (the follow-up issue).
    moved = owner.post(
        reverse("cases:transition", args=[case.reference]),
        {"to": "measures", "version": Case.objects.get(pk=case.pk).version},
    )
    assert moved.status_code == 302
    owner.post(
        reverse("cases:commitment", args=[case.reference]),
        {
            "months": 12,
            "team_roles": "elevhälsa, mentor",
            "to": "measures",
            "version": Case.objects.get(pk=case.pk).version,
        },
    )

    # 7-8. The police through the kommunpolis: Säpo informed, then closed as less serious.
    to_police = escalate(org("LPO-NV"))
    police = login("kommunpolis")
    assert police.get(reverse("cases:detail", args=[case.reference])).status_code == 200
    police.post(reverse("cases:escalation_acknowledge", args=[to_police.pk]))
    police.post(
        reverse("cases:escalation_sapo", args=[to_police.pk]),
        {"on": timezone.localdate().isoformat()},
    )
    police.post(
        reverse("cases:escalation_close", args=[to_police.pk]),
        {"note": "Mindre allvarligt än befarat."},
    )
    to_police.refresh_from_db()
    assert to_police.status == S.CLOSED and to_police.security_service_informed_on
    assert police.get(reverse("cases:detail", args=[case.reference])).status_code == 404

    # The owner sees every escalation and its state; the timeline tells the story.
    page = login("samordnare.sunne").get(reverse("cases:detail", args=[case.reference]))
    body = page.content.decode()
    for receiver in ["Torsby kommun", "Agera Värmland", "Lokalpolisområde Norra Värmland"]:
        assert receiver in body
    texts = [e.text for e in timeline(Case.objects.get(pk=case.pk))]
    assert "Säkerhetspolisen har informerats" in texts
    assert "Eskalering till Lokalpolisområde Norra Värmland avslutad" in texts
    assert Case.objects.get(pk=case.pk).status == "measures"  # local work goes on


def test_the_owner_sees_waiting_escalations_on_the_desk(login):
    body = login("samordnare.hagfors").get(reverse("cases:desk")).content.decode()
    assert "Eskaleringar som väntar på svar" in body
    assert "Agera Värmland</a>: ny, väntat" in body  # the receiver links the escalation


def test_the_start_page_counts_the_queue(login):
    body = login("agera").get(reverse("home")).content.decode()
    assert "1 öppen eskalering" in body or "2 öppna eskaleringar" in body
    assert reverse("cases:queue") in body


def test_someone_who_joins_the_receiver_later_reaches_the_case_at_once(login):
    item = Escalation.objects.get(receiver__code="AGERA", case=nmr_case())
    newcomer = RoleAssignmentFactory(role=Role.AGERA, organisation=org("AGERA")).user
    client = login(None)
    client.force_login(newcomer)
    case_url = reverse("cases:detail", args=[item.case.reference])
    assert client.get(case_url).status_code == 200  # no visit to the queue needed
    assert client.get(reverse("cases:escalation", args=[item.pk])).status_code == 200


def test_a_role_that_starts_later_opens_the_case_on_its_first_day(login):
    item = Escalation.objects.get(receiver__code="AGERA", case=nmr_case())
    start = timezone.localdate() + datetime.timedelta(days=3)
    newcomer = RoleAssignmentFactory(
        role=Role.AGERA, organisation=org("AGERA"), start_date=start
    ).user
    client = login(None)
    client.force_login(newcomer)
    case_url = reverse("cases:detail", args=[item.case.reference])
    assert client.get(case_url).status_code == 404
    with time_machine.travel(start + datetime.timedelta(hours=12)):
        client.force_login(newcomer)
        assert client.get(case_url).status_code == 200


def test_the_queue_header_shows_zero_for_an_empty_status(login):
    """Hagfors's queue holds one new escalation, nothing acknowledged or answered."""
    page = login("samordnare.sunne").get(reverse("cases:queue")).content.decode()
    assert "Kvitterade: 0. Besvarade: 0." in page


def test_open_proposals_are_accepted_from_the_case_page(login):
    case = CaseFactory(
        municipality=org("HAG"), owner=User.objects.get(username="samordnare.hagfors")
    )
    agera = User.objects.get(username="agera")
    item = service.escalation_open(
        case=case, receiver=org("AGERA"), by=case.owner, reason="r", request="q"
    )
    service.escalation_answer(
        escalation=item,
        by=agera,
        text="Vi föreslår handledning.",
        proposals=[
            {"kind": "supervision", "description": "", "responsible": org("AGERA")},
            {"kind": "staff_training", "description": "", "responsible": org("AGERA")},
        ],
    )
    first, second = item.proposed_measures.order_by("pk")
    client = login("samordnare.hagfors")
    url = reverse("cases:detail", args=[case.reference])
    page = client.get(url).content.decode()
    assert page.count("Godta i ärendet") == 2
    assert f'action="{reverse("cases:proposal_accept", args=[first.pk])}"' in page
    done = client.post(
        reverse("cases:proposal_accept", args=[first.pk]),
        {"back": "case", f"accept-{first.pk}-planned_start": "2027-01-10"},
    )
    assert done.status_code == 302 and done["Location"] == url
    assert Measure.objects.get(case=case).kind == "supervision"
    page = client.get(url).content.decode()
    assert page.count("Godta i ärendet") == 1  # only the open proposal is offered
    assert f'action="{reverse("cases:proposal_accept", args=[second.pk])}"' in page


def test_the_escalation_form_shows_every_pseudonym_box_without_a_script(login):
    """The script hides a receiver's pseudonyms until it is ticked; the page itself hides none."""
    page = login("samordnare.sunne").get(reverse("cases:escalate", args=[nmr_reference()]))
    html = page.content.decode()
    assert 'src="/static/js/receivers.js"' in html
    assert html.count('class="receiver-row"') >= 3 and " hidden" not in html
