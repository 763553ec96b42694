"""Every change is kept (who, what, when) and shown as a readable change log."""

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import EnrolmentLink, Notification, TwoFactorReset, UnreadCount
from councils.choices import BodyKind
from councils.models import Body, Handover, Medskick, Priority, StoredDocument

# Append-only records need no history of their own (they are never changed), and a
# notification is a message to one person, not a record of the work. A stored document's bytes
# are written once; the agreement that names it keeps the history. An enrolment link is a
# one-time key; its making and use are in the sign-in changes (TwoFactorReset). The bell's unread
# count is derived from the notifications (recounted from them at will).
APPEND_ONLY = {Handover, Notification, StoredDocument, TwoFactorReset, EnrolmentLink, UnreadCount}


@pytest.mark.parametrize(
    "model",
    [
        m
        for app in ("accounts", "councils")
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ],
    ids=lambda m: m.__name__,
)
def test_every_model_keeps_history(model):
    if model in APPEND_ONLY:
        return
    assert hasattr(model, "history"), f"{model.__name__} has no HistoricalRecords"


@pytest.mark.django_db
def test_editing_a_body_is_logged_with_who_and_shown_readably(login):
    body = Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality__code="SUN")
    client = login("samordnare.sunne")
    response = client.post(
        reverse("councils:body_edit", args=[body.pk]),
        {"name": body.name, "description": "Rådet möts i stadshuset."},
    )
    assert response.status_code == 302
    record = body.history.first()
    assert record.history_type == "~"
    assert record.history_user.username == "samordnare.sunne"
    page = client.get(reverse("councils:body", args=[body.pk])).content.decode()
    assert "Ändringslogg" in page
    assert "Ändrad" in page and "Lena Ekström" in page
    assert "Beskrivning" in page and "Rådet möts i stadshuset." in page


@pytest.mark.django_db
def test_medskick_status_changes_are_logged_with_readable_values(login):
    item = Medskick.objects.get(receiver__municipality__code="TOR")
    client = login("samordnare.torsby")
    client.post(reverse("councils:medskick_answer", args=[item.pk]), {"answer": "Bifogas."})
    page = client.get(reverse("councils:medskick", args=[item.pk])).content.decode()
    assert "<del>Mottagen</del> → <ins>Besvarad</ins>" in page
    assert item.history.count() == 2


@pytest.mark.django_db
def test_priority_change_names_related_objects_not_ids(login):
    priority = Priority.objects.get(municipality__code="SUN")
    client = login("samordnare.sunne")
    data = {
        "year": priority.year,
        "period": 1,
        "scope": "local",
        "municipality": priority.municipality_id,
        "area": priority.area,
        "title": priority.title,
        "description": priority.description,
        "decision_reference": priority.decision_reference,
        "outcome": "achieved",
    }
    assert (
        client.post(reverse("councils:priority_edit", args=[priority.pk]), data).status_code == 302
    )
    page = client.get(reverse("councils:priority_edit", args=[priority.pk])).content.decode()
    assert "<del>Helår</del> → <ins>Första halvåret</ins>" in page
    assert "<del>Ej bedömd ännu</del> → <ins>Uppnådd</ins>" in page
