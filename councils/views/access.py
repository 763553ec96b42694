"""Who may open the cooperation's pages at all: anyone signed in with an active role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.capabilities import active_roles


def member_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Signed in and holding an active role: a member of the cooperation."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not active_roles(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
