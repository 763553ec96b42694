"""The benchmark's two floors: what every signed-in request pays, and Django's own limit.

Mounted only with `BENCH_VIEWS=true` (never in production).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    """A signed-in page that does nothing: session, user and middleware only."""
    return HttpResponse(b"ok", content_type="text/plain")


def bare(request: HttpRequest) -> HttpResponse:
    """No session and no user: the framework's own cost on this machine."""
    return HttpResponse(b"ok", content_type="text/plain")
