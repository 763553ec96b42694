"""One door: councils views fetch scoped rows only through councils/access.py, and lists show
no more than the object's own page would."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from councils import access
from councils.choices import BodyKind
from councils.models import Body, Medskick
from tests.accounts.factories import UserFactory

VIEWS = Path(access.__file__).parent / "views"
SCOPED = {"Body", "Medskick", "Membership", "MeetingPlan"}
# Reverse relations that would reach the same rows around the door.
SCOPED_RELATIONS = {"memberships", "meeting_plans", "inbox", "outbox"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def door_violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in SCOPED
            and node.attr in {"objects", "_default_manager", "_base_manager"}
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr in SCOPED_RELATIONS:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in SCOPED
        ):
            found.append(f"line {node.lineno}: {node.func.id}({node.args[0].id}, …)")
    return found


def test_no_councils_view_reaches_a_scoped_manager():
    found = {
        path.name: hits
        for path in sorted(VIEWS.glob("*.py"))
        if (hits := door_violations(path.read_text()))
    }
    assert found == {}, "fetch through councils.access instead"


def test_the_door_check_catches_each_way_around():
    source = (
        "Body.objects.get(pk=1)\n"
        "get_object_or_404(Medskick, pk=1)\n"
        "body.meeting_plans.first()\n"
        "Membership._default_manager.all()\n"
    )
    assert len(door_violations(source)) == 4


def sunne_council():
    return Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality__code="SUN")


@pytest.mark.django_db
def test_admin_does_not_see_a_medskick_title_on_the_body_page_that_its_page_refuses(login):
    council = sunne_council()
    item = Medskick.objects.open().get(sender=council)
    admin = login("admin")
    assert admin.get(reverse("councils:medskick", args=[item.pk])).status_code == 404
    page = admin.get(reverse("councils:body", args=[council.pk]))
    assert page.status_code == 200  # the administrator manages the body's seats
    assert item.title not in page.content.decode()

    member_page = login("rektor.sunne").get(reverse("councils:body", args=[council.pk]))
    assert item.title in member_page.content.decode()  # the council's members do see it


BODY_URLS = ["councils:body", "councils:body_edit", "councils:meeting_plan"]
MEDSKICK_GET = ["councils:medskick"]
MEDSKICK_POST = ["councils:medskick_receive", "councils:medskick_answer", "councils:medskick_close"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["samordnare.torsby", "agera", "lpo.chef", "dso"])
def test_a_body_outside_ones_reach_is_404_on_every_body_url(login, username):
    council = sunne_council()
    client = login(username)
    got = {}
    for name in BODY_URLS:
        url = reverse(name, args=[council.pk])
        got[f"GET {name}"] = client.get(url).status_code
        got[f"POST {name}"] = client.post(url, {"name": "X", "planned_meetings": 3}).status_code
    assert set(got.values()) == {404}, got


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["styrgrupp.sunne", "lpo.chef", "admin", "dso"])
def test_a_medskick_outside_ones_reach_is_404_on_every_medskick_url(login, username):
    item = Medskick.objects.open().get(sender=sunne_council())
    before = Medskick.objects.filter(pk=item.pk).values().get()
    client = login(username)
    got = {name: client.get(reverse(name, args=[item.pk])).status_code for name in MEDSKICK_GET}
    for name in MEDSKICK_POST:
        got[name] = client.post(reverse(name, args=[item.pk]), {"answer": "Svar"}).status_code
    assert set(got.values()) == {404}, got
    assert Medskick.objects.filter(pk=item.pk).values().get() == before


def without_token(content: bytes) -> bytes:
    """The page less its per-response CSRF tokens (the form field and htmx's header)."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"", content)


@pytest.mark.django_db
def test_a_missing_and_a_hidden_body_answer_alike(login):
    council = sunne_council()
    client = login("samordnare.torsby")
    hidden = client.get(reverse("councils:body", args=[council.pk]))
    missing = client.get(reverse("councils:body", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    assert without_token(hidden.content) == without_token(missing.content)


@pytest.mark.django_db
def test_body_for_refuses_a_change_the_person_may_only_see(login):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from accounts.models import User

    council = sunne_council()
    rektor = User.objects.get(username="rektor.sunne")
    assert access.body_for(rektor, council.pk) == council
    with pytest.raises(PermissionDenied):
        access.body_for(rektor, council.pk, change=True)
    with pytest.raises(Http404):
        access.body_for(UserFactory(), council.pk)
    with pytest.raises(Http404):
        access.body_for(rektor, "not-a-number")
