"""The agenda: standing items, case lines without case text (a count for those who may not see),
reordering without JavaScript, refused input, sending."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification, User
from cases.models import Case
from meetings import access
from meetings.choices import ItemKind
from meetings.models import AgendaItem
from tests.demo_objects import NMR_TITLE, nmr_case

from .conftest import coordinator_of

pytestmark = pytest.mark.django_db

NMR = NMR_TITLE


def test_the_demo_agenda_has_its_standing_items(coming):
    items = list(coming.items.order_by("position"))
    kinds = [i.kind for i in items]
    situation = [i.organisation.code for i in items if i.kind == ItemKind.SITUATION]
    assert situation == ["SUN", "TOR", "HAG", "MUN"]
    regional = [i.organisation.code for i in items if i.kind == ItemKind.REGIONAL]
    assert sorted(regional) == ["AGERA", "LST-S", "LST-S"]  # VBE; ANDT and crime prevention
    for kind in (ItemKind.CASES, ItemKind.ESCALATIONS, ItemKind.MEDSKICK, ItemKind.ACTION_ITEMS):
        assert kinds.count(kind) == 1
    assert [i.position for i in items] == list(range(1, len(items) + 1))


def test_case_lines_show_reference_only_and_a_count_to_others(coming, login):
    nmr = nmr_case()
    sunne = User.objects.get(username="samordnare.sunne")
    lines = access.case_lines(sunne, coming)
    assert nmr.reference in [line.reference for line in lines.lines]
    page = login("samordnare.sunne").get(reverse("meetings:detail", args=[coming.pk]))
    text = page.content.decode()
    assert nmr.reference in text
    assert NMR not in text and nmr.description[:30] not in text
    assert "Elev A" not in text and "Elev C" not in text
    # Länsstyrelsen sits in the working group but sees no case: counts only.
    county = User.objects.get(username="lansstyrelsen")
    hidden = access.case_lines(county, coming)
    visible_refs = set(Case.objects.visible_to(county).values_list("reference", flat=True))
    assert all(line.reference in visible_refs for line in hidden.lines)
    assert hidden.hidden == lines.hidden + len(lines.lines) - len(hidden.lines) > 0
    page = login("lansstyrelsen").get(reverse("meetings:detail", args=[coming.pk]))
    text = page.content.decode()
    assert nmr.reference not in text or nmr.reference in visible_refs
    assert f"{hidden.hidden} ärenden som du inte har åtkomst till" in text


def test_the_torsby_escalation_is_on_the_agenda(coming, login):
    page = login("samordnare.torsby").get(reverse("meetings:detail", args=[coming.pk]))
    assert "Torsby kommun" in page.content.decode()
    lines = access.escalation_lines(User.objects.get(username="samordnare.torsby"), coming)
    assert [e.receiver.code for e in lines.lines] == ["TOR"]


def test_the_agenda_owner_reorders_without_javascript(coming, login):
    client = login(coordinator_of(coming.host))
    first, second = list(coming.items.order_by("position"))[:2]
    url = reverse("meetings:item_move", args=[coming.pk, first.pk])
    assert client.post(url, {"direction": "down"}).status_code == 302
    assert AgendaItem.objects.get(pk=first.pk).position == 2
    assert AgendaItem.objects.get(pk=second.pk).position == 1
    refused = client.post(url, {"to": 99})
    assert refused.status_code == 400
    assert "Välj en position från 1 till" in refused.content.decode()
    assert AgendaItem.objects.get(pk=first.pk).position == 2  # nothing moved
    assert client.post(url, {"to": "x"}).status_code == 400


def test_only_the_agenda_owner_changes_the_agenda(coming, login):
    other = "samordnare.munkfors" if coming.host.code != "MUN" else "samordnare.hagfors"
    item = coming.items.first()
    response = login(other).post(reverse("meetings:item_remove", args=[coming.pk, item.pk]))
    assert response.status_code == 403
    assert (
        login("styrgrupp.sunne").get(reverse("meetings:detail", args=[coming.pk])).status_code
        == 404
    )


def test_an_item_naming_a_person_is_refused_and_nothing_saved(coming, login):
    client = login(coordinator_of(coming.host))
    count = coming.items.count()
    response = client.post(
        reverse("meetings:item_add", args=[coming.pk]),
        {"title": "Samtal", "text": "Ring vårdnadshavaren på 070-123 45 67."},
    )
    assert response.status_code == 400
    assert "verkar innehålla" in response.content.decode()
    assert coming.items.count() == count


def test_sending_the_agenda_notifies_the_members(coming, login):
    owner = coordinator_of(coming.host)
    response = login(owner).post(reverse("meetings:agenda_send", args=[coming.pk]))
    assert response.status_code == 302
    told = set(
        Notification.objects.filter(
            kind="meetings.agenda_sent", link=reverse("meetings:detail", args=[coming.pk])
        ).values_list("user__username", flat=True)
    )
    assert {"agera", "lansstyrelsen", "kommunpolis", "samordnare.sunne"} <= told | {owner}
    assert owner not in told
    coming.refresh_from_db()
    assert coming.status == "agenda_sent"


def test_the_meeting_page_lists_a_first_part_of_the_case_lines_and_a_link_to_all(
    coming, login, monkeypatch
):
    """The page's size does not grow with the cases; `?arenden=alla` and the PDF list them all."""
    from meetings.views import meetings as views

    sunne = User.objects.get(username="samordnare.sunne")
    every = access.case_lines(sunne, coming)
    first = access.case_lines(sunne, coming, limit=1)
    assert len(every.lines) > 1
    assert first.lines == every.lines[:1]
    assert first.more == len(every.lines) - 1
    assert first.hidden == every.hidden
    monkeypatch.setattr(views, "AGENDA_CASE_LINES", 1)
    client = login("samordnare.sunne")
    page = client.get(reverse("meetings:detail", args=[coming.pk])).content.decode()
    assert page.count('class="case-lines"><li>') == 1 and page.count("</li></ul>") >= 1
    assert f"Visa alla, {first.more} ärenden till" in page or first.more == 1
    assert every.lines[1].reference not in page
    everything = client.get(reverse("meetings:detail", args=[coming.pk]), {"arenden": "alla"})
    assert all(line.reference in everything.content.decode() for line in every.lines)
