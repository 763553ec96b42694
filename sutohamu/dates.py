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
        raise ValidationError(
            {field: ValidationError(ERROR_END_BEFORE_START, code="end_before_start")}
        )


# The range of dates any form accepts: nothing in the cooperation happened before 2000, and
# nothing is planned more than ten years ahead. It keeps year 1 and 9999 (and the overflow of
# "the day after 9999-12-31") out of every query and record.
EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10

ERROR_IMPLAUSIBLE_DATE = _("Enter a date between %(earliest)s and %(latest)s.")
ERROR_FUTURE_DATE = _("The date cannot be in the future.")


def latest_plausible_date(today: datetime.date | None = None) -> datetime.date:
    day = today or timezone.localdate()
    try:
        return day.replace(year=day.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return day.replace(year=day.year + YEARS_AHEAD, day=28)


def validate_plausible_date(value: datetime.date | None) -> None:
    """Refuse a date outside EARLIEST_DATE .. ten years from today (code "implausible_date")."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    latest = latest_plausible_date()
    if not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            ERROR_IMPLAUSIBLE_DATE,
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()},
        )


def validate_not_future(value: datetime.date | None) -> None:
    """For what has happened (a consent given, an informed authority): not after today."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day > timezone.localdate():
        raise ValidationError(ERROR_FUTURE_DATE, code="future_date")
