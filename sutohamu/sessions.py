"""Sign-in sessions that expire after idle time without a database write on every request.

`SESSION_SAVE_EVERY_REQUEST` would slide the expiry by saving the session on every request: a
write and a commit that even the cheapest page pays. Here a signed-in session is saved (and its
expiry slid) only when its last refresh is older than `SESSION_REFRESH_SECONDS`, so the idle
timeout is exact to within that many seconds.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_refreshed"


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
