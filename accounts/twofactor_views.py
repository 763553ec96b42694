"""Pages of two-factor sign-in: enrol an authenticator app, verify, new backup codes; the DPO's
list of resets. The rules live in accounts/twofactor.py."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from sutohamu.http import AuthenticatedHttpRequest, add_validation_error

from . import enrolment, twofactor
from .capabilities import Capability, capability_required
from .models import TwoFactorReset


def _next(request: HttpRequest) -> str:
    """Where to go after the second factor: the page asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own two-factor status, with enrolment and new backup codes."""
    user = request.user
    return render(
        request,
        "accounts/twofactor.html",
        {
            "required": twofactor.needs_two_factor(user),
            "has_app": twofactor.has_app(user),
            "verified": twofactor.is_verified(user),
            "codes_left": twofactor.backup_codes_left(user),
        },
    )


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or a backup code."""
    user = request.user
    if not twofactor.has_app(user):
        return redirect(_to("twofactor_enrol", _next(request)))
    form = twofactor.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.verify(request=request, user=user, token=form.cleaned_data["code"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return redirect(_next(request))
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/twofactor_verify.html", context, status=status)


@login_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan a QR code made on the server, confirm with a code, get the backup codes once.

    Someone with an app who has not verified this session must verify first: a password alone
    never replaces the second factor.
    """
    user = request.user
    if twofactor.has_app(user) and not twofactor.is_verified(user):
        return redirect(_to("twofactor_verify", _next(request)))
    device = twofactor.pending_app(user)
    form = twofactor.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_app(
                request=request, user=user, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _show_codes(request, codes)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "next": _next(request),
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_for_typing(device),
    }
    return render(request, "accounts/twofactor_enrol.html", context, status=status)


@require_POST
@login_required
def backup_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ten new backup codes (the old ones stop working), for a person verified this session."""
    user = request.user
    if not (twofactor.has_app(user) and twofactor.is_verified(user)):
        return redirect(_to("twofactor_verify", reverse("twofactor")))
    return _show_codes(request, twofactor.new_backup_codes(user))


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    response = render(
        request, "accounts/twofactor_codes.html", {"codes": codes, "next": _next(request)}
    )
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password1", "password2")
def enrol_with_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding a valid link: choose a password and enrol the app in one step."""
    link = enrolment.valid_link(token)
    if link is None:
        raise Http404  # used, replaced, expired or never made: the same answer
    device = twofactor.pending_app(link.user)
    form = enrolment.EnrolmentForm(request.POST or None, user=link.user)
    if request.method == "POST" and form.is_valid():
        try:
            person, device, codes = enrolment.enrol_with_link(
                link=link,
                password=form.cleaned_data["password1"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            twofactor.mark_verified(request, device)
            return _show_codes(request, codes)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "person": link.user,
        "qr": twofactor.qr_data_uri(device),
        "secret": twofactor.secret_for_typing(device),
    }
    response = render(request, "accounts/enrol_with_link.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    return response


@capability_required(Capability.READ_ACCESS_LOG)
def resets(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For the DPO: every reset, enrolment link and enrolment, for whom, by whom and when."""
    rows = TwoFactorReset.objects.select_related("user", "by")
    page = Paginator(rows, 100).get_page(request.GET.get("sida"))
    return render(request, "accounts/twofactor_resets.html", {"page": page})


def _to(name: str, after: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': after})}"
