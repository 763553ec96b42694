"""Templates rendered as in production, for the tests that request hundreds of pages.

Under the test runner every template render sends Django's `template_rendered` signal, and the
test client copies each rendered template's context for `response.context` and
`response.templates`: a page with includes in a loop is hundreds of copies, 10-20 % of a page's
CPU time. The page-matrix tests (every URL as every role, the language crawl, the fuzzed and
free-text forms, the role matrices) read only a response's status, headers and body, so they
render without the instrumentation; a test that read `response.context` under this fixture would
get None and fail, not pass silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.template.base import Template


def _render(self: Template, context: Any) -> Any:
    """Django's own Template._render (django/template/base.py), without the test signal."""
    return self.nodelist.render(context)


@pytest.fixture
def production_templates() -> Iterator[None]:
    instrumented = Template._render  # type: ignore[attr-defined]
    Template._render = _render  # type: ignore[attr-defined]
    try:
        yield
    finally:
        Template._render = instrumented  # type: ignore[attr-defined]
