"""The container health check answers 200 whatever the Host; nothing else skips host validation."""

import pytest
import yaml
from django.conf import settings as django_settings

from sutohamu.middleware import HEALTH_PATH

PRODUCTION_HOSTS = ["sutohamu.example.se"]


@pytest.fixture
def production_hosts(settings):
    """ALLOWED_HOSTS as a deployment sets it: its public name only, not 127.0.0.1."""
    settings.ALLOWED_HOSTS = PRODUCTION_HOSTS


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "evil.example"])
def test_health_answers_200_with_a_host_outside_allowed_hosts(client, production_hosts, host):
    response = client.get(HEALTH_PATH, HTTP_HOST=host)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_health_answers_200_with_the_default_allowed_hosts(client):
    response = client.get(HEALTH_PATH, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/logga-in/", "/", "/healthz/", "/healthz-not"])
def test_other_paths_still_get_400_with_a_bad_host(client, production_hosts, path):
    response = client.get(path, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 400


@pytest.mark.django_db
def test_other_paths_still_answer_with_an_allowed_host(client, production_hosts):
    response = client.get("/logga-in/", HTTP_HOST=PRODUCTION_HOSTS[0], secure=True)
    assert response.status_code == 200


def test_health_is_first_so_no_middleware_validates_the_host_before_it():
    # Only the security headers come before it: they add headers and read nothing.
    assert django_settings.MIDDLEWARE[:2] == [
        "sutohamu.middleware.SecurityHeadersMiddleware",
        "sutohamu.middleware.HealthCheckMiddleware",
    ]


def test_compose_web_health_check_probes_the_health_path():
    compose = yaml.safe_load((django_settings.BASE_DIR / "docker-compose.yml").read_text())
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert f"http://127.0.0.1:8000{HEALTH_PATH}'" in probe
