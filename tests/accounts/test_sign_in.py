"""Sign-in, lockout, logout, idle expiry and the language of the pages."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from tests.accounts.factories import RoleAssignmentFactory

PASSWORD = "test-password-1"


@pytest.fixture
def coordinator():
    return RoleAssignmentFactory(role=Role.COORDINATOR).user


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_good_password_signs_in_and_lands_on_start_page(client, coordinator):
    response = sign_in(client, coordinator.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Mina roller" in page.content.decode()


@pytest.mark.django_db
def test_bad_password_is_refused_in_swedish(client, coordinator):
    response = sign_in(client, coordinator.username, "wrong-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ange ett korrekt" in body  # Django's own Swedish message
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_after_configured_number_of_failures(client, coordinator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, coordinator.username, "wrong").status_code == 200
    locked = sign_in(client, coordinator.username, "wrong")
    assert locked.status_code == 429
    assert "Kontot är låst" in locked.content.decode()
    # Even the right password is refused while locked.
    again = sign_in(client, coordinator.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_account_not_per_office(client, coordinator):
    other = RoleAssignmentFactory(role=Role.COORDINATOR).user
    for _ in range(5):
        sign_in(client, coordinator.username, "wrong")
    assert sign_in(client, other.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_ends_the_session(client, coordinator):
    sign_in(client, coordinator.username, PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_start_page_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_session_expires_after_inactivity(client, coordinator, settings):
    sign_in(client, coordinator.username, PASSWORD)
    client.get(reverse("home"))
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes the expiry forward by the idle period.
    remaining = session.expire_date - timezone.now()
    assert abs(remaining.total_seconds() - settings.SESSION_COOKIE_AGE) < 60

    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_pages_are_swedish_by_default(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in body
    assert "Logga in" in body
    assert "Användarnamn" in body


@pytest.mark.django_db
def test_pages_are_english_after_switching(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body
    assert "Username" in body


@pytest.mark.django_db
def test_sign_in_records_last_login_without_a_history_row(client, coordinator):
    rows = coordinator.history.count()
    sign_in(client, coordinator.username, PASSWORD)
    coordinator.refresh_from_db()
    assert coordinator.last_login is not None
    assert coordinator.history.count() == rows


@pytest.mark.django_db
def test_an_english_browser_still_gets_swedish_until_english_is_chosen(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in body and "Logga in" in body
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv-SE").content.decode()
    assert '<html lang="en">' in body


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_swedish(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert '<html lang="sv">' in client.get(reverse("login")).content.decode()
