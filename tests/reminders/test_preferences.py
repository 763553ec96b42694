"""The reminder settings page: each kind's channel; a person without an e-mail address is told
that nothing comes by mail, and is in the app only by default."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reminders.models import ReminderKind, ReminderPreference
from reminders.services import preferences_save
from reminders.views import NO_ADDRESS
from tests.reminders.conftest import Town

pytestmark = pytest.mark.django_db
URL = reverse("reminders:preferences")


def checked(page: str, kind: str) -> str:
    """The value of the checked radio button of a kind."""
    for chunk in page.split("<input")[1:]:
        if f'name="{kind}"' in chunk and "checked" in chunk.split(">")[0]:
            return chunk.split('value="')[1].split('"')[0]
    return ""


def test_a_person_with_an_address_defaults_to_mail_at_once_and_sees_no_warning(client, town: Town):
    client.force_login(town.owner)
    page = client.get(URL).content.decode()
    assert checked(page, ReminderKind.FOLLOWUP_DUE) == "email"
    with translation.override("sv"):
        assert str(NO_ADDRESS) not in page


def test_a_person_without_an_address_is_told_so_and_defaults_to_in_app_only(client, town: Town):
    town.owner.email = ""
    town.owner.save()
    client.force_login(town.owner)
    page = client.get(URL).content.decode()
    with translation.override("sv"):
        assert str(NO_ADDRESS) in page
    assert {checked(page, kind) for kind in ReminderKind} == {"in_app"}


def test_a_saved_choice_is_shown_and_kept(client, town: Town):
    client.force_login(town.owner)
    data = {kind.value: "digest" for kind in ReminderKind}
    assert client.post(URL, data).status_code == 302
    assert ReminderPreference.objects.filter(user=town.owner, channel="digest").count() == len(
        ReminderKind
    )
    assert checked(client.get(URL).content.decode(), ReminderKind.AGENDA_DUE) == "digest"


def test_the_page_needs_a_sign_in(client):
    assert client.get(URL).status_code == 302


def test_the_service_validates_each_choice_and_saves_none_of_a_refused_set(town: Town):
    """A kind or channel that does not exist is refused whole, whichever road it came by."""
    good = {ReminderKind.FOLLOWUP_DUE.value: "digest"}
    with pytest.raises(ValidationError) as refused:
        preferences_save(choices={**good, "no_such_kind": "email"}, by=town.owner)
    assert refused.value.error_dict["kind"][0].code == "invalid_choice"
    with pytest.raises(ValidationError) as refused:
        preferences_save(choices={ReminderKind.FOLLOWUP_DUE.value: "pigeon"}, by=town.owner)
    assert refused.value.error_dict["channel"][0].code == "invalid_choice"
    assert not ReminderPreference.objects.filter(user=town.owner).exists()
    preferences_save(choices=good, by=town.owner)
    assert ReminderPreference.objects.get(user=town.owner).channel == "digest"
