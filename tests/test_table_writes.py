"""The write counts that the refused-post checks rely on (tests/table_writes.py): a table with a
row inserted, updated or deleted is read again, in a savepoint rolled back too, and a table
nobody wrote keeps its earlier reading without being read."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accounts.models import Organisation
from tests.councils.factories import OrganisationFactory
from tests.table_writes import Watched

pytestmark = pytest.mark.django_db

TABLE = Organisation._meta.db_table
OTHER = "django_content_type"


def row_counts(tables: list[str]) -> dict[str, int]:
    reads.append(sorted(tables))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


reads: list[list[str]] = []


def test_a_written_table_is_read_again_and_an_unwritten_one_is_not():
    reads.clear()
    watched = Watched([TABLE, OTHER], row_counts)
    assert reads == [sorted([TABLE, OTHER])]
    before = watched.now()
    assert reads == [sorted([TABLE, OTHER])]  # nothing written, nothing read

    organisation = OrganisationFactory()
    assert watched.now()[TABLE] == before[TABLE] + 1
    assert reads[-1] == [TABLE]

    Organisation.objects.filter(pk=organisation.pk).update(name="Skrivprovet")
    reads.clear()
    assert watched.now()[TABLE] == before[TABLE] + 1
    assert reads == [[TABLE]]  # an update is a write, whatever it changed

    organisation.delete()
    assert watched.now() == before


def test_a_write_rolled_back_in_a_savepoint_is_read_again_and_shows_nothing_changed():
    reads.clear()
    watched = Watched([TABLE], row_counts)
    before = watched.now()
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory()
        raise RuntimeError
    assert watched.now() == before
    assert reads == [[TABLE], [TABLE]]
