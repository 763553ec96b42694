"""Template access to the signed-in person's capabilities, for role-based navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .capabilities import capabilities_of


def capabilities(request: HttpRequest) -> dict[str, object]:
    return {"caps": SimpleLazyObject(lambda: {str(c) for c in capabilities_of(request.user)})}
