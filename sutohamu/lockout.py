"""Sign-in lockout: django-axes locks a name at one address; this also throttles an address.

Axes counts failures per (account name, address), so a colleague elsewhere is never locked out by
someone guessing at their name. An address hammering many names is refused once its failures over
all names reach AXES_ADDRESS_FAILURE_LIMIT within the cool-off period: set well above one
person's typos, so a town hall behind one NAT address keeps signing in. Correct sign-ins count
for nothing.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer, or the one TRUSTED_PROXY_COUNT proxies vouch for."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address over all account names, within the cool-off."""
    address = get_client_ip_address(request)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class AddressThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler, also locked when the address alone has failed too often."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def user_login_failed(
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        """Record the failure; an address over its limit gets the lockout page, not the form."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and (
            address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT
        ):
            request.axes_locked_out = True
