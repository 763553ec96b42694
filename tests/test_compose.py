"""docker-compose.yml is valid under the Compose Specification and has the services we run."""

import json
from pathlib import Path

import jsonschema
import yaml
from django.conf import settings

COMPOSE = settings.BASE_DIR / "docker-compose.yml"
# Vendored from compose-spec/compose-spec (Apache-2.0); see tests/data/compose-spec.NOTICE.
SCHEMA = Path(__file__).parent / "data" / "compose-spec.json"


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


def test_compose_file_is_valid_under_the_compose_spec():
    errors = [e.message for e in validator().iter_errors(load_compose())]
    assert errors == []


def test_schema_check_would_catch_a_mistake():
    broken = load_compose()
    broken["services"]["web"]["helthcheck"] = broken["services"]["web"].pop("healthcheck")
    assert any("helthcheck" in e.message for e in validator().iter_errors(broken))


def test_compose_runs_proxy_web_worker_beat_database_and_redis_with_health_checks():
    services = load_compose()["services"]
    assert set(services) == {"migrate", "proxy", "web", "worker", "beat", "db", "redis"}
    for name, service in services.items():
        if name != "migrate":  # a one-shot job, done when it exits
            assert "healthcheck" in service and not service["healthcheck"].get("disable"), name
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "db-data:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_app_services_wait_for_healthy_database_and_redis():
    services = load_compose()["services"]
    for name in ["web", "worker", "beat"]:
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_the_owner_migrates_and_grants_and_the_app_runs_as_its_own_role():
    services = load_compose()["services"]
    migrate = services["migrate"]
    assert migrate["command"].endswith('migrate --noinput && python manage.py grant_app_role"')
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://sutohamu:")
    assert migrate["environment"]["DATABASE_APP_URL"].startswith("postgres://sutohamu_app:")
    for name in ["web", "worker", "beat"]:
        service = services[name]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://sutohamu_app:")
        assert "DATABASE_APP_URL" not in service["environment"]  # no owner password either
        assert "migrate" not in service["command"]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_as_a_job_that_web_worker_and_beat_wait_for():
    services = load_compose()["services"]
    migrate = services["migrate"]
    assert migrate["restart"] == "no"  # exits when done; never run again by compose
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ["web", "worker", "beat"]:
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert "migrate" not in services[name]["command"], name


def test_web_scales_behind_the_proxy_and_keeps_nothing_on_its_node():
    services = load_compose()["services"]
    web = services["web"]
    # `docker compose up --scale web=2`: no fixed name, no host port (two replicas cannot share
    # one); the proxy alone is published and reaches every replica by the service's name.
    assert "container_name" not in web and "ports" not in web
    assert web["expose"] == ["8000"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    caddyfile = (settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert "dynamic a web 8000" in caddyfile
    # No node-local volume on an app service: documents are in PostgreSQL (or S3).
    for name in ["migrate", "web", "worker", "beat"]:
        assert "volumes" not in services[name], name
    assert web["environment"]["DOCUMENT_STORAGE"] == "${DOCUMENT_STORAGE:-database}"
    assert web["environment"]["DB_POOL_MAX_SIZE"].startswith("${DB_POOL_MAX_SIZE:-")


def test_no_secret_is_committed_in_compose():
    env = load_compose()["services"]["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
