"""Demo data plumbing shared by the apps' demo modules.

Each app has a `demo.py` with a `seed()` function; `manage.py seed_demo` (reports, the top app)
calls them in order. Everything is fictitious: no real person, address or case.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)

DEMO_PASSWORD = "demo"


def upsert(
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any] | None = None,
    create_only: dict[str, Any] | None = None,
) -> M:
    """Create or update a row, saving only when something differs (so history stays quiet).

    `create_only` values (dates relative to today, say) are set on creation and never updated.
    """
    values = values or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values, **(create_only or {}))
    changed = [k for k, v in values.items() if _current(obj, k, v) != _wanted(v)]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
    return obj


def _current(obj: models.Model, name: str, value: Any) -> Any:
    """The stored value; a relation by its key (no query to load the related row)."""
    if isinstance(value, models.Model):
        return obj.serializable_value(name)
    return getattr(obj, name)


def _wanted(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value
