"""Production settings: `check --deploy` has nothing to say, and every page sends the headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://sutohamu:unused@db.invalid:5432/sutohamu",
    "SECRET_KEY": "p9Yq2-Lx7vR4mT8wK3zN6bH1cF5dJ0sG-aE9uQ2yW7oI4pL8kM3nB6vC1xZ5tR0e",
    "ALLOWED_HOSTS": "sutohamu.example.se",
}


def _check_deploy(**overrides: str) -> subprocess.Popen:
    """`manage.py check --deploy` in a process of its own, with a production environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process (Playwright's loop);
        # production never has it, and the deploy check rightly refuses it.
        if not k.startswith(("SECURE_", "TWO_FACTOR", "DEBUG", "TLS_PROXY", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(PRODUCTION_ENV, **overrides)
    return subprocess.Popen(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="module")
def deploy_checks() -> dict[str, tuple[int, str]]:
    """Both runs at once (each is a Django start-up): production as is, and with 2FA off."""
    runs = {"production": _check_deploy(), "two_factor_off": _check_deploy(TWO_FACTOR_REQUIRED="0")}
    results = {}
    for name, proc in runs.items():
        output, _ = proc.communicate(timeout=120)
        results[name] = (proc.returncode, output)
    return results


def test_check_deploy_has_no_warnings_with_production_environment(deploy_checks):
    returncode, output = deploy_checks["production"]
    assert returncode == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_fails_when_two_factor_is_off_in_production(deploy_checks):
    returncode, output = deploy_checks["two_factor_off"]
    assert returncode != 0
    assert "sutohamu.E001" in output


@pytest.fixture
def https(settings):
    """Production's transport settings (the suite runs plain http, see tests/conftest.py)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, https):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response.url.startswith("https://")


@pytest.mark.django_db
def test_pages_send_the_security_headers(client, https):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),  # inline script
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),  # onclick= and friends
]


def test_pages_need_no_inline_script_or_style(login):
    """What the policy would block: nothing on the pages everyone sees."""
    client = login("samordnare.sunne")
    pages = [reverse("home"), reverse("cases:desk"), reverse("twofactor")]
    client.logout()
    bodies = [client.get(reverse("login")).content.decode()]
    client = login("samordnare.sunne")
    bodies += [client.get(page).content.decode() for page in pages]
    for body in bodies:
        for pattern in INLINE:
            assert not pattern.search(body), pattern.pattern
    # htmx would otherwise add its indicator <style> at run time.
    assert '"includeIndicatorStyles":false' in bodies[0]
