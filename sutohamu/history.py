"""A readable change log for any model with django-simple-history.

Shown on an object's page: who changed what, when, from which value to which. Related objects
are named through one query per related model, never one per change.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

if TYPE_CHECKING:
    # django-stubs' placeholder for AUTH_USER_MODEL (sutohamu imports no app, see http.py).
    from django.contrib.auth.models import _User as User

# The instance attributes django-simple-history reads when it writes the record of a save. They
# are not fields, so no model declares them: the setters below are the one place they are set.
HISTORY_USER_ATTRIBUTE = "_history_user"
CHANGE_REASON_ATTRIBUTE = "_change_reason"
HISTORY_DATE_ATTRIBUTE = "_history_date"


def set_history_user(obj: models.Model, user: User | None) -> None:
    """Who makes the object's next save, for its history record (also outside a request)."""
    setattr(obj, HISTORY_USER_ATTRIBUTE, user)


def set_change_reason(obj: models.Model, reason: str | None) -> None:
    """Why the object's next save is made, for its history record."""
    setattr(obj, CHANGE_REASON_ATTRIBUTE, reason)


def set_history_date(obj: models.Model, when: datetime.datetime) -> None:
    """When the object's next records say they happened (staging the past: the demo's history)."""
    setattr(obj, HISTORY_DATE_ATTRIBUTE, when)


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class LogEntry:
    when: datetime.datetime
    who: Any
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def change_log(obj: models.Model, limit: int = 50) -> list[LogEntry]:
    records = list(
        get_history_manager_for_model(obj)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    pending: list[tuple[LogEntry, models.Field, Any, Any]] = []
    entries: list[LogEntry] = []
    for index, record in enumerate(records[:limit]):
        entry = LogEntry(
            when=record.history_date,
            who=record.history_user,
            action=_action_label(record.history_type),
            reason=record.history_change_reason or "",
        )
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            for delta in record.diff_against(previous).changes:
                model_field = _concrete_field(model, delta.field)
                if model_field is not None:
                    pending.append((entry, model_field, delta.old, delta.new))
        entries.append(entry)
    names = _related_names(pending)
    for entry, model_field, old, new in pending:
        entry.changes.append(
            Change(
                str(model_field.verbose_name).capitalize(),
                _display(model_field, old, names),
                _display(model_field, new, names),
            )
        )
    return entries


def _action_label(history_type: str) -> str:
    return {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}[history_type]


def _concrete_field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        found = model._meta.get_field(name)
    except Exception:
        return None
    # Only a model's own fields have values in its history (no reverse relations, no m2m).
    return found if isinstance(found, models.Field) and not found.many_to_many else None


def _related_names(pending: list[tuple[LogEntry, models.Field, Any, Any]]) -> dict:
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for _entry, model_field, old, new in pending:
        related = model_field.related_model
        # A concrete relation's related_model is a model class once the app registry is ready.
        if model_field.is_relation and isinstance(related, type):
            wanted[related] |= {v for v in (old, new) if v is not None}
    return {
        (related, obj.pk): str(obj)
        for related, ids in wanted.items()
        for obj in related._default_manager.filter(pk__in=ids)
    }


def _display(model_field: models.Field, value: Any, names: dict) -> str:
    if value in (None, ""):
        return "–"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
