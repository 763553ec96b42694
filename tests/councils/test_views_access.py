"""Who may open which page of the structure: the demo roles against every page."""

import functools

import pytest
from django.urls import reverse

from accounts.models import Organisation
from councils.choices import BodyKind
from councils.models import Body, CitizenPromise, Medskick, Priority

ALL = [
    "samordnare.sunne",
    "samordnare2.sunne",
    "samordnare.torsby",
    "samordnare.hagfors",
    "samordnare.munkfors",
    "rektor.sunne",
    "kommunpolis",
    "lpo.chef",
    "agera",
    "lansstyrelsen",
    "styrgrupp.sunne",
    "admin",
    "dso",
]


def sunne_council():
    return Body.objects.get(kind=BodyKind.LOCAL_COUNCIL, municipality__code="SUN")


def expect(allowed: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(user, allowed.get(user, default)) for user in ALL]


PAGES = {
    "overview": (lambda: reverse("councils:overview"), expect({}, 200)),
    "agreement": (lambda: reverse("councils:agreements"), expect({}, 200)),
    "priorities": (lambda: reverse("councils:priorities"), expect({}, 200)),
    "promises": (lambda: reverse("councils:promises"), expect({}, 200)),
    "action_plans": (lambda: reverse("councils:action_plans"), expect({}, 200)),
    "medskick_list": (lambda: reverse("councils:medskick_list"), expect({}, 200)),
    "body": (
        lambda: reverse("councils:body", args=[sunne_council().pk]),
        expect(
            {
                u: 200
                for u in [
                    "samordnare.sunne",
                    "samordnare2.sunne",
                    "rektor.sunne",
                    "kommunpolis",
                    "admin",
                ]
            },
            404,
        ),
    ),
    "body_edit": (
        lambda: reverse("councils:body_edit", args=[sunne_council().pk]),
        expect(
            {
                "samordnare.sunne": 200,
                "samordnare2.sunne": 200,
                "kommunpolis": 200,
                "rektor.sunne": 403,
                "admin": 403,
            },
            404,
        ),
    ),
    "medskick": (
        lambda: reverse(
            "councils:medskick", args=[Medskick.objects.get(sender__municipality__code="SUN").pk]
        ),
        expect(
            {
                u: 200
                for u in [
                    "samordnare.sunne",
                    "samordnare2.sunne",
                    "samordnare.torsby",
                    "samordnare.hagfors",
                    "samordnare.munkfors",
                    "rektor.sunne",
                    "kommunpolis",
                    "agera",
                    "lansstyrelsen",
                ]
            },
            404,
        ),
    ),
    "medskick_create": (
        lambda: reverse("councils:medskick_create"),
        expect(
            {
                u: 200
                for u in [
                    "samordnare.sunne",
                    "samordnare2.sunne",
                    "samordnare.torsby",
                    "samordnare.hagfors",
                    "samordnare.munkfors",
                    "kommunpolis",
                ]
            },
            403,
        ),
    ),
    "priority_edit": (
        lambda: reverse(
            "councils:priority_edit",
            args=[Priority.objects.get(municipality__code="SUN").pk],
        ),
        expect({"samordnare.sunne": 200, "samordnare2.sunne": 200}, 403),
    ),
    "activity_edit": (
        lambda: reverse(
            "councils:activity_edit",
            args=[
                CitizenPromise.objects.get(municipality__code="SUN").pk,
                CitizenPromise.objects.get(municipality__code="SUN").activities.first().pk,
            ],
        ),
        expect({"samordnare.sunne": 200, "samordnare2.sunne": 200, "kommunpolis": 200}, 403),
    ),
    "action_plan_edit": (
        lambda: reverse(
            "councils:action_plan_edit", args=[Organisation.objects.get(code="SUN").pk, "vbe"]
        ),
        expect({"samordnare.sunne": 200, "samordnare2.sunne": 200, "admin": 200}, 403),
    ),
    "agreement_upload": (
        lambda: reverse("councils:agreement_upload", args=[1]),
        expect({"admin": 200}, 403),
    ),
    "handovers": (lambda: reverse("councils:handovers"), expect({"admin": 200}, 403)),
    "handover_create": (lambda: reverse("councils:handover_create"), expect({"admin": 200}, 403)),
    "orphans": (lambda: reverse("councils:orphans"), expect({"admin": 200}, 403)),
}


def page_urls() -> dict[str, str]:
    """Each page's address in the demo, looked up once per process (not once per account): the
    demo comes back with the same primary keys whenever it is put back (tests/conftest.py)."""
    return dict(_page_urls())


@functools.cache
def _page_urls() -> dict[str, str]:
    from councils.models import Agreement

    urls = {page: url_for() for page, (url_for, _matrix) in PAGES.items()}
    urls["agreement_upload"] = reverse(
        "councils:agreement_upload", args=[Agreement.objects.get().pk]
    )
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("user", ALL)
def test_role_matrix(login, user):
    """The account against every page; all mismatches reported together.

    One test per account rather than per page: signing in costs more than most pages, and an
    account's requests here are all reads, so one sign-in serves its whole row of the matrix.
    """
    client = login(user)
    urls = page_urls()
    got = {page: client.get(url).status_code for page, url in urls.items()}
    assert got == {page: dict(matrix)[user] for page, (_url_for, matrix) in PAGES.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_sign_in(login, page):
    response = login(None).get(PAGES[page][0]())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_body_outside_ones_reach_leaks_nothing(login):
    council = sunne_council()
    item = Medskick.objects.get(sender=council)
    client = login("samordnare.torsby")
    body_page = client.get(reverse("councils:body", args=[council.pk])).content.decode()
    assert council.name not in body_page
    item_page = login("lpo.chef").get(reverse("councils:medskick", args=[item.pk]))
    assert item_page.status_code == 404
    assert item.title not in item_page.content.decode()


@pytest.mark.django_db
def test_medskick_lists_show_only_ones_own_bodies(login):
    body = login("samordnare.hagfors").get(reverse("councils:medskick_list")).content.decode()
    assert "Behov av utbildning om VBE" in body  # Hagfors' own, to the working group
    assert "Ageras erbjudande om handledning" in body  # working group's outbox, Hagfors sits in it
    page = login("rektor.sunne").get(reverse("councils:medskick_list")).content.decode()
    assert "Ökad förekomst av narkotika" in page  # Sunne council's own, answered but open
    assert "Behov av utbildning om VBE" not in page  # Hagfors council to the working group
    assert "Lokal lägesbild" not in page  # working group to Torsby


@pytest.mark.django_db
def test_person_without_an_active_role_is_refused(client, demo):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("councils:overview")).status_code == 403
