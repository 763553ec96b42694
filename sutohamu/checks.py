"""Deployment checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

E_TWO_FACTOR_OFF = Error(
    "TWO_FACTOR_REQUIRED is off while DEBUG is off.",
    hint="Only the embedded demo may switch two-factor sign-in off; unset TWO_FACTOR_REQUIRED.",
    id="sutohamu.E001",
)


def two_factor_required(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A production deployment (DEBUG off) refuses to run without two-factor sign-in."""
    if not settings.DEBUG and not settings.TWO_FACTOR_REQUIRED:
        return [E_TWO_FACTOR_OFF]
    return []


def register_checks() -> None:
    """The project's deploy checks (called from SuToHaMuAdminConfig.ready)."""
    register(two_factor_required, Tags.security, deploy=True)
