import pytest

from tests.conftest import demo, login  # noqa: F401 - defined once for the whole suite


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
