"""The start page shows each role its own panels."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from accounts.panels import PANELS
from tests.accounts.factories import UserFactory, user_with_role

PANELS_BY_ROLE = {
    Role.COORDINATOR: {"cases", "report", "my_reports", "queue", "meetings", "reports"},
    Role.COUNCIL_MEMBER: {"report", "my_reports"},
    Role.COMMUNITY_POLICE: {"queue", "meetings"},
    Role.POLICE_AREA_CHIEF: {"queue", "reports"},
    Role.AGERA: {"queue"},
    Role.CONTACT_PERSON: {"queue"},
    Role.COUNTY_BOARD: {"queue", "reports"},
    Role.STEERING_GROUP: {"reports"},
    Role.ADMINISTRATOR: {"accounts"},
    Role.DATA_PROTECTION_OFFICER: {"access_log"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_own_panels(client, role):
    client.force_login(user_with_role(role))
    body = client.get(reverse("home")).content.decode()
    shown = {p.key for p in PANELS if f'id="panel-{p.key}"' in body}
    assert shown == PANELS_BY_ROLE[role]


@pytest.mark.django_db
def test_person_without_role_sees_no_panel(client):
    client.force_login(UserFactory())
    body = client.get(reverse("home")).content.decode()
    assert 'class="panel"' not in body
    assert "Du har ingen aktiv roll" in body


@pytest.mark.django_db
def test_layout_has_skip_link_landmarks_and_language_switch(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    body = client.get(reverse("home")).content.decode()
    assert 'href="#main"' in body
    assert '<main id="main"' in body
    assert "<nav" in body
    assert 'name="language"' in body
    assert "vendor/htmx.min.js" in body


@pytest.mark.django_db
def test_administration_is_for_administrators_only(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin sign-in
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("admin:accounts_user_changelist") in response.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.django_db
def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    from accounts.models import Notification

    user = user_with_role(Role.COORDINATOR)
    note = Notification.objects.create(user=user, text="Nytt ärende X", link="/arenden/")
    client.force_login(user)
    assert "Nytt ärende X" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("open_notification", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/arenden/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Nytt ärende X" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_someone_elses_notification_is_404(client):
    from accounts.models import Notification

    note = Notification.objects.create(user=user_with_role(Role.AGERA), text="x")
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.post(reverse("open_notification", args=[note.pk])).status_code == 404


@pytest.mark.django_db
def test_new_for_you_kept_by_its_rows_shows_each_new_notification_with_a_working_token():
    """ "New for you" is kept per process by its rows: a notification made after the first view
    shows on the next, and each form carries this request's CSRF token (the check enforced)."""
    import re

    from django.test import Client

    from accounts.models import Notification

    user = user_with_role(Role.COORDINATOR)
    Notification.objects.create(user=user, text="Första beskedet", link="/arenden/")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert "Första beskedet" in client.get(reverse("home")).content.decode()
    second = Notification.objects.create(user=user, text="Andra beskedet", link="/arenden/")
    page = client.get(reverse("home")).content.decode()
    assert "Första beskedet" in page and "Andra beskedet" in page
    action = reverse("open_notification", args=[second.pk])
    form = re.search(rf'action="{re.escape(action)}".*?value="([^"]+)"', page, re.S)
    assert form is not None and "Placeholder" not in form.group(1)
    response = client.post(action, {"csrfmiddlewaretoken": form.group(1)})
    assert response.status_code == 302
    assert "Andra beskedet" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_start_page_reads_outside_a_transaction_and_shows_the_same():
    client = Client()
    client.force_login(user_with_role(Role.COORDINATOR))
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("home")).content.decode()
    statements = [q["sql"] for q in queries.captured_queries]
    reads = [i for i, sql in enumerate(statements) if sql.startswith("SELECT")]
    # Every read outside a transaction (the session middleware may save the session after the
    # view, in a transaction of its own).
    assert reads and "BEGIN" not in statements[: reads[-1]]
    shown = {p.key for p in PANELS if f'id="panel-{p.key}"' in body}
    assert shown == PANELS_BY_ROLE[Role.COORDINATOR]
    # A page that writes still runs in the request's transaction.
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("mark_all_notifications_read"))
    statements = [q["sql"] for q in queries.captured_queries]
    assert statements.index("BEGIN") < statements.index(
        next(sql for sql in statements if sql.startswith('UPDATE "accounts_notification"'))
    )
