"""Bad input is refused with a Swedish 4xx and keeps what was saved; good input saves."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import RoleAssignment, User
from cases.models import Case
from councils.choices import BodyKind, MedskickStatus
from councils.models import (
    Agreement,
    Body,
    Medskick,
    MeetingPlan,
    Membership,
    PromiseActivity,
    StoredDocument,
)

pytestmark = pytest.mark.django_db


def _blank_pdf() -> bytes:
    """A readable one-page PDF (the upload now checks that the file opens as a PDF)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


def council(code):
    return Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality__code=code)


def test_fifth_meeting_for_a_council_is_refused(login):
    body = council("SUN")
    year = timezone.localdate().year
    before = MeetingPlan.objects.get(body=body, year=year).planned_meetings
    response = login("samordnare.sunne").post(
        reverse("councils:meeting_plan", args=[body.pk]),
        {"year": timezone.localdate().year, "planned_meetings": 5},
    )
    assert response.status_code == 400
    assert "2 till 4 gånger per år; 5 är inte tillåtet" in response.content.decode()
    assert 'value="5"' in response.content.decode()  # the input is kept
    assert MeetingPlan.objects.get(body=body, year=year).planned_meetings == before


def test_medskick_to_oneself_is_refused(login):
    body = council("SUN")
    count = Medskick.objects.count()
    response = login("samordnare.sunne").post(
        reverse("councils:medskick_create"),
        {
            "sender": body.pk,
            "receiver": body.pk,
            "area": "crime",
            "title": "Till mig",
            "text": "Text",
        },
    )
    assert response.status_code == 400
    assert "till sig självt" in response.content.decode()
    assert "Till mig" in response.content.decode()
    assert Medskick.objects.count() == count


def test_medskick_from_a_body_one_does_not_edit_is_refused(login):
    response = login("samordnare.torsby").post(
        reverse("councils:medskick_create"),
        {
            "sender": council("SUN").pk,
            "receiver": Body.objects.get(kind="working_group").pk,
            "area": "crime",
            "title": "Falsk avsändare",
            "text": "Text",
        },
    )
    assert response.status_code == 400
    assert not Medskick.objects.filter(title="Falsk avsändare").exists()


def test_oversized_title_is_refused(login):
    response = login("samordnare.sunne").post(
        reverse("councils:medskick_create"),
        {
            "sender": council("SUN").pk,
            "receiver": Body.objects.get(kind="working_group").pk,
            "area": "crime",
            "title": "x" * 201,
            "text": "Text",
        },
    )
    assert response.status_code == 400
    assert "som mest 200 tecken" in response.content.decode()


def test_medskick_round_trip_through_the_views(login):
    group = Body.objects.get(kind="working_group")
    client = login("samordnare.munkfors")
    response = client.post(
        reverse("councils:medskick_create"),
        {
            "sender": council("MUN").pk,
            "receiver": group.pk,
            "area": "andt",
            "title": "Lokal fråga om snus",
            "text": "Rådet vill veta mer.",
        },
    )
    item = Medskick.objects.get(title="Lokal fråga om snus")
    assert response.status_code == 302
    assert item.sent_by.username == "samordnare.munkfors"

    torsby = login("samordnare.torsby")  # a member of the working group answers
    assert torsby.post(reverse("councils:medskick_receive", args=[item.pk])).status_code == 302
    answered = torsby.post(
        reverse("councils:medskick_answer", args=[item.pk]), {"answer": "Tas upp i mars."}
    )
    assert answered.status_code == 302
    item.refresh_from_db()
    assert item.status == MedskickStatus.ANSWERED
    assert item.handler.username == "samordnare.torsby"

    closed = login("samordnare.munkfors").post(reverse("councils:medskick_close", args=[item.pk]))
    assert closed.status_code == 302
    again = login("samordnare.torsby").post(
        reverse("councils:medskick_answer", args=[item.pk]), {"answer": "Nytt svar"}
    )
    assert again.status_code == 400
    assert "avslutad" in again.content.decode()
    item.refresh_from_db()
    assert item.answer == "Tas upp i mars."


