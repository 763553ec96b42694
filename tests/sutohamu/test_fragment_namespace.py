"""Cached page parts are keyed by the database's name and FRAGMENTS_NAMESPACE (an environment
variable): two installations sharing one Redis with databases of the same name never share a
version token or a part when their namespaces differ."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from sutohamu import fragments


def test_the_namespace_comes_from_the_environment():
    """The settings module alone, in a process of its own (its values are read once)."""
    env = {**os.environ, "FRAGMENTS_NAMESPACE": "kommun-b"}
    out = subprocess.run(
        [sys.executable, "-c", "import sutohamu.settings as s; print(s.FRAGMENTS_NAMESPACE)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "kommun-b"


def test_two_namespaces_never_share_a_version(db, settings):
    settings.FRAGMENTS_NAMESPACE = "kommun-a"
    first = fragments.version_key("case:SUN-2026-0001")
    settings.FRAGMENTS_NAMESPACE = "kommun-b"
    assert fragments.version_key("case:SUN-2026-0001") != first
