"""`make run` from a clean clone serves the sign-in page, and the demo works.

No timing is asserted: the bound below only catches a hang. The clone lives in the test's own
tmp_path and the server on a free port, so the test can run beside the xdist workers. It runs with
the test run's own virtualenv (`VENV=`), which already holds the app's dependencies: a pip install
into a fresh one took a minute and a half of the suite's three. That the app needs nothing beyond
its declared dependencies is `tests/test_dependencies_declared.py`'s check; so make is told
that the virtualenv's install step is done.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

HANG_SECONDS = 10 * 60
INSTALLED = f"{sys.prefix}/bin/.installed-app"  # the Makefile's $(BIN)/.installed-app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(opener, url, data=None):
    try:
        with opener.open(url, data=data, timeout=5) as response:
            return response.status, response.read().decode()
    except OSError:
        return None, ""


@pytest.mark.slow
def test_run_command_from_clean_clone_serves_sign_in_and_demo_accounts(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(settings.BASE_DIR), str(clone)], check=True)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    log = (tmp_path / "run.log").open("w")
    started = time.monotonic()
    proc = subprocess.Popen(
        # -o: the virtualenv's install stamp counts as up to date. The clone's pyproject.toml is
        # always newer than it, so make would run pip over the installed packages (seconds of
        # CPU beside the other tests, to install nothing).
        ["make", "run", f"PORT={port}", f"VENV={sys.prefix}", "-o", INSTALLED],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        status = None
        while time.monotonic() - started < HANG_SECONDS and proc.poll() is None:
            status, body = fetch(opener, f"{base}/logga-in/")
            if status == 200:
                break
            time.sleep(0.25)
        output = (tmp_path / "run.log").read_text()
        assert status == 200, f"no sign-in page after {HANG_SECONDS}s (a hang?):\n{output[-3000:]}"
        assert "Logga in" in body
        # Static files are served from their folders, without a collectstatic (STATIC_FROM_SOURCE).
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', body)
        assert assets
        for asset in assets:
            assert fetch(opener, base + asset)[0] == 200, asset
        assert "collectstatic" not in output
        assert f"http://127.0.0.1:{port}/" in output
        assert "samordnare.sunne" in output and "password: demo" in output

        token = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": "samordnare.sunne", "password": "demo", "csrfmiddlewaretoken": token}
        ).encode()
        status, body = fetch(opener, f"{base}/logga-in/", data=form)
        assert status == 200
        assert re.search(r"Välkommen, Lena", body)
        assert "Sunne kommun" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()
