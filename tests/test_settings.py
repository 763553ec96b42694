"""The suite must run against PostgreSQL, and the project must be in a clean state."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_tests_run_on_postgresql():
    assert connection.vendor == "postgresql", "set DATABASE_URL to PostgreSQL (make test does)"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.django_db
def test_system_checks_are_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_interface_defaults_to_swedish_in_stockholm_time(settings):
    assert settings.LANGUAGE_CODE == "sv"
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en"]
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert settings.USE_TZ


def test_custom_user_model_is_in_use(settings):
    assert settings.AUTH_USER_MODEL == "accounts.User"
