"""The meeting page's cached part (sutohamu.fragments): served from the cache until a write service
bumps a version it shows (the meeting with its items, attendance, decisions, checkers and
versions, the cases and escalations due, medskick, action items), and never shared between people.

Each write is made inside `committed()` (tests/caching.py), so the page that follows comes from
the cache and shows the change only because the service bumped the version.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Organisation, User
from cases.choices import CaseStatus
from cases.escalation import escalation_withdraw
from cases.models import Case, Escalation
from cases.services import case_transition
from councils.choices import MedskickStatus
from councils.models import Medskick
from councils.services import medskick_close
from meetings import access
from meetings.choices import ActionStatus, ItemKind, Trend
from meetings.models import ActionItem, AgendaItem
from meetings.services import (
    action_item_set_status,
    attendance_record,
    decision_add,
    item_add,
    item_move,
    item_remove,
    justering_set,
    minutes_approve,
    minutes_correct,
    minutes_save,
    present_people,
    seats_of,
    situation_report_submit,
)
from tests.caching import committed

from .conftest import coordinator_of, last_approved_working_group_meeting

pytestmark = pytest.mark.django_db

MEMBER = "samordnare.sunne"


def shown(client, meeting) -> str:
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def warm(coming, login):
    """A member's client with the coming meeting's agenda in the cache, and the agenda owner."""
    client = login(MEMBER)
    shown(client, coming)
    return client, User.objects.get(username=coordinator_of(coming.host))


def test_the_items_come_from_the_cache_until_a_service_bumps_the_meeting(coming, warm):
    client, owner = warm
    item = coming.items.get(kind=ItemKind.CASES)
    AgendaItem.objects.filter(pk=item.pk).update(text="Ändrad utan tjänsten")
    assert "Ändrad utan tjänsten" not in shown(client, coming)
    with committed():
        item_add(meeting=coming, title="Trygghetsvandring i centrum", text="", by=owner)
    page = shown(client, coming)
    assert "Ändrad utan tjänsten" in page and "Trygghetsvandring i centrum" in page


def test_a_warm_agenda_keeps_its_query_budget(coming, warm, django_assert_max_num_queries):
    client, _owner = warm
    # 9: savepoint and release (the atomic request), session, user, roles, the person's seats
    # (the parts' key), the meeting through the door, the bell's two. Everything below the
    # title is one cached part whose rows are read only on a miss (32 queries cold).
    with django_assert_max_num_queries(9):
        shown(client, coming)


def test_two_people_never_share_an_agenda_item(coming, warm, login):
    client, _owner = warm
    member_page = shown(client, coming)
    county = User.objects.get(username="lansstyrelsen")
    visible = set(Case.objects.visible_to(county).values_list("reference", flat=True))
    lines = access.case_lines(User.objects.get(username=MEMBER), coming)
    unseen = [line.reference for line in lines.lines if line.reference not in visible]
    assert unseen and all(reference in member_page for reference in unseen)
    county_page = shown(login("lansstyrelsen"), coming)
    assert not any(reference in county_page for reference in unseen)


def test_an_added_item_shows(coming, warm):
    client, owner = warm
    with committed():
        item_add(meeting=coming, title="Nattvandring i Sunne", text="Planering", by=owner)
    assert "Nattvandring i Sunne" in shown(client, coming)


def test_a_moved_item_shows_in_its_new_place(coming, warm):
    client, owner = warm
    last = coming.items.order_by("-position").first()
    with committed():
        item_move(item=last, to=1, by=owner)
    order = re.findall(r'<li id="punkt-(\d+)">', shown(client, coming))
    assert order[0] == str(last.pk)


def test_a_removed_item_is_gone(coming, warm):
    client, owner = warm
    with committed():
        added = item_add(meeting=coming, title="Tillfällig punkt", text="", by=owner)
    assert "Tillfällig punkt" in shown(client, coming)
    with committed():
        item_remove(item=added, by=owner)
    assert "Tillfällig punkt" not in shown(client, coming)


def test_notes_on_an_item_show(coming, warm):
    client, owner = warm
    item = coming.items.get(kind=ItemKind.MEDSKICK)
    with committed():
        minutes_save(meeting=coming, notes={item.pk: "Diskuterades kort"}, by=owner)
    assert "Diskuterades kort" in shown(client, coming)


def test_a_submitted_situational_picture_shows(coming, warm):
    client, _owner = warm
    item = coming.items.filter(kind=ItemKind.SITUATION).select_related("organisation").first()
    reporter = User.objects.get(username=coordinator_of(item.organisation))
    data = {"trend_andt": Trend.UP, "trend_crime": Trend.UP, "trend_vbe": Trend.DOWN}
    with committed():
        situation_report_submit(
            meeting=coming, organisation=item.organisation, data=data, by=reporter
        )
    assert "ANDT: Ökande" in shown(client, coming)


def test_a_done_action_item_leaves_the_later_agenda(coming, warm):
    client, owner = warm
    earlier = access.open_action_items(coming)
    assert earlier, "the demo has open action items from earlier meetings"
    item = earlier[0]
    assert item.title in shown(client, coming)
    with committed():
        action_item_set_status(item=item, status=ActionStatus.DONE, by=owner)
    assert item.title not in shown(client, coming)
    assert ActionItem.objects.get(pk=item.pk).status == ActionStatus.DONE


def test_a_closed_medskick_leaves_the_agenda(coming, warm):
    client, _owner = warm
    lines = access.medskick_lines(User.objects.get(username=MEMBER), coming)
    assert lines.lines, "the demo has open medskick for the working group"
    medskick = lines.lines[0]
    assert medskick.title in shown(client, coming)
    closer = User.objects.get(username=coordinator_of(Organisation.objects.get(code="SUN")))
    with committed():
        medskick_close(medskick=medskick, by=closer)
    assert Medskick.objects.get(pk=medskick.pk).status == MedskickStatus.CLOSED
    assert f"<li>{medskick.title} (" not in shown(client, coming)


def test_a_case_that_changes_status_changes_its_line(coming, warm):
    client, _owner = warm
    member = User.objects.get(username=MEMBER)
    line = access.case_lines(member, coming).lines[0]
    assert line.reference in shown(client, coming)
    case = Case.objects.get(reference=line.reference)
    to = CaseStatus.FOLLOW_UP if case.status == CaseStatus.MEASURES else CaseStatus.MEASURES
    with committed():
        case_transition(case=case, to=to, by=member, version=case.version, reason="Läget ändrat")
    after = access.case_lines(member, coming).lines
    assert [x.summary for x in after if x.reference == line.reference] != [line.summary]
    page = shown(client, coming)
    assert all(f"{x.reference}</strong>: {x.summary}" in page for x in after[:5])


def test_a_withdrawn_escalation_leaves_the_agenda(coming, login):
    client = login("samordnare.torsby")
    torsby = User.objects.get(username="samordnare.torsby")
    lines = access.escalation_lines(torsby, coming).lines
    assert lines
    escalation = Escalation.objects.select_related("case").get(pk=lines[0].pk)
    assert escalation.case.reference in shown(client, coming)
    sender = escalation.created_by
    with committed():
        escalation_withdraw(escalation=escalation, by=sender)
    assert f"<strong>{escalation.case.reference}</strong> →" not in shown(client, coming)


def test_a_seat_taken_away_in_the_admin_changes_the_persons_agenda_key(coming):
    """Seats change in the admin, past every service: the key must follow them at once."""
    member = User.objects.get(username=MEMBER)
    before = access.agenda_scope(member)
    seat = member.memberships.filter(end_date__isnull=True).first()
    assert seat is not None
    seat.end_date = seat.start_date
    seat.save(update_fields=["end_date"])
    assert access.agenda_scope(member) != before


def after_start(meeting):
    return time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=5), tick=False)


def test_recorded_attendance_shows(coming, warm):
    client, owner = warm
    assert 'id="attendance-heading"' not in shown(client, coming)
    seats = seats_of(coming)
    with committed():  # before the start: the meeting row itself is not saved
        attendance_record(meeting=coming, present=[s.user_id for s in seats], guests=[], by=owner)
    assert 'id="attendance-heading"' in shown(client, coming)


def test_named_checkers_a_decision_and_an_approval_show(coming, login):
    owner = User.objects.get(username=coordinator_of(coming.host))
    with committed():
        attendance_record(
            meeting=coming, present=[s.user_id for s in seats_of(coming)], guests=[], by=owner
        )
    chair, checker = [u for u in present_people(coming) if u.pk != owner.pk][:2]
    approve = reverse("meetings:minutes_approve", args=[coming.pk])
    with after_start(coming):
        client = login(checker.username)
        assert approve not in shown(client, coming)
        with committed():
            justering_set(meeting=coming, chair=chair, checkers=[checker], by=owner)
        assert approve in shown(client, coming)
        with committed():
            decision_add(meeting=coming, text="Trygghetsvandringen genomförs i maj.", by=owner)
        assert "Trygghetsvandringen genomförs i maj." in shown(client, coming)
        with committed():
            minutes_approve(meeting=coming, by=checker)
        page = shown(client, coming)
        # The only checker approved: the minutes are locked and their first version listed.
        assert approve not in page and 'id="versions-heading"' in page


def test_the_approval_button_follows_the_starting_hour(coming, login):
    owner = User.objects.get(username=coordinator_of(coming.host))
    chair, checker = [u for u in seats_of(coming) if u.user_id != owner.pk][:2]
    with committed():  # the page below is then cached under the committed versions
        attendance_record(
            meeting=coming, present=[s.user_id for s in seats_of(coming)], guests=[], by=owner
        )
        justering_set(meeting=coming, chair=chair.user, checkers=[checker.user], by=owner)
    approve = reverse("meetings:minutes_approve", args=[coming.pk])
    with time_machine.travel(coming.starts_at - datetime.timedelta(minutes=5), tick=False):
        page = shown(login(checker.user.username), coming)
        assert 'id="approval-refused"' in page and approve not in page
    with after_start(coming):
        assert approve in shown(login(checker.user.username), coming)


def test_a_correction_lists_its_new_version(demo, login):
    meeting = last_approved_working_group_meeting()
    owner = User.objects.get(username=coordinator_of(meeting.host))
    client = login(MEMBER)
    reason = "Stavfel i beslutet rättat"
    assert reason not in shown(client, meeting)
    with committed():
        minutes_correct(meeting=meeting, notes={}, decisions={}, reason=reason, by=owner)
    assert reason in shown(client, meeting)
