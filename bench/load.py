"""The load driver: wrk (Debian's `wrk` package, a C program), one short window per measurement.

wrk takes little CPU for the load it makes, so on a machine of two cores the cheap signed-in
floor is not slowed more than a heavy page by the load generator itself (Locust, in Python on the
same cores, did that). Each window runs `wrk` with one thread and the window's number of
connections against one page, the person's session cookie passed as a header, and
`bench/wrk_report.lua` reporting the requests, the answers that were not 200 and the latency
distribution. Used by bench/run.py; the standard library only.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

REPORT = Path(__file__).resolve().parent / "wrk_report.lua"
MARK = "WRK_JSON "
# A heavy page at 8 connections answers in about a second; wrk's default (2 s) would count the
# slow tail as timeouts and leave it out of the distribution.
TIMEOUT = "60s"


def wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("The benchmark needs wrk: apt-get install wrk (Debian's package).")
    return found


def command(url: str, connections: int, seconds: float, cookie: str) -> list[str]:
    """wrk for one window: one thread (enough for these rates), the session as a header."""
    line = [wrk(), "--threads", "1", "--connections", str(connections)]
    line += ["--duration", f"{max(1, round(seconds))}s", "--timeout", TIMEOUT]
    line += ["--script", str(REPORT)]
    if cookie:
        line += ["--header", f"Cookie: {cookie}"]
    return [*line, url]


def parse(output: str, seconds: float, connections: int = 1) -> dict[str, Any]:
    """The report line of wrk_report.lua as the window's figures (milliseconds, req/s). A window
    without a single answer counts each connection's request as an error."""
    line = next((ln for ln in output.splitlines() if ln.startswith(MARK)), None)
    if line is None:
        raise ValueError(f"wrk printed no report: {output[-500:]!r}")
    raw = json.loads(line.removeprefix(MARK))
    duration = raw["duration_us"] / 1e6 or seconds
    return {
        "requests": raw["requests"],
        "errors": raw["not_ok"]
        + raw["socket_errors"]
        + raw["timeouts"]
        + (0 if raw["requests"] else connections),
        "rps": round(raw["requests"] / duration, 2),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
    }


def window(host: str, item: dict[str, Any], cookie: str, seconds: float) -> dict[str, Any]:
    done = subprocess.run(
        command(host + item["path"], item["users"], seconds, cookie),
        check=True,
        capture_output=True,
        text=True,
    )
    figures = parse(done.stdout, seconds, item["users"])
    settle(host)
    return figures


def settle(host: str) -> None:
    """Wait until the server has answered what wrk left queued when it stopped (a sync worker
    finishes every request it accepted), so that the next window starts on an idle server."""
    for _ in range(2):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{host}/healthz", timeout=300).read()


def cookie_for(item: dict[str, Any], cookies: dict[str, str]) -> str:
    user = item.get("user")
    return f"sessionid={cookies[user]}" if user else ""


def warm_up(host: str, windows: list[dict[str, Any]], cookies: dict[str, str]) -> None:
    """Each page twice before measuring, so that no window pays a worker's first imports."""
    seen = {(w.get("host", host), w["path"], cookie_for(w, cookies)) for w in windows}
    for _ in range(2):
        for base, path, cookie in sorted(seen):
            request = urllib.request.Request(base + path)
            if cookie:
                request.add_header("Cookie", cookie)
            with contextlib.suppress(OSError):  # a failing page shows in its window's errors
                urllib.request.urlopen(request, timeout=60).read()


def measure(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every window of the plan in order (a window may name its own host: the pool comparison
    alternates between two servers). Returns each window with its figures."""
    cookies = plan["cookies"]
    warm_up(plan["host"], plan["windows"], cookies)
    results = []
    for item in plan["windows"]:
        host = item.get("host", plan["host"])
        measured = window(host, item, cookie_for(item, cookies), plan["seconds"])
        results.append({**item, **measured})
        sys.stderr.write(
            f"  {item.get('label', '')}{item['page']:<30} c={item['users']} "
            f"{measured['rps']:>8} req/s  p50 {measured['p50_ms']:>7} ms  "
            f"errors {measured['errors']}\n"
        )
    return results
