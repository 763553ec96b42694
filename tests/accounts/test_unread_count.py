"""The bell's stored unread count (accounts.models.UnreadCount), kept by the notification code.

After any sequence of notifications made (one at a time or in bulk, about nothing or about a
case), one read and all read, the stored counts equal a count of the notifications, and the bell
shows what the list shows. The bell costs one indexed read per page, once per request.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Notification, UnreadCount, User
from accounts.notifications import (
    build,
    mark_all_read,
    mark_read,
    notify,
    recount,
    unread_count,
    visible_to,
)
from tests.cases.factories import CaseFactory
from tests.reminders.conftest import Town, town  # noqa: F401 - the fixture

KIND = "cases.new_case"

steps = st.lists(
    st.one_of(
        st.tuples(st.just("notify"), st.integers(0, 1), st.booleans()),
        st.tuples(st.just("bulk"), st.lists(st.integers(0, 1), max_size=4), st.booleans()),
        st.tuples(st.just("read"), st.integers(0, 1), st.integers(0, 20)),
        st.tuples(st.just("read_all"), st.integers(0, 1), st.just(None)),
    ),
    max_size=14,
)


def stored(user: User) -> dict[str, int]:
    return dict(UnreadCount.objects.filter(user=user).exclude(n=0).values_list("target_type", "n"))


def recomputed(user: User) -> dict[str, int]:
    return dict(
        Counter(
            Notification.objects.filter(user=user).unread().values_list("target_type", flat=True)
        )
    )


def _apply(step: tuple, people: list[User], case: object) -> None:
    action, who, arg = step
    if action == "notify":
        notify(people[who], KIND, params={"reference": "X"}, target=case if arg else None)
    elif action == "bulk":
        Notification.objects.bulk_create(
            build(people[i], KIND, params={"reference": "Y"}, target=case if arg else None)
            for i in who
        )
    elif action == "read":
        mine = list(Notification.objects.filter(user=people[who]).order_by("pk"))
        if mine:
            mark_read(people[who], mine[arg % len(mine)])
    else:
        mark_all_read(people[who])


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps)
def test_the_stored_count_equals_a_recount_after_any_sequence(town: Town, sequence):  # noqa: F811
    with transaction.atomic():
        case = CaseFactory(municipality=town.municipality, owner=town.owner)
        people = [town.owner, town.colleague]
        for step in sequence:
            _apply(step, people, case)
        for person in people:
            assert stored(person) == recomputed(person)
            fresh = User.objects.get(pk=person.pk)  # no copy of the counts kept on the object
            assert unread_count(fresh) == visible_to(fresh).unread().count()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_recount_repairs_counts_after_rows_removed_in_bulk(town: Town):  # noqa: F811
    for _ in range(3):
        notify(town.owner, KIND, params={"reference": "Z"})
    Notification.objects.filter(pk=Notification.objects.first().pk).delete()
    assert stored(town.owner) == {"": 3}
    recount([town.owner.pk])
    assert stored(town.owner) == recomputed(town.owner) == {"": 2}


@pytest.mark.django_db
def test_the_start_page_reads_the_stored_counts_once(demo, login):
    """The bell (base.html) and the start page's list share one read of the stored counts."""
    client = login("samordnare.sunne")
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        assert client.get(reverse("home")).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "accounts_unreadcount" in q["sql"]]
    assert len(reads) == 1
    # The old per-kind count of the notifications themselves is gone from the page.
    assert not [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "accounts_notification"' in q["sql"] and "GROUP BY" in q["sql"]
    ]


@pytest.mark.django_db
def test_the_bell_is_an_inline_icon_beside_its_swedish_name(demo, login):
    page = login("samordnare.sunne").get(reverse("home")).content.decode()
    start = page.index('class="notification-bell')
    bell = page[start : page.index("</a>", start)]
    assert '<svg class="notification-bell__icon" aria-hidden="true" focusable="false"' in bell
    assert "&#128276;" not in bell and "\N{BELL}" not in bell
    assert "Notiser" in bell
