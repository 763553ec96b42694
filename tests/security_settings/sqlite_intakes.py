"""Run by test_sqlite_demo.py in a process of its own, on the embedded demo's settings: eight
intakes at once against a fresh SQLite file (DATABASE_URL). Prints one JSON line."""

from __future__ import annotations

import json
import os
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection, transaction  # noqa: E402

THREADS = 8


def create_schema() -> None:
    """The tables straight from the models: the migrations take many times longer."""
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)


def main() -> None:
    from accounts.choices import Role
    from cases.models import Case
    from cases.services import case_report
    from councils.choices import Area
    from tests.accounts.factories import RoleAssignmentFactory

    create_schema()
    role = RoleAssignmentFactory(role=Role.COORDINATOR)
    user, town = role.user, role.organisation
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def intake(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            # As a request does (ATOMIC_REQUESTS): read first (session, user), then write.
            with transaction.atomic():
                Case.objects.filter(municipality=town).count()
                case_report(
                    by=user,
                    municipality=town,
                    areas=[Area.CRIME],
                    setting="school",
                    title=f"Samtidig anmälan {index}",
                    description="Samtidigt inskickad.",
                )
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    numbers = sorted(Case.objects.filter(municipality=town).values_list("number", flat=True))
    print(json.dumps({"errors": errors, "numbers": numbers, "journal_mode": journal}))


if __name__ == "__main__":
    main()
