"""Shared helpers of the security tests: sign in with a password, as a browser would."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def two_factor_on(settings):
    """The suite runs with two-factor sign-in off (tests/conftest.py); these tests switch it on."""
    settings.TWO_FACTOR_REQUIRED = True
    # No waiting between tries: throttling is django-otp's concern, the flow is ours.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_sign_in(client, username: str, password: str = "demo", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)
