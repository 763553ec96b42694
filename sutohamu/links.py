"""Links for long lists without `reverse` per row: reverse once, then fill in the arguments."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

# Digits match every path converter the project uses (int and str), and no real argument.
_MARKER = 918_273_645_000


def url_maker(name: str, arity: int) -> Callable[..., str]:
    """A function(*args) -> the URL `name` with those arguments, from one `reverse` call."""
    markers = [str(_MARKER + i) for i in range(arity)]
    pattern = reverse(name, args=markers).replace("{", "{{").replace("}", "}}")
    for i, marker in enumerate(markers):
        pattern = pattern.replace(marker, f"{{{i}}}")

    def url(*args: object) -> str:
        return pattern.format(*(quote(str(a), safe="") for a in args))

    return url
