"""Gunicorn's access log without the calendar feed's key.

The private calendar address carries its key in the path (calendar apps cannot sign in), so
the access log would hand anyone who reads it a working address to the person's meetings and
follow-up dates. Every value the log line is built from (request line, path, referrer, the
environ) has the key replaced before formatting. Loaded by gunicorn.conf.py.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# meetings/urls.py: kalender/<uuid:token>.ics
FEED_KEY = re.compile(r"(/kalender/)[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}(\.ics)")
MASK = r"\1[key]\2"


def mask(value: Any) -> Any:
    return FEED_KEY.sub(MASK, value) if isinstance(value, str) else value


class MaskingLogger(Logger):
    """Gunicorn's logger, with the calendar key masked in every access-log atom."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return {
            key: mask(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
