"""Date rules shared by every dated record (roles, memberships, measures, consent)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ERROR_END_BEFORE_START = _("The end date cannot be before the start date.")


def in_force(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Started on or before the day and not ended before it (the end day itself counts).

    `prefix` filters through a relation, e.g. "memberships__".
    """
    day = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def validate_date_order(start: datetime.date | None, end: datetime.date | None, field: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: ERROR_END_BEFORE_START})
