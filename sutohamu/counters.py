"""Gap-free numbers: the next number of a counter row, taken under a row lock.

Case numbers (per municipality and year) and decision numbers (per body and year) are counted
the same way: the row is made if it is missing (a concurrent maker is ignored, not an error),
locked, raised by one in the database and read back. Called inside the caller's transaction, a
rolled-back intake or decision gives its number back, so the sequence has no holes.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


def next_number(model: type[models.Model], **key: Any) -> int:
    """Raise the counter `model` row with these key fields by one and return its new number.

    The model has a `last_number` field and a unique constraint over the key fields; call this
    inside a transaction (the lock is held until it ends).
    """
    model._default_manager.bulk_create([model(**key)], ignore_conflicts=True)
    counter = model._default_manager.select_for_update().get(**key)
    counter.last_number = F("last_number") + 1  # type: ignore[attr-defined]
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return int(counter.last_number)  # type: ignore[attr-defined]
