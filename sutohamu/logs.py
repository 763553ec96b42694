"""Log lines in one time zone, and a refusal (403) as one line without a traceback.

Django logs a `PermissionDenied` with its full traceback, and the path may carry a case reference.
A refusal is expected traffic, not an error: who (the user id) and what (method and path, case
references masked) is all an operator needs. Tracebacks stay for real errors.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from django.http import HttpRequest

# A case reference as the intake writes it: municipality code, year, number (SUN-2026-0007).
CASE_REFERENCE = re.compile(r"\b[A-ZÅÄÖ]{2,5}-\d{4}-\d{3,6}\b", re.IGNORECASE)
MASK = "<ref>"


def mask_path(path: str) -> str:
    return CASE_REFERENCE.sub(MASK, path)


def _user_id(request: HttpRequest) -> str:
    try:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except Exception:
        return "?"
    return "-"


class RefusalFilter(logging.Filter):
    """Rewrites Django's 403 records into one line: `refused user=12 GET /arenden/<ref>/`.

    Every other 4xx loses its traceback too and has case references masked in its path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True  # a real error (5xx) keeps its traceback
        record.exc_info = None
        record.exc_text = None
        if status != 403:
            # Other refusals (400, 404, ...) keep Django's message, case references masked.
            if isinstance(record.args, tuple):
                record.args = tuple(mask_path(a) if isinstance(a, str) else a for a in record.args)
            return True
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            who, method, path = _user_id(request), request.method, mask_path(request.path)
        else:
            who, method, path = "?", "?", "?"
        record.msg = "refused user=%s %s %s"
        record.args = (who, method, path)
        record.stack_info = None
        return True


class UTCFormatter(logging.Formatter):
    """ISO 8601 times in UTC with a Z, so lines from web, worker and beat line up."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"
