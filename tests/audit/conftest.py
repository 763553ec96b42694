from tests.councils.conftest import demo, login  # noqa: F401 - shared fixtures
