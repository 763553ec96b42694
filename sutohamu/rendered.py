"""Templates rendered once per process for each distinct content, and the request's CSRF token
put into kept HTML.

For a part that is a pure function of plain data (a start-page panel's figures, a meetings
list's rows): the key is everything the HTML is made of (the template, the content's `repr`,
the language, the time zone, the URL prefix and the templates' digest), so no version and no
expiry are needed: changed content is a new key at once, and the same content always gives the
same HTML. A kept form holds `CSRF_PLACEHOLDER` where its token goes; `with_token` puts each
request's own in, as the version-keyed parts of `sutohamu.fragments` do.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .fragments import templates_digest
from .kept import Kept

# What a kept form's `{% csrf_token %}` renders while it is made (letters only: never escaped).
CSRF_PLACEHOLDER = "sutohamuCsrfTokenPlaceholder"

_RENDERED: Kept[SafeString] = Kept(4096)


def once(template: str, content: object, context: dict[str, Any]) -> SafeString:
    """`template` rendered with `context`, once per process for each distinct `content` (which
    must name every value the template shows), language, time zone, URL prefix and release."""
    named = repr(
        (
            template,
            templates_digest(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            content,
        )
    )
    key = hashlib.sha256(named.encode()).hexdigest()
    # render_to_string gives a SafeString: escaped by the template engine, kept as such.
    return _RENDERED.get(key, lambda: render_to_string(template, context))


def with_token(text: str, token: str) -> SafeString:
    """Kept HTML with the request's CSRF token in the placeholder's places. The token is letters
    and digits (Django's alphabet): nothing to escape."""
    return mark_safe(text.replace(CSRF_PLACEHOLDER, token))


def forget() -> None:
    """Drop the kept HTML (tests that change a template between renders)."""
    _RENDERED.clear()
