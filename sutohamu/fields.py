"""Free-text model fields that refuse personal data (see sutohamu.pii)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from . import formfields
from .pii import check_no_personal_data, context_for

if TYPE_CHECKING:
    # What the mixin is mixed into, for the type checker; at runtime it stays a plain mixin.
    _FieldBase = models.Field[Any, Any]
else:
    _FieldBase = object

# Every form date field refuses implausible dates and every form integer one out-of-range ids.
# Installed here because every app's models import this module before any form is built.
formfields.install()


class _Guarded(_FieldBase):
    """`guard_context` picks the guard's message (sutohamu.pii.MESSAGES); by default it follows
    the model: cases, medskick, meetings, anything else. It is not part of the migration state."""

    def __init__(self, *args: Any, guard_context: str | None = None, **kwargs: Any) -> None:
        self.guard_context = guard_context
        super().__init__(*args, **kwargs)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        if isinstance(value, str):
            context = self.guard_context or context_for(model_instance or self.model)
            check_no_personal_data(value, str(self.verbose_name).capitalize(), context)


class GuardedCharField(_Guarded, models.CharField):
    """A short free text (a title) that may not hold personal data."""


class GuardedTextField(_Guarded, models.TextField):
    """A free text that may not hold personal data."""
