"""Hostile input stops at the form: implausible dates and out-of-range numbers are a 400.

`install()` makes every Django form date, date-time and integer field of the process check its
value once it is parsed, so that every form of every app (and the admin, and forms written
later) refuses year 1 and 9999 (issue 14's probe: `date_to=9999-12-31` overflowed into a 500)
and a 23-digit number, with a Swedish message, without each form having to ask for it.
Model choice fields (single and multiple) refuse an id beyond the range of the column it is
looked up in as "not one of the choices" before any query: PostgreSQL answers such a lookup as
"no row", but SQLite cannot bind the number at all (an OverflowError, a 500 on the demo).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
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


def _integer_range(field: forms.ModelChoiceField) -> tuple[int, int] | None:
    """The range of the integer column the field looks its values up in (None: not integer)."""
    queryset = field.queryset
    if queryset is None:
        return None
    meta = queryset.model._meta
    column = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    if not isinstance(column, models.IntegerField | models.AutoField):
        return None
    low, high = connections[queryset.db].ops.integer_field_range(column.get_internal_type())
    return (
        -BIGGEST_INTEGER - 1 if low is None else max(low, -BIGGEST_INTEGER - 1),
        BIGGEST_INTEGER if high is None else min(high, BIGGEST_INTEGER),
    )


def validate_choice_ids(field: forms.ModelChoiceField, values: Any) -> None:
    """Refuse an integer id outside its column's range as an unknown choice."""
    bounds = _integer_range(field)
    if bounds is None:
        return
    for value in values:
        if value in field.empty_values:
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number: the lookup's own ValueError makes it an invalid choice
        if not bounds[0] <= number <= bounds[1]:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


def _checked_choice(original: Any) -> Any:
    def to_python(self: forms.ModelChoiceField, value: Any) -> Any:
        validate_choice_ids(self, [value])
        return original(self, value)

    setattr(to_python, _INSTALLED, True)
    return to_python


def _checked_choices(original: Any) -> Any:
    def check_values(self: forms.ModelMultipleChoiceField, value: Any) -> Any:
        try:
            values = frozenset(value)
        except TypeError:
            return original(self, value)  # its own "not a list" error
        validate_choice_ids(self, values)
        return original(self, value)

    setattr(check_values, _INSTALLED, True)
    return check_values


def install() -> None:
    """Wrap the parsing of Django's date, date-time, integer and model choice fields (once)."""
    single = forms.ModelChoiceField.__dict__["to_python"]
    if not getattr(single, _INSTALLED, False):
        forms.ModelChoiceField.to_python = _checked_choice(single)  # type: ignore[method-assign]
    multiple = forms.ModelMultipleChoiceField.__dict__["_check_values"]
    if not getattr(multiple, _INSTALLED, False):
        setattr(forms.ModelMultipleChoiceField, "_check_values", _checked_choices(multiple))  # noqa: B010
    for field_class, check in (
        (forms.DateField, validate_plausible_date),
        (forms.DateTimeField, validate_plausible_date),
        (forms.IntegerField, validate_integer_range),
    ):
        original = field_class.__dict__["to_python"]
        if not getattr(original, _INSTALLED, False):
            field_class.to_python = _checked(original, check)  # type: ignore[method-assign]
