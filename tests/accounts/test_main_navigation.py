"""The main menu (accounts/templatetags/navigation.py), kept by the process per capabilities,
language and section: it follows a role change at once, marks the current section, and its key
covers every place the menu templates look at."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.templatetags.navigation import MENU_APPS, MENU_URL_NAMES
from tests.accounts.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
MENU_TEMPLATES = [
    "includes/main_navigation.html",
    "meetings/nav.html",
    "reminders/nav.html",
    "reports/nav.html",
]


def menu(client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<nav aria-label="') : page.index("</nav>")]


@pytest.fixture
def signed_in(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    person = UserFactory()
    client.force_login(person)
    return client, person


def test_a_role_added_or_ended_changes_the_menu_on_the_next_page(signed_in):
    client, person = signed_in
    desk = reverse("cases:desk")
    assert f'href="{desk}"' not in menu(client)
    role = RoleAssignmentFactory(user=person, role=Role.COORDINATOR)
    assert f'href="{desk}"' in menu(client)
    role.end_date = timezone.localdate() - datetime.timedelta(days=1)
    role.save()
    assert f'href="{desk}"' not in menu(client)


def test_the_menu_marks_the_section_of_the_page(signed_in):
    client, person = signed_in
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR)
    home, meetings = reverse("home"), reverse("meetings:list")
    reminders = reverse("notifications") + "?visa=paminnelser"
    assert f'href="{home}" aria-current="page"' in menu(client, home)
    assert f'href="{meetings}" aria-current="page"' not in menu(client, home)
    on_meetings = menu(client, meetings)
    assert f'href="{meetings}" aria-current="page"' in on_meetings
    assert f'href="{home}" aria-current="page"' not in on_meetings
    assert f'href="{reminders}" aria-current="page"' in menu(client, reminders)
    assert f'href="{reminders}" aria-current="page"' not in menu(client, reverse("notifications"))


def test_the_menu_follows_the_language(signed_in):
    client, person = signed_in
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR)
    swedish = menu(client)
    assert ">Möten<" in swedish and ">Meetings<" not in swedish
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = menu(client)
    assert ">Meetings<" in english and ">Möten<" not in english


def test_the_key_covers_every_section_the_menu_templates_compare():
    """A new comparison in a menu template needs its name in the tag's key, else two sections
    would share one kept menu."""
    text = "".join((Path(settings.BASE_DIR) / "templates" / t).read_text() for t in MENU_TEMPLATES)
    assert "request." not in text and "user." not in text  # only the key's inputs
    assert set(re.findall(r"here\.url_name == '([a-z_]+)'", text)) <= MENU_URL_NAMES
    assert set(re.findall(r"here\.app_name == '([a-z_]+)'", text)) <= MENU_APPS
