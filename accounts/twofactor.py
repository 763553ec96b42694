"""Two-factor sign-in: who must use it, enrolment, verification, backup codes, reset.

Every role that reaches case content or the access log needs a second factor (an authenticator
app, TOTP, or a one-time backup code); for the others it is optional, but whoever has enrolled is
asked for it. The rule follows `capabilities.py`, so a new role that opens case content needs two
factors without any change here. `settings.TWO_FACTOR_REQUIRED` switches it all off for the
embedded demo; `check --deploy` refuses that in production (sutohamu/checks.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .capabilities import (
    CASE_CONTENT_CAPABILITIES,
    ROLE_CAPABILITIES,
    Capability,
    active_roles,
)
from .choices import Role
from .models import AccountEventKind, TwoFactorReset
from .notifications import notify

if TYPE_CHECKING:
    from .capabilities import AnyUser
    from .models import User

log = logging.getLogger(__name__)

# Whoever holds a role granting one of these must sign in with two factors.
# Case content and the access log, and account management: an administrator with a password
# alone could otherwise give a new account a coordinator's role and enrol its app.
TWO_FACTOR_CAPABILITIES: frozenset[Capability] = CASE_CONTENT_CAPABILITIES | {
    Capability.READ_ACCESS_LOG,
    Capability.MANAGE_ACCOUNTS,
}
BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "backup"

ERROR_BAD_CODE = _("The code is not valid. Check the time on your phone and try a new code.")
NOTIFICATION_KIND = "accounts.sign_in_changed"
NOTIFICATION_MESSAGE = _("Your sign-in was changed: %(what)s")

ERROR_OWN_RESET = _("Nobody resets their own two-factor sign-in: ask another administrator.")


def role_requires_two_factor(role: str) -> bool:
    return bool(ROLE_CAPABILITIES[Role(role)] & TWO_FACTOR_CAPABILITIES)


def needs_two_factor(user: AnyUser) -> bool:
    """True when a role in force today reaches case content or the access log."""
    return any(role_requires_two_factor(a.role) for a in active_roles(user))


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: AnyUser) -> bool:
    """Signed in with a second factor in this session (django-otp's middleware sets it)."""
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(check and check())


# Enrolment ----------------------------------------------------------------------------------


def pending_app(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: one per person, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI, made here: the secret never leaves the server."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for an app that cannot scan."""
    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_app(*, request: HttpRequest, user: User, token: str) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns new backup codes.

    The new app replaces any earlier one, and the session counts as verified by it.
    """
    device = pending_app(user)
    if not device.verify_token(_clean(token)):
        raise ValidationError(ERROR_BAD_CODE, code="bad_code")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    mark_verified(request, device)
    return new_backup_codes(user)


@transaction.atomic
def new_backup_codes(user: User) -> list[str]:
    """Ten new one-time codes; earlier ones stop working. Shown once, stored only here."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Verification -------------------------------------------------------------------------------


def verify(*, request: HttpRequest, user: User, token: str) -> Device:
    """Check a code from the app or a backup code (used up); the session counts as verified."""
    device = match_token(user, _clean(token))
    if device is None:
        raise ValidationError(ERROR_BAD_CODE, code="bad_code")
    mark_verified(request, device)
    return device


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session counts as verified, under a new key (and CSRF token), as at sign-in: a key
    seen before the second factor (on a shared computer, say) is worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )


# Reset by the administrator -----------------------------------------------------------------


@transaction.atomic
def record_sign_in_change(*, user: User, by: User, kind: AccountEventKind) -> TwoFactorReset:
    """List the change for the data protection officer and tell the person (in the app, and by
    mail where they have an address)."""
    event = TwoFactorReset(user=user, by=by, kind=kind)
    event.full_clean()
    event.save()
    what = str(kind.label)
    notify(user, NOTIFICATION_KIND, params={"what": what})
    if user.email:
        body = gettext(
            "%(what)s (%(when)s UTC). If this was not you or your administrator, tell your "
            "data protection officer."
        ) % {"what": what, "when": f"{event.at:%Y-%m-%d %H:%M}"}
        transaction.on_commit(
            lambda: EmailMessage(gettext("Your sign-in was changed"), body, to=[user.email]).send(
                fail_silently=True
            )
        )
    log.info("sign-in change %s user=%s by=%s", kind, user.pk, by.pk)
    return event


def reset_two_factor(*, user: User, by: User) -> TwoFactorReset:
    """Remove every second factor of a person (a lost phone): logged, shown to the DPO.

    A person who needs two factors must enrol again at their next request; a session already
    verified with a removed device no longer counts as verified.
    """
    if user.pk == by.pk:
        raise ValidationError(ERROR_OWN_RESET, code="own_two_factor")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return record_sign_in_change(user=user, by=by, kind=AccountEventKind.RESET)


# The middleware -----------------------------------------------------------------------------

# Reachable without the second factor: the two-factor pages, sign-out, language, static files.
EXEMPT_URL_NAMES = ("twofactor_verify", "twofactor_enrol", "logout", "login", "set_language")


class TwoFactorMiddleware:
    """Sends a signed-in person who owes a second factor to verification, or to enrol first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                settings.STATIC_URL or "/static/",
                "/healthz",
                *(reverse(name) for name in EXEMPT_URL_NAMES),
            )
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TWO_FACTOR_REQUIRED:
            target = self.owed_step(request)
            if target is not None:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    def owed_step(self, request: HttpRequest) -> str | None:
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        if request.path_info.startswith(self.exempt_prefixes()):
            return None
        required = needs_two_factor(user)
        if has_app(user):
            return "twofactor_verify"
        return "twofactor_enrol" if required else None


@admin.action(description=_("Reset two-factor sign-in (the person sets it up again)"))
def reset_two_factor_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> None:
    """The administrator's action on people: each reset is logged and listed for the DPO."""
    done = 0
    for user in queryset:
        try:
            reset_two_factor(user=user, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d person.",
                "Two-factor sign-in was reset for %(count)d people.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


def hide_device_admin() -> None:
    """django-otp registers its devices in the admin; here they are changed only by the reset
    action (a device's page would show the TOTP secret)."""
    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
