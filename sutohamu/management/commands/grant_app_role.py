"""Give the app's database role its privileges (run as the owner, after `migrate`)."""

from __future__ import annotations

from typing import Any

import environ
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from sutohamu.db_roles import grant_app_role


class Command(BaseCommand):
    help = (
        "Create the app's role if missing and grant it what the app needs: no schema changes, "
        "no TRUNCATE, the logs INSERT and SELECT only. The role and its password come from "
        "DATABASE_APP_URL (or --role)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", help="The app's role (default: DATABASE_APP_URL's user).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        env = environ.Env()
        role, password = options["role"], None
        if "DATABASE_APP_URL" in env:
            url = env.db("DATABASE_APP_URL")
            role = role or url["USER"]
            password = url.get("PASSWORD") or None
        if not role:
            raise CommandError("Name the app's role: --role or DATABASE_APP_URL.")
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: no roles to grant (the triggers guard the logs).")
            return
        try:
            logs = grant_app_role(connection, role, password)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Granted {role}; insert and read only on: {', '.join(logs)}.")
        )
