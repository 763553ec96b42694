"""Concurrent intakes in one municipality get distinct references without gaps."""

import threading

import pytest
from django.db import connection

from accounts.choices import Role
from cases.models import Case
from cases.services import case_report
from councils.choices import Area
from tests.accounts.factories import RoleAssignmentFactory

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_parallel_intakes_get_distinct_gap_free_references():
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    user, town = role.user, role.organisation
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def intake(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            case_report(
                by=user,
                municipality=town,
                areas=[Area.CRIME],
                setting="school",
                title=f"Samtidig anmälan {index}",
                description="Samtidigt inskickad.",
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = sorted(Case.objects.filter(municipality=town).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    references = set(Case.objects.values_list("reference", flat=True))
    assert len(references) == THREADS