def upload(client, agreement, name, content):
    return client.post(
        reverse("councils:agreement_upload", args=[agreement.pk]),
        {"document": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_signed_agreement_upload_accepts_pdf_and_serves_it_to_members_only(login):
    agreement = Agreement.objects.get()
    assert upload(login("admin"), agreement, "avtal.pdf", PDF).status_code == 302
    agreement.refresh_from_db()
    # In the database (shared by every web node), never under the web root.
    stored = StoredDocument.objects.get(name=agreement.document.name)
    assert bytes(stored.content) == PDF and stored.size == len(PDF)

    url = reverse("councils:agreement_document", args=[agreement.pk])
    response = login("agera").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert login(None).get(url).status_code == 302

    from tests.accounts.factories import UserFactory

    client = login(None)
    client.force_login(UserFactory())  # signed in, but not a member of the cooperation
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("avtal.docx", b"PK\x03\x04 not a pdf", "Endast PDF-filer"),
        ("fejk.pdf", b"MZ this is not a pdf", "Endast PDF-filer"),
        ("stor.pdf", PDF + b"0" * 2_000_000, "Filen är för stor"),
    ],
)
def test_bad_uploads_are_refused_and_keep_the_saved_document(
    login, settings, name, content, message
):
    settings.MAX_UPLOAD_BYTES = 1_000_000
    agreement = Agreement.objects.get()
    client = login("admin")
    upload(client, agreement, "avtal.pdf", PDF)
    agreement.refresh_from_db()
    saved = agreement.document.name

    response = upload(client, agreement, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.document.name == saved
    assert list(StoredDocument.objects.values_list("name", flat=True)) == [saved]


def test_termination_before_start_is_refused(login):
    agreement = Agreement.objects.get()
    response = login("admin").post(
        reverse("councils:agreement_terminate", args=[agreement.pk]),
        {"party": agreement.parties.first().pk, "on": "2020-01-01", "reason": "Test"},
    )
    assert response.status_code == 400
    assert "kan inte upphöra innan den började gälla" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.in_force


def test_termination_by_a_party_ends_the_agreement(login):
    agreement = Agreement.objects.get()
    party = agreement.parties.get(code="TOR")
    response = login("admin").post(
        reverse("councils:agreement_terminate", args=[agreement.pk]),
        {"party": party.pk, "on": "2026-12-31", "reason": "Ny samverkansform"},
    )
    assert response.status_code == 302
    page = login("samordnare.sunne").get(reverse("councils:agreement", args=[agreement.pk]))
    assert "Uppsagd av Torsby kommun" in page.content.decode()


def test_activity_due_before_the_promise_year_is_refused(login):
    activity = PromiseActivity.objects.filter(promise__municipality__code="SUN").first()
    response = login("kommunpolis").post(
        reverse("councils:activity_edit", args=[activity.promise_id, activity.pk]),
        {
            "title": activity.title,
            "owner": activity.owner_id,
            "due_date": "2001-01-01",
            "status": "done",
            "follow_up": "Klart",
        },
    )
    assert response.status_code == 400
    assert "före löftets år" in response.content.decode()
    activity.refresh_from_db()
    assert activity.follow_up != "Klart"


def test_follow_up_note_is_saved_and_logged(login):
    activity = PromiseActivity.objects.filter(promise__municipality__code="SUN").last()
    response = login("kommunpolis").post(
        reverse("councils:activity_edit", args=[activity.promise_id, activity.pk]),
        {
            "title": activity.title,
            "owner": activity.owner_id,
            "due_date": activity.due_date.isoformat(),
            "status": "done",
            "follow_up": "Tolv kvällar genomförda.",
        },
    )
    assert response.status_code == 302
    record = activity.history.first()
    assert record.history_user.username == "kommunpolis"
    assert record.follow_up == "Tolv kvällar genomförda."


def test_joint_priority_needs_a_working_group_editor(login):
    response = login("samordnare2.sunne").post(
        reverse("councils:priority_create"),
        {
            "year": 2026,
            "period": 0,
            "scope": "joint",
            "area": "vbe",
            "title": "Gemensam",
            "outcome": "open",
        },
    )
    assert response.status_code == 400
    assert "Endast SuToHaMu-gruppens ledamöter" in response.content.decode()


def test_local_priority_for_another_municipality_is_refused(login):
    from accounts.models import Organisation

    response = login("samordnare.sunne").post(
        reverse("councils:priority_create"),
        {
            "year": 2026,
            "period": 0,
            "scope": "local",
            "municipality": Organisation.objects.get(code="TOR").pk,
            "area": "vbe",
            "title": "Torsbys sak",
            "outcome": "open",
        },
    )
    assert response.status_code == 400


def test_hand_over_to_a_person_without_the_role_is_refused_in_the_form(login):
    role = RoleAssignment.objects.get(user__username="samordnare.sunne")
    seats = Membership.objects.active().filter(user=role.user).count()
    response = login("admin").post(
        reverse("councils:handover_create"),
        {"assignment": role.pk, "successor": User.objects.get(username="agera").pk},
    )
    assert response.status_code == 400
    assert "har inte rollen samordnare vid Sunne kommun" in response.content.decode()
    assert Membership.objects.active().filter(user=role.user).count() == seats


def test_hand_over_through_the_view_leaves_no_orphans(login):
    role = RoleAssignment.objects.get(user__username="samordnare.sunne")
    client = login("admin")
    response = client.post(
        reverse("councils:handover_create"),
        {"assignment": role.pk, "successor": User.objects.get(username="samordnare2.sunne").pk},
    )
    assert response.status_code == 302
    orphans = client.get(reverse("councils:orphans")).content.decode()
    assert orphans.count("(0)") == 7  # every kind, cases and action items included, is empty
    assert not Case.objects.open().filter(owner=role.user).exists()
    listing = client.get(reverse("councils:handovers")).content.decode()
    assert "Lena Ekström" in listing and "Jonas Berglund" in listing
    assert "Medlemskap: 2" in listing and "Rader i handlingsplaner: 3" in listing
    assert "Öppna medskick: 1" in listing


def test_admin_role_form_with_end_before_start_answers_400(login):
    user = User.objects.get(username="agera")
    role = RoleAssignment.objects.get(user=user)
    response = login("admin").post(
        reverse("admin:accounts_roleassignment_change", args=[role.pk]),
        {
            "user": user.pk,
            "role": role.role,
            "organisation": role.organisation_id,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte ligga före startdatumet." in response.content.decode()
    role.refresh_from_db()
    assert role.end_date is None
