import pytest
from django.core.management import call_command

from accounts.models import User


@pytest.fixture
def demo(db):
    """The demo world: every role has an account (see accounts/demo.py)."""
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def login(client, demo):
    def as_user(username: str | None):
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return as_user


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
