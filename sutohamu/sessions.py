"""Sign-in sessions that expire after idle time without a database write on every request.

`SESSION_SAVE_EVERY_REQUEST` would slide the expiry by saving the session on every request: a
write and a commit that even the cheapest page pays. Here a signed-in session is saved (and its
expiry slid) only when its last refresh is older than `SESSION_REFRESH_SECONDS`, so the idle
timeout is exact to within that many seconds.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESHED_KEY = "_refreshed"


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE = "sutohamu.sessions"), read with one plain
    statement: every signed-in request reads its session, and the ORM's building of that
    primary-key lookup cost more than the lookup. Writes, expiry and sign-out are Django's."""

    def load(self) -> dict[str, Any]:
        model = self.model
        table = model._meta.db_table
        connection = connections[router.db_for_read(model)]
        # The clock as the ORM would store it (naive UTC text on SQLite, timestamptz elsewhere).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT session_data FROM "{table}" WHERE session_key = %s AND expire_date > %s',
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            # Expired or unknown (as Django's): a new key is made if anything is stored.
            self._session_key = None
            return {}
        return self.decode(row[0])


class SlidingSessionMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        # Only a session this request already loaded (accessed) and that holds something: an
        # anonymous visitor's empty session is never created just to be refreshed.
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED_KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return super().process_response(request, response)
