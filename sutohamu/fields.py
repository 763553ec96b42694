"""Free-text model fields that refuse personal data (see sutohamu.pii)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .pii import check_no_personal_data

if TYPE_CHECKING:
    # What the mixin is mixed into, for the type checker; at runtime it stays a plain mixin.
    _FieldBase = models.Field[Any, Any]
else:
    _FieldBase = object


class _Guarded(_FieldBase):
    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if isinstance(value, str):
            check_no_personal_data(value, str(self.verbose_name).capitalize())


class GuardedCharField(_Guarded, models.CharField):
    """A short free text (a title) that may not hold a personnummer, e-mail or phone number."""


class GuardedTextField(_Guarded, models.TextField):
    """A free text that may not hold a personnummer, e-mail or phone number."""
