"""Nobody sets another person's password: a one-time, expiring enrolment link does, with the
second factor, and every such change is listed for the data protection officer and told to the
person.

The administrator makes the link (for a new account, or when someone has lost their password or
phone); it is mailed to the person when they have an address, otherwise shown once to the
administrator to hand over. Opening it, the person chooses a password and enrols an
authenticator app in the same step; the link then stops working. Only the token's SHA-256 is
stored.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import twofactor
from .models import AccountEventKind, EnrolmentLink, User

LINK_VALID_FOR = datetime.timedelta(hours=72)

ERROR_OWN_LINK = _("Nobody makes an enrolment link for themselves: ask another administrator.")
ERROR_PASSWORDS_DIFFER = _("The two passwords are not the same.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("enrol_with_link", args=[token])


@transaction.atomic
def enrolment_link_create(*, user: User, by: User) -> tuple[str, bool]:
    """A new link for the person (earlier unused ones stop working); (the link, mailed?)."""
    if user.pk == by.pk:
        raise ValidationError(ERROR_OWN_LINK, code="own_enrolment_link")
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(
        user=user, by=by, token_sha256=_digest(token), expires_at=now + LINK_VALID_FOR
    )
    twofactor.record_sign_in_change(user=user, by=by, kind=AccountEventKind.LINK)
    url = link_url(token)
    if not user.email:
        return url, False
    body = gettext(
        "Open this link within three days to choose your password and set up two-factor "
        "sign-in for SuToHaMu. It works once.\n\n%(url)s"
    ) % {"url": url}
    transaction.on_commit(
        lambda: EmailMessage(gettext("Sign in to SuToHaMu"), body, to=[user.email]).send()
    )
    return url, True


def valid_link(token: str) -> EnrolmentLink | None:
    return (
        EnrolmentLink.objects.select_related("user", "by")
        .filter(
            token_sha256=_digest(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


class EnrolmentForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(ERROR_PASSWORDS_DIFFER, code="differ"))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


@transaction.atomic
def enrol_with_link(
    *, link: EnrolmentLink, password: str, code: str
) -> tuple[User, TOTPDevice, list[str]]:
    """Set the password and confirm the authenticator together; the link is used up.

    Returns the person (with the new password), the device and the new backup codes (shown
    once).
    """
    locked = EnrolmentLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None or locked.expires_at <= timezone.now():
        raise ValidationError(twofactor.ERROR_BAD_CODE, code="link_used")
    user = locked.user
    device = twofactor.pending_app(user)
    if not device.verify_token(code.replace(" ", "")):
        raise ValidationError(twofactor.ERROR_BAD_CODE, code="bad_code")
    user.set_password(password)
    user.save(update_fields=["password"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    twofactor.record_sign_in_change(user=user, by=user, kind=AccountEventKind.ENROLLED)
    return user, device, twofactor.new_backup_codes(user)
