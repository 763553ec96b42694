"""Hostile input stops at the form: implausible dates and out-of-range numbers are a 400.

`install()` makes every Django form date, date-time and integer field of the process check its
value once it is parsed, so that every form of every app (and the admin, and forms written
later) refuses year 1 and 9999 (issue 14's probe: `date_to=9999-12-31` overflowed into a 500)
and a 23-digit number, with a Swedish message, without each form having to ask for it.
Model choice fields already refuse an unknown or out-of-range id as "not one of the choices".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import validate_plausible_date

# The widest integer any column of the project holds (PostgreSQL bigint).
BIGGEST_INTEGER = 2**63 - 1
ERROR_NUMBER_TOO_LARGE = _("The number is too large.")

_INSTALLED = "_sutohamu_plausible_input"


def validate_integer_range(value: int | None) -> None:
    if value is not None and abs(value) > BIGGEST_INTEGER:
        raise ValidationError(ERROR_NUMBER_TOO_LARGE, code="number_too_large")


def _checked(original: Any, check: Any) -> Any:
    def to_python(self: forms.Field, value: Any) -> Any:
        parsed = original(self, value)
        check(parsed)
        return parsed

    setattr(to_python, _INSTALLED, True)
    return to_python


def install() -> None:
    """Wrap the parsing of Django's date, date-time and integer form fields (once)."""
    for field_class, check in (
        (forms.DateField, validate_plausible_date),
        (forms.DateTimeField, validate_plausible_date),
        (forms.IntegerField, validate_integer_range),
    ):
        original = field_class.__dict__["to_python"]
        if not getattr(original, _INSTALLED, False):
            field_class.to_python = _checked(original, check)  # type: ignore[method-assign]
