"""The coordinator's desk: sections, filters, search, and a constant number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, MeasureStatus
from cases.desk_rows import desk_deferred
from cases.models import Case
from cases.selectors import DESK_PAGE_SIZE
from tests.cases.factories import CaseFactory, ConsentFactory, MeasureFactory

pytestmark = pytest.mark.django_db


def test_desk_shows_my_states_waiting_measures_due_and_consent_expiring(client, coordinator):
    user, town = coordinator
    waiting = CaseFactory(municipality=town, owner=user, status=CaseStatus.REPORTED)
    working = CaseFactory(municipality=town, owner=user, status=CaseStatus.MEASURES)
    MeasureFactory(
        case=working,
        status=MeasureStatus.ONGOING,
        planned_end=timezone.localdate() + datetime.timedelta(days=3),
    )
    ConsentFactory(case=working, expires_on=timezone.localdate() + datetime.timedelta(days=10))
    CaseFactory(municipality=town, owner=user, status=CaseStatus.CLOSED)
    client.force_login(user)
    body = client.get(reverse("cases:desk")).content.decode()
    assert f"{waiting.reference}</span></a>" in body
    assert "Insatser pågår</a>: <strong>1</strong>" in body
    assert "Inkommen</a>: <strong>1</strong>" in body
    assert "Personalutbildning" in body  # the measure due
    assert "Elev" in body  # the pseudonym whose consent expires


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "andt"}, {"A"}),
        ({"status": "assessing"}, {"B"}),
        ({"q": "-0003"}, {"C"}),
        ({}, {"A", "B"}),
    ],
)
def test_desk_filters(client, coordinator, params, expected):
    user, town = coordinator
    cases = {
        "A": CaseFactory(municipality=town, number=1, areas=",andt,", status=CaseStatus.REPORTED),
        "B": CaseFactory(municipality=town, number=2, areas=",vbe,", status=CaseStatus.ASSESSING),
        "C": CaseFactory(municipality=town, number=3, areas=",vbe,", status=CaseStatus.CLOSED),
    }
    client.force_login(user)
    body = client.get(reverse("cases:desk"), params).content.decode()
    shown = {k for k, c in cases.items() if f">{c.reference}</span></a>" in body}
    assert shown == expected


def test_desk_filter_by_owner(client, coordinator):
    user, town = coordinator
    mine = CaseFactory(municipality=town, owner=user)
    theirs = CaseFactory(municipality=town)
    client.force_login(user)
    body = client.get(reverse("cases:desk"), {"owner": user.pk}).content.decode()
    assert f">{mine.reference}</span></a>" in body
    assert f">{theirs.reference}</span></a>" not in body


def build(town, user, rows):
    with desk_deferred():  # each case's desk rows once, at the end, as a bulk loader does
        _build(town, user, rows)


def _build(town, user, rows):
    for index in range(rows):
        case = CaseFactory(
            municipality=town,
            owner=user,
            status=[CaseStatus.REPORTED, CaseStatus.MEASURES][index % 2],
        )
        if index % 5 == 0:
            MeasureFactory(case=case, planned_end=timezone.localdate())
            ConsentFactory(case=case, expires_on=timezone.localdate() + datetime.timedelta(days=5))


@pytest.mark.parametrize("rows", [5, 80])
def test_desk_uses_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries, rows
):
    user, town = coordinator
    build(town, user, rows)
    client.force_login(user)
    # 8 for every signed-in request (see tests/councils/test_query_counts.py), then: owners for
    # the filter, state counts, waiting, measures due, measures without dates, consents
    # expiring, escalations waiting, page count, page rows.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("cases:desk"))
    assert response.status_code == 200
    # The table is paged (the sections above it link some cases too): every case built is
    # shown when they fit on one page, and at least a full page of them otherwise.
    body = response.content.decode()
    shown = [
        c for c in Case.objects.filter(municipality=town) if f">{c.reference}</span></a>" in body
    ]
    assert len(shown) >= min(rows, DESK_PAGE_SIZE)


@pytest.mark.parametrize("rows", [5, 80])
def test_start_page_with_cases_uses_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries, rows
):
    user, town = coordinator
    build(town, user, rows)
    client.force_login(user)
    # 8 per request, then the case counts, the escalation queue counts, the notifications.
    with django_assert_max_num_queries(16):
        body = client.get(reverse("home")).content.decode()
    assert f"{rows} öppna ärenden" in body


@pytest.mark.parametrize("rows", [5, 80])
def test_export_uses_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries, rows
):
    user, town = coordinator
    build(town, user, rows)
    client.force_login(user)
    # 8 per request, then owners, the cases, and one bulk insert into the read log.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("cases:export"))
    assert response.content.decode("utf-8-sig").count(f"{town.code}-") == rows
    assert Case.objects.count() == rows


@pytest.mark.parametrize("rows", [5, 80])
def test_my_reports_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    from accounts.choices import Role
    from tests.accounts.factories import RoleAssignmentFactory

    role = RoleAssignmentFactory(role=Role.COUNCIL_MEMBER)
    CaseFactory.create_batch(rows, municipality=role.organisation, reported_by=role.user)
    client.force_login(role.user)
    # The per-request queries, then the person's reports, their first titles (history) and
    # their status changes (issue 11, point 1).
    with django_assert_max_num_queries(12):
        body = client.get(reverse("cases:my_reports")).content.decode()
    assert body.count(f'<td><span class="ref">{role.organisation.code}-') == rows


@pytest.mark.parametrize("rows", [5, 80])
def test_read_log_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, rows):
    from accounts.choices import Role
    from cases.models import CaseRead
    from tests.accounts.factories import RoleAssignmentFactory

    reader = RoleAssignmentFactory(role=Role.COORDINATOR).user
    cases = CaseFactory.create_batch(min(rows, 50))
    CaseRead.objects.bulk_create(
        CaseRead(user=reader, case=cases[i % len(cases)], kind="page") for i in range(rows)
    )
    client.force_login(RoleAssignmentFactory(role=Role.DATA_PROTECTION_OFFICER).user)
    # 8 per request, then the count for the pages and one page of reads with people and cases.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("cases:read_log"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == min(rows, 100)


def test_an_export_larger_than_the_limit_is_refused_not_cut(client, coordinator, monkeypatch):
    """2,000 rows by default; a selection over it gets a Swedish 400 and no read-log rows."""
    from cases.models import CaseRead
    from cases.views import desk

    user, town = coordinator
    build(town, user, 4)
    client.force_login(user)
    monkeypatch.setattr(desk, "EXPORT_LIMIT", 3)
    response = client.get(reverse("cases:export"), {"status": ""})
    assert response.status_code == 400
    assert "rymmer högst 3 ärenden" in response.content.decode()
    assert not CaseRead.objects.exists()
    monkeypatch.setattr(desk, "EXPORT_LIMIT", 4)
    response = client.get(reverse("cases:export"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count(f"{town.code}-") == 4
    assert CaseRead.objects.count() == 4


def test_every_reference_on_the_desk_links_to_its_case(login):
    """The escalation and measure panels link their receiver or measure, never the reference."""
    page = login("samordnare.sunne").get(reverse("cases:desk")).content.decode()
    pattern = r'<a href="([^"]+)"><span class="ref">([A-Z]{3}-\d{4}-\d{4})</span></a>'
    links = re.findall(pattern, page)
    assert len(links) > 3
    assert [href for href, ref in links if href != f"/arenden/{ref}/"] == []
    assert "/arenden/eskalering/" in page  # the escalations keep their own links
