"""Lockout by account name and address together, and a throttle per address that a town hall
behind one NAT address never reaches by signing in correctly."""

from __future__ import annotations

import pytest

from sutohamu.lockout import client_ip
from tests.accounts.factories import UserFactory

from .conftest import password_sign_in

PASSWORD = "test-password-1"
ATTACKER = "198.51.100.66"
TOWN_HALL = "192.0.2.10"
ELSEWHERE = "203.0.113.5"


@pytest.fixture
def colleague():
    return UserFactory()


@pytest.mark.django_db
def test_a_colleague_cannot_be_locked_out_from_another_address(client, colleague, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_sign_in(client, colleague.username, "wrong", REMOTE_ADDR=ATTACKER)
    # Locked where the guessing happened, even with the right password ...
    assert (
        password_sign_in(client, colleague.username, PASSWORD, REMOTE_ADDR=ATTACKER).status_code
        == 429
    )
    # ... but the colleague at the town hall signs in.
    response = password_sign_in(client, colleague.username, PASSWORD, REMOTE_ADDR=TOWN_HALL)
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_names_is_throttled(client, colleague, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        # One try per name: no name reaches its own limit.
        password_sign_in(client, f"guess{n}", "wrong", REMOTE_ADDR=ATTACKER)
    refused = password_sign_in(client, colleague.username, PASSWORD, REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # The throttle is the address's: the same person elsewhere is not affected.
    assert (
        password_sign_in(client, colleague.username, PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code
        == 302
    )


@pytest.mark.django_db
def test_many_people_behind_one_address_keep_signing_in(client, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    people = UserFactory.create_batch(8)  # more typos in all than the address's limit
    for person in people:
        client.logout()
        # A typo first, as people make them; a correct sign-in clears it.
        assert (
            password_sign_in(client, person.username, "typo", REMOTE_ADDR=TOWN_HALL).status_code
            == 200
        )
        response = password_sign_in(client, person.username, PASSWORD, REMOTE_ADDR=TOWN_HALL)
        assert response.status_code == 302, person.username


def test_client_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.10"  # the hop our proxy added, not a forged one
