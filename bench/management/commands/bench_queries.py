"""The number of SQL statements each benchmarked page runs, measured in-process."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User

from .bench_prepare import VERIFIERS, pages


class Command(BaseCommand):
    help = "Print each benchmarked page's query count as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        counts: dict[str, int] = {}
        clients: dict[str, Client] = {}
        for name, path, username in pages():
            if username not in clients:
                client = Client(HTTP_HOST="127.0.0.1")
                if username:
                    user = User.objects.get(username=username)
                    client.force_login(user)
                    session = client.session
                    for mark in VERIFIERS:
                        mark(user, session)
                    session.save()
                clients[username] = client
            client = clients[username]
            client.get(path)  # warm caches, as a signed-in person's second request would
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[name] = len(queries) if response.status_code == 200 else -response.status_code
        self.stdout.write(json.dumps(counts))
