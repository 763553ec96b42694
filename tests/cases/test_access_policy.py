"""The access policy: shared access computed from live facts, one door, hand-over of cases,
append-only logs, receivers that exist."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.capabilities import forget_roles
from accounts.choices import Role
from accounts.models import RoleAssignment, User
from cases import escalation as service
from cases.choices import CaseStatus, EscalationStatus
from cases.models import Case, CaseRead, Escalation, Transition
from cases.services import case_reassign
from councils.services import find_orphans, handover_role
from tests.accounts.factories import RoleAssignmentFactory
from tests.demo_objects import nmr_case, org

pytestmark = pytest.mark.django_db


def _content_absent(body: str, case: Case) -> None:
    assert case.title not in body
    assert case.description[:40] not in body
    for subject in case.subjects.all():
        assert subject.pseudonym not in body


# The escalation page after it closes: the receiver sees its own part, never the case.


def test_a_closed_escalation_shows_the_receiver_only_its_own_part(login):
    case = nmr_case()
    police = Escalation.objects.get(case=case, receiver__code="LPO-NV")
    assert police.status == EscalationStatus.CLOSED
    reads = CaseRead.objects.count()
    response = login("kommunpolis").get(reverse("cases:escalation", args=[police.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    _content_absent(body, case)
    assert police.reason not in body and police.request not in body
    assert police.answer in body  # its own answer stays readable
    assert CaseRead.objects.count() == reads  # no case content, so no read
    assert (
        login("kommunpolis").get(reverse("cases:detail", args=[case.reference])).status_code == 404
    )


def test_a_withdrawn_escalation_shows_the_receiver_only_its_own_part(login):
    case = nmr_case()
    torsby = Escalation.objects.get(case=case, receiver__code="TOR")
    url = reverse("cases:escalation", args=[torsby.pk])
    assert case.title in login("samordnare.torsby").get(url).content.decode()
    response = login("samordnare.sunne").post(
        reverse("cases:escalation_withdraw", args=[torsby.pk])
    )
    assert response.status_code == 302
    response = login("samordnare.torsby").get(url)
    assert response.status_code == 200
    _content_absent(response.content.decode(), case)
    case_url = reverse("cases:detail", args=[case.reference])
    assert login("samordnare.torsby").get(case_url).status_code == 404


def test_the_queue_shows_no_title_of_a_closed_escalation(login):
    case = nmr_case()
    body = login("kommunpolis").get(reverse("cases:queue") + "?alla=1").content.decode()
    assert case.reference in body  # the item is listed ...
    assert case.title not in body  # ... but what it was about is no longer shared


# Access ends with the role, the same day, without any event.


def test_a_reviewing_role_ending_by_date_ends_access_while_another_role_remains(login):
    case = nmr_case()
    agera = User.objects.get(username="agera")
    item = Escalation.objects.get(case=case, receiver__code="AGERA")
    urls = [
        reverse("cases:detail", args=[case.reference]),
        reverse("cases:escalation", args=[item.pk]),
        reverse("cases:measure_create", args=[case.reference]),
    ]
    for url in urls:
        assert login("agera").get(url).status_code == 200
    # She also sits in Sunne's steering group, a role that does not review escalations.
    RoleAssignmentFactory(user=agera, role=Role.STEERING_GROUP, organisation=org("SUN"))
    # The Agera role ended yesterday: written straight to the row, as a date passing would.
    RoleAssignment.objects.filter(user=agera, role=Role.AGERA).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    forget_roles(agera)
    for url in urls:
        assert login("agera").get(url).status_code == 404, url


# The administrator never reaches case content, even by giving herself a role.


def test_the_administrator_cannot_give_herself_a_case_role_in_the_admin(login):
    admin = User.objects.get(username="admin")
    count = RoleAssignment.objects.count()
    response = login("admin").post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": admin.pk,
            "role": Role.COORDINATOR,
            "organisation": org("SUN").pk,
            "start_date": timezone.localdate().isoformat(),
            "end_date": "",
        },
    )
    assert response.status_code == 400
    assert RoleAssignment.objects.count() == count
    assert (
        login("admin").get(reverse("cases:detail", args=[nmr_case().reference])).status_code == 404
    )


def test_the_administrator_cannot_give_a_colleague_admin_a_case_role_either(login):
    colleague = RoleAssignmentFactory(role=Role.ADMINISTRATOR).user
    count = RoleAssignment.objects.count()
    response = login("admin").post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": colleague.pk,
            "role": Role.COORDINATOR,
            "organisation": org("SUN").pk,
            "start_date": timezone.localdate().isoformat(),
            "end_date": "",
        },
    )
    assert response.status_code == 400
    assert RoleAssignment.objects.count() == count


def test_nobody_changes_their_own_roles_in_the_admin(login):
    admin = User.objects.get(username="admin")
    own = RoleAssignment.objects.get(user=admin)
    url = reverse("admin:accounts_roleassignment_change", args=[own.pk])
    response = login("admin").post(
        url,
        {
            "user": admin.pk,
            "role": Role.ADMINISTRATOR,
            "organisation": own.organisation_id,
            "start_date": own.start_date.isoformat(),
            "end_date": "",
        },
    )
    assert response.status_code in (400, 403)
    own.refresh_from_db()
    assert own.end_date is None


def test_granting_a_case_role_is_shown_to_the_data_protection_officer(login):
    newcomer = RoleAssignmentFactory(role=Role.COORDINATOR, organisation=org("TOR")).user
    body = login("dso").get(reverse("role_grants")).content.decode()
    assert newcomer.username in body
    assert login("admin").get(reverse("role_grants")).status_code == 403
    assert login("samordnare.sunne").get(reverse("role_grants")).status_code == 403


# Hand-over moves the cases; the orphans page finds what was left.


def test_hand_over_of_a_coordinator_moves_every_open_case(login):
    old = RoleAssignment.objects.get(user__username="samordnare.sunne", role=Role.COORDINATOR)
    owned = list(Case.objects.open().filter(owner=old.user, municipality=old.organisation))
    assert nmr_case() in owned
    successor = User.objects.get(username="samordnare2.sunne")
    handover_role(assignment=old, successor=successor, by=User.objects.get(username="admin"))
    for case in owned:
        case.refresh_from_db()
        assert case.owner == successor
    assert not Case.objects.open().filter(owner=old.user).exists()
    reason = nmr_case().history.first().history_change_reason
    assert "samordnare" in reason.lower() or str(successor) in reason
    groups = {g.key: g for g in find_orphans()}
    assert "cases" in groups and not groups["cases"].rows
    sent = Escalation.objects.open().filter(case__municipality=old.organisation)
    assert not sent.filter(created_by=old.user).exists()


def test_a_case_left_with_an_owner_without_the_role_is_an_orphan(login):
    case = nmr_case()
    RoleAssignment.objects.filter(user=case.owner, role=Role.COORDINATOR).update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    groups = {g.key: g for g in find_orphans()}
    assert case in list(groups["cases"].rows)
    body = login("admin").get(reverse("councils:orphans")).content.decode()
    assert case.reference in body
    assert case.title not in body  # the administrator sees the reference, never the content


def test_a_coordinator_reassigns_a_case_with_a_reason(login):
    case = nmr_case()
    successor = User.objects.get(username="samordnare2.sunne")
    url = reverse("cases:reassign", args=[case.reference])
    assert login("samordnare.sunne").get(url).status_code == 200
    response = login("samordnare.sunne").post(url, {"owner": successor.pk, "reason": ""})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.owner.username == "samordnare.sunne"
    response = login("samordnare.sunne").post(
        url, {"owner": successor.pk, "reason": "Föräldraledighet"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == successor
    assert case.history.first().history_change_reason == "Föräldraledighet"
    assert login("samordnare.torsby").get(url).status_code == 404


def test_the_new_owner_must_be_a_coordinator_of_the_municipality(demo):
    case = nmr_case()
    by = User.objects.get(username="samordnare.sunne")
    for username in ("samordnare.torsby", "rektor.sunne"):
        with pytest.raises(ValidationError) as excinfo:
            case_reassign(case=case, owner=User.objects.get(username=username), by=by, reason="x")
        assert excinfo.value.error_dict["owner"][0].code == "not_a_coordinator"


# The logs are append-only in the database itself.


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE cases_caseread SET kind = 'page'",
        "DELETE FROM cases_caseread",
        "UPDATE cases_transition SET reason = 'x'",
        "DELETE FROM cases_transition",
    ],
)
def test_raw_sql_cannot_change_the_logs(login, sql):
    login("samordnare.sunne").get(reverse("cases:detail", args=[nmr_case().reference]))
    assert CaseRead.objects.exists() and Transition.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_queryset_update_and_delete_cannot_change_the_read_log(login):
    login("samordnare.sunne").get(reverse("cases:detail", args=[nmr_case().reference]))
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseRead.objects.update(kind="pdf")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseRead.objects.all().delete()
    assert CaseRead.objects.exists()


# Receivers that exist.


def test_an_organisation_without_a_receiver_cannot_be_escalated_to(login):
    case = nmr_case()
    count = Escalation.objects.count()
    by = case.owner
    with pytest.raises(ValidationError) as excinfo:
        service.escalation_open(case=case, receiver=org("CVE"), by=by, reason="r", request="q")
    assert excinfo.value.error_dict["receiver"][0].code == "no_receiver"
    form = login("samordnare.sunne").get(reverse("cases:escalate", args=[case.reference]))
    assert "Center mot våldsbejakande extremism" not in form.content.decode()
    # A contact person joins as data; then CVE is offered and receives it.
    contact = RoleAssignmentFactory(role=Role.CONTACT_PERSON, organisation=org("CVE")).user
    form = login("samordnare.sunne").get(reverse("cases:escalate", args=[case.reference]))
    assert "Center mot våldsbejakande extremism" in form.content.decode()
    item = service.escalation_open(case=case, receiver=org("CVE"), by=by, reason="r", request="q")
    assert Escalation.objects.count() == count + 1
    client = login(None)
    client.force_login(contact)
    assert client.get(reverse("cases:queue")).content.decode().count(f"/eskalering/{item.pk}/")
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200


def test_the_security_service_is_never_escalated_to_directly(login):
    case = nmr_case()
    with pytest.raises(ValidationError) as excinfo:
        service.escalation_open(
            case=case, receiver=org("SAPO"), by=case.owner, reason="r", request="q"
        )
    error = excinfo.value.error_dict["receiver"][0]
    assert error.code == "security_service_via_police"
    with translation.override("sv"):
        assert "Säkerhetspolisen" in str(error.messages[0])
    form = login("samordnare.sunne").get(reverse("cases:escalate", args=[case.reference]))
    assert "Säkerhetspolisen" not in form.content.decode()
    with pytest.raises(ValidationError):
        RoleAssignment(
            user=User.objects.get(username="kommunpolis"),
            role=Role.CONTACT_PERSON,
            organisation=org("SAPO"),
        ).full_clean()


def test_a_case_in_another_status_still_follows_the_same_door(login):
    """A closed case stays visible to its municipality and to nobody it was shared with."""
    case = Case.objects.filter(status=CaseStatus.CLOSED, municipality__code="SUN").first()
    assert case is not None
    assert (
        login("samordnare.sunne").get(reverse("cases:detail", args=[case.reference])).status_code
        == 200
    )
    assert login("agera").get(reverse("cases:detail", args=[case.reference])).status_code == 404


# The door's helpers hold their rule themselves, whatever the view in front of them checks.


def test_the_read_log_opens_only_for_the_data_protection_officer(demo):
    from django.core.exceptions import PermissionDenied

    from cases.access import read_log_for

    assert read_log_for(User.objects.get(username="dso")).model is CaseRead
    for username in ("admin", "samordnare.sunne"):
        with pytest.raises(PermissionDenied):
            read_log_for(User.objects.get(username=username))


def test_a_receiver_reaches_no_consent_through_the_door(demo):
    from django.core.exceptions import PermissionDenied

    from cases.access import case_for, consent_for

    case = nmr_case()
    consent = case.consents.first()
    assert consent is not None
    owner = case_for(User.objects.get(username="samordnare.sunne"), case.reference)
    assert consent_for(owner, consent.pk) == consent
    shared = case_for(User.objects.get(username="agera"), case.reference)
    with pytest.raises(PermissionDenied):
        consent_for(shared, consent.pk)


def test_only_the_sending_side_reaches_a_proposal(demo):
    from django.http import Http404

    from cases.access import proposal_for
    from cases.models import ProposedMeasure

    proposal = ProposedMeasure.objects.filter(escalation__case=nmr_case()).first()
    assert proposal is not None
    assert proposal_for(User.objects.get(username="samordnare.sunne"), proposal.pk) == proposal
    for username in ("agera", "samordnare.torsby"):
        with pytest.raises(Http404):
            proposal_for(User.objects.get(username=username), proposal.pk)


def test_the_role_grant_list_heads_its_change_column_andring(login):
    body = login("dso").get(reverse("role_grants")).content.decode()
    assert '<th scope="col">Ändring</th>' in body
