"""The container health check, Swedish unless the person chose another language, and headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

HEALTH_PATH = "/healthz"
# For a response nothing else gave a policy (a static file, the health check): it is no page.
FALLBACK_CSP = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """The security headers on every response, also those answered before the page stack.

    First in MIDDLEWARE, so that the health check (answered next) and the static files
    (WhiteNoise answers them before sign-in, CSP and the frame and permissions middleware) get
    them too. It only adds what a response lacks: a page keeps the policies the later
    middleware gave it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
            "Referrer-Policy": settings.SECURE_REFERRER_POLICY,
            "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Content-Security-Policy": FALLBACK_CSP,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in self.headers.items():
            if value and header not in response:
                response[header] = value
        return response


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in person.

    Case pages, their PDFs and exports, meeting documents, reports and the agreement are all
    behind sign-in, and a shared computer's browser must not keep any of them after sign-out;
    one rule for every signed-in response cannot miss a view written later. It replaces what
    a view set. Static files (answered earlier, by WhiteNoise) keep their long caching; the
    calendar feed, read without sign-in by calendar apps, carries references only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        return response


class HealthCheckMiddleware:
    """Answer the container health check before anything looks at the Host header.

    docker-compose.yml probes `http://127.0.0.1:8000/healthz` from inside the container, and
    127.0.0.1 is not among a deployment's ALLOWED_HOSTS, so host validation would answer 400.
    First in MIDDLEWARE, this answers that one path with 200 and reads nothing: no Host, no
    session, no database. Every other request goes on to the full stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's, but ignores the browser's Accept-Language.

    Staff use shared and English-configured computers; the service is Swedish by law and by
    default, and English only after someone picks it (the choice is kept in a cookie).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` (settings.PERMISSIONS_POLICY) unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response
