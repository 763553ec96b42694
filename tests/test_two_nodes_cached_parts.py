"""A write through one web node shows at once in the cached page parts another node serves.

Two gunicorn servers on one PostgreSQL and one Redis (Django's cache), started as in
tests/test_two_nodes.py (its helpers, without the Celery workers): node B fills the shared cache
with the case page's parts, node A saves through the write services, and node B's next page shows
each change, because the service's bump reached Redis when its transaction committed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.reminders.conftest import followup_case, make_town
from tests.test_two_nodes import Browser, Node, start_web, wait_until_serving, with_password

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def web_nodes(django_db_setup, django_db_blocker) -> Iterator[tuple[Node, Node]]:
    with django_db_blocker.unblock():
        nodes = (start_web("cache-a"), start_web("cache-b"))
    try:
        for node in nodes:
            wait_until_serving(node)
        yield nodes
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait()


def test_a_write_through_one_node_shows_in_the_cached_parts_of_the_other(web_nodes):
    node_a, node_b = web_nodes
    town = make_town()
    with_password(town.owner)
    case = followup_case(town, timezone.localdate() + datetime.timedelta(days=30))
    page = reverse("cases:detail", args=[case.reference])
    browser = Browser()
    assert browser.sign_in(node_a, town.owner.username).status == 302

    def on_b() -> str:
        answer = browser.get(node_b, page)
        assert answer.status == 200
        return answer.text

    def through_a(name: str, fields: dict[str, str]) -> None:
        answer = browser.post(node_a, reverse(f"cases:{name}", args=[case.reference]), fields)
        assert answer.status == 302, answer.text[-2000:]

    assert case.title in on_b()
    # Behind the services' back (no bump): node B keeps serving its cached parts...
    Case.objects.filter(pk=case.pk).update(title="Ändrad direkt i databasen")
    assert "Ändrad direkt i databasen" not in on_b()
    assert case.title in browser.get(node_a, page).text  # ...and so does node A, from Redis

    # ...until a service changes the case through node A: every part it touches, on node B.
    through_a("add_note", {"text": "Samtal med skolan genomfört"})
    after_note = on_b()
    assert "Samtal med skolan genomfört" in after_note
    assert "Ändrad direkt i databasen" in after_note  # the case's version covers every part

    through_a("add_subject", {"pseudonym": "Elev K", "age_band": "", "residence": ""})
    assert "Elev K" in on_b()

    case.refresh_from_db()
    through_a(
        "edit",
        {
            "version": str(case.version),
            "areas": "vbe",
            "setting": case.setting,
            "title": "Klotter vid idrottshallen",
            "description": "Symboler på väggarna.",
            "discovery": "",
        },
    )
    assert "Klotter vid idrottshallen" in on_b()

    through_a(
        "contact_add",
        {
            "on": timezone.localdate().isoformat(),
            "kind": "call",
            "who": "samordnare, elevhälsan",
            "note": "",
        },
    )
    assert "samordnare, elevhälsan" in on_b()
