"""Two-factor sign-in: required for roles reaching case content or the access log, enrolment on
first sign-in, verification with the app or a backup code, and the administrator's reset."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.choices import Role
from accounts.models import TwoFactorReset, User

from .conftest import password_sign_in

pytestmark = pytest.mark.usefixtures("two_factor_on")

ENROL = reverse("twofactor_enrol")
VERIFY = reverse("twofactor_verify")


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(client, username: str) -> list[str]:
    """Sign in with the password and enrol an app; returns the backup codes shown."""
    password_sign_in(client, username)
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post(ENROL, {"code": code_of(device), "next": "/"})
    assert done.status_code == 200
    return re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())


def test_roles_that_reach_case_content_or_the_access_log_need_two_factors():
    required = {role for role in Role if twofactor.role_requires_two_factor(role)}
    assert required == {
        Role.COORDINATOR,
        Role.COMMUNITY_POLICE,
        Role.POLICE_AREA_CHIEF,
        Role.AGERA,
        Role.COUNTY_BOARD,
        Role.CONTACT_PERSON,
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMINISTRATOR,  # manages accounts: could otherwise hand itself a coordinator's role
    }


def test_first_sign_in_enrols_with_a_local_qr_code_and_shows_backup_codes(client, demo):
    response = password_sign_in(client, "samordnare.sunne")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == ENROL + "?next=%2F"

    page = client.get(ENROL).content.decode()
    assert 'src="data:image/svg+xml' in page  # made on the server, no outside service
    device = TOTPDevice.objects.get(user__username="samordnare.sunne", confirmed=False)
    wrong = client.post(ENROL, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Koden är inte giltig" in wrong.content.decode()

    before = client.cookies["sessionid"].value
    done = client.post(ENROL, {"code": code_of(device), "next": "/"})
    assert client.cookies["sessionid"].value != before  # cycled when the app is confirmed
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert done.status_code == 200 and len(codes) == twofactor.BACKUP_CODE_COUNT
    assert done["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_next_sign_in_asks_for_the_code_and_a_backup_code_works_once(client, demo):
    codes = enrol(client, "kommunpolis")
    client.post(reverse("logout"))

    password_sign_in(client, "kommunpolis")
    target = reverse("cases:queue")
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    # A password alone never replaces the app: enrolling a new one means verifying first.
    assert client.get(ENROL).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": "nonsense", "next": target}).status_code == 400

    before = client.cookies["sessionid"].value
    verified = client.post(VERIFY, {"code": codes[0].upper(), "next": target})
    assert verified.status_code == 302 and verified.url == target
    # A new session key after the code step: one seen before it is worth nothing after.
    assert client.cookies["sessionid"].value != before
    assert client.get(target).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    client.post(reverse("logout"))
    password_sign_in(client, "kommunpolis")
    assert client.post(VERIFY, {"code": codes[0], "next": "/"}).status_code == 400


def test_an_off_site_next_is_not_followed(client, demo):
    codes = enrol(client, "agera")
    client.post(reverse("logout"))
    password_sign_in(client, "agera")
    response = client.post(VERIFY, {"code": codes[1], "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"


def test_optional_for_others_but_asked_once_enrolled(client, demo):
    password_sign_in(client, "styrgrupp.sunne")
    assert client.get(reverse("home")).status_code == 200

    enrol(client, "styrgrupp.sunne")
    client.post(reverse("logout"))
    password_sign_in(client, "styrgrupp.sunne")
    assert client.get(reverse("home")).url.startswith(VERIFY)


def test_sign_out_language_and_static_need_no_second_factor(client, demo):
    password_sign_in(client, "samordnare.sunne")
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.status_code == 302 and language.url == "/"
    assert client.get("/static/css/app.css").status_code != 302
    assert client.post(reverse("logout")).url == reverse("login")


def test_switched_off_nobody_is_asked(client, demo, settings):
    settings.TWO_FACTOR_REQUIRED = False
    password_sign_in(client, "samordnare.sunne")
    assert client.get(reverse("home")).status_code == 200


def test_administrator_reset_is_logged_shown_to_the_dpo_and_forces_enrolment(client, demo, caplog):
    person = User.objects.get(username="samordnare.sunne")
    enrol(client, person.username)  # this client stays signed in and verified as the person
    assert client.get(reverse("home")).status_code == 200

    admin_client = client.__class__()
    enrol(admin_client, "admin")
    changelist = reverse("admin:accounts_user_changelist")
    with caplog.at_level(logging.INFO, logger="accounts.twofactor"):
        response = admin_client.post(
            changelist,
            {"action": "reset_two_factor_action", "_selected_action": [person.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticToken.objects.filter(device__user=person).exists()
    reset = TwoFactorReset.objects.get(user=person)
    assert reset.by.username == "admin"
    assert f"sign-in change reset user={person.pk}" in caplog.text

    # The person's verified session no longer counts: they enrol again.
    assert client.get(reverse("home")).url.startswith(ENROL)

    dpo = client.__class__()
    password_sign_in(dpo, "dso")
    enrol(dpo, "dso")
    page = dpo.get(reverse("twofactor_resets"))
    assert page.status_code == 200 and "samordnare.sunne" in page.content.decode()
    assert client.get(reverse("twofactor_resets")).status_code in (302, 403)


def test_nobody_resets_their_own_second_factor(demo):
    admin = User.objects.get(username="admin")
    with pytest.raises(ValidationError) as error:
        twofactor.reset_two_factor(user=admin, by=admin)
    assert error.value.code == "own_two_factor"
    assert not TwoFactorReset.objects.exists()


def test_deploy_check_refuses_two_factor_off_without_debug(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR_REQUIRED = False
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "sutohamu.E001" in ids
    settings.TWO_FACTOR_REQUIRED = True
    assert "sutohamu.E001" not in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.DEBUG = True  # the developer's machine may switch it off
    settings.TWO_FACTOR_REQUIRED = False
    assert "sutohamu.E001" not in {m.id for m in run_checks(include_deployment_checks=True)}
