from tests.conftest import demo, login  # noqa: F401 - defined once for the whole suite
