"""Decisions numbered per body and year under concurrency: distinct, gap-free references."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.choices import Role
from meetings import services
from meetings.models import Decision, Meeting
from tests.accounts.factories import user_with_role

from .factories import working_group

THREADS = 5


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_get_distinct_gap_free_numbers():
    body, towns = working_group()
    user = user_with_role(Role.COORDINATOR)
    start = datetime.datetime(2026, 3, 10, 13, tzinfo=timezone.get_current_timezone())
    meeting = Meeting.objects.create(
        body=body, starts_at=start, ends_at=start + datetime.timedelta(hours=3), host=towns[0]
    )
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def decide(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.decision_add(meeting=meeting, text=f"Beslut {index}.", by=user)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    references = sorted(Decision.objects.values_list("reference", flat=True))
    assert references == [f"SUTOHAMU-2026-{n:03d}" for n in range(1, THREADS + 1)]
