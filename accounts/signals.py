"""Sign-in bookkeeping that must not write a history row per sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone


def record_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    # A queryset update: Django's own handler saves the model, which would add a history row.
    get_user_model().objects.filter(pk=user.pk).update(last_login=timezone.now())
