"""Nobody sets another person's password: the administrator has no password form, an enrolment
link (once, expiring) sets the password and the second factor together, and each change is
listed for the data protection officer and told to the person."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import enrolment, twofactor
from accounts.models import AccountEventKind, EnrolmentLink, Notification, TwoFactorReset, User

from .conftest import password_sign_in

pytestmark = pytest.mark.usefixtures("two_factor_on")

NEW_PASSWORD = "Ett långt och nytt lösenord 42"


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _admin(login):
    return login("admin")  # the suite's clients are verified (tests/conftest.py: force_login)


def test_the_administrator_has_no_password_form_and_sees_no_password(login, settings):
    settings.TWO_FACTOR_REQUIRED = False
    person = User.objects.get(username="samordnare.hagfors")
    client = _admin(login)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="password' not in html and "password/" not in html
    assert person.password.split("$")[0] not in html  # not even the algorithm of the hash
    # Django's password page is gone: its address falls through to "no such person".
    gone = client.get(f"/admin/accounts/user/{person.pk}/password/", follow=True)
    assert 'name="password1"' not in gone.content.decode()
    client.post(
        f"/admin/accounts/user/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)


def test_a_new_account_has_no_password_until_its_link_is_used(login, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = _admin(login)
    add = reverse("admin:accounts_user_add")
    assert 'name="password1"' not in client.get(add).content.decode()
    response = client.post(add, {"username": "ny.samordnare", "first_name": "Ny"})
    assert response.status_code == 302
    person = User.objects.get(username="ny.samordnare")
    assert not person.has_usable_password()


def test_the_link_sets_password_and_second_factor_together_and_works_once(login, client):
    User.objects.filter(username="samordnare.hagfors").update(email="")  # the link is shown
    person = User.objects.get(username="samordnare.hagfors")
    admin = User.objects.get(username="admin")
    url, mailed = enrolment.enrolment_link_create(user=person, by=admin)
    assert not mailed and url.startswith("http")
    path = url.split("8000", 1)[-1] if "8000" in url else url
    assert EnrolmentLink.objects.get(user=person).token_sha256 not in url  # only the hash kept

    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml' in page.content.decode()
    wrong = client.post(
        path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "code": "000000"}
    )
    if _code(person) != "000000":
        assert wrong.status_code == 400
    short = client.post(path, {"password1": "kort", "password2": "kort", "code": _code(person)})
    assert short.status_code == 400

    done = client.post(
        path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "code": _code(person)}
    )
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(codes) == twofactor.BACKUP_CODE_COUNT
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=person).confirmed
    assert client.get(reverse("home")).status_code == 200  # signed in and verified

    assert client.get(path).status_code == 404  # once
    other = client.__class__()
    assert other.get(path).status_code == 404
    assert password_sign_in(other, person.username, NEW_PASSWORD).status_code == 302

    kinds = list(
        TwoFactorReset.objects.filter(user=person).order_by("at").values_list("kind", flat=True)
    )
    assert kinds == [AccountEventKind.LINK, AccountEventKind.ENROLLED]
    assert Notification.objects.filter(user=person, kind=twofactor.NOTIFICATION_KIND).count() == 2


def test_an_expired_or_replaced_link_does_not_work(client, demo):
    person = User.objects.get(username="samordnare.hagfors")
    admin = User.objects.get(username="admin")
    first, _ = enrolment.enrolment_link_create(user=person, by=admin)
    second, _ = enrolment.enrolment_link_create(user=person, by=admin)
    assert client.get(first[first.index("/konto/") :]).status_code == 404  # replaced
    path = second[second.index("/konto/") :]
    assert client.get(path).status_code == 200
    EnrolmentLink.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(path).status_code == 404


def test_nobody_makes_a_link_for_themselves(demo):
    admin = User.objects.get(username="admin")
    with pytest.raises(ValidationError) as error:
        enrolment.enrolment_link_create(user=admin, by=admin)
    assert error.value.code == "own_enrolment_link"


def test_the_link_is_mailed_and_every_change_listed_for_the_dpo_and_told(
    login, settings, django_capture_on_commit_callbacks
):
    settings.TWO_FACTOR_REQUIRED = False
    person = User.objects.get(username="samordnare.hagfors")
    person.email = "hagfors@example.invalid"
    person.save(update_fields=["email"])
    client = _admin(login)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "enrolment_link_action", "_selected_action": [person.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "/konto/aktivera/" not in response.content.decode()  # mailed, not shown
    to_person = [m for m in mail.outbox if m.to == [person.email]]
    assert any("/konto/aktivera/" in m.body for m in to_person)  # the link
    assert any("Enrolment link made" in m.body or "Aktiveringslänk" in m.body for m in to_person)

    page = login("dso").get(reverse("twofactor_resets")).content.decode()
    assert "samordnare.hagfors" in page and "admin" in page
