"""The load driver: Locust used as a library, one process, pages measured in short windows.

Run by bench/run.py as `python bench/load.py PLAN.json`, never imported by the app (Locust
patches the standard library with gevent). The plan lists the host, the windows in the order
to run them (each page interleaved with its floor, so a noisy machine slows both alike), and the
session cookie of each signed-in user. It prints one JSON object: per window, requests, errors,
throughput and p50/p95 latency.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import contextlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import urllib.request  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

TARGET: dict[str, Any] = {"path": "/", "cookie": ""}


class PageUser(HttpUser):
    """Requests the current target page back to back, as one signed-in person would."""

    wait_time = constant(0)

    @task
    def page(self) -> None:
        headers = {"Cookie": TARGET["cookie"]} if TARGET["cookie"] else {}
        with self.client.get(
            TARGET["path"],
            headers=headers,
            name="page",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


def window(env: Environment, users: int, seconds: float, warmup: float) -> dict[str, Any]:
    runner = env.runner
    assert runner is not None
    runner.start(users, spawn_rate=max(users * 10, 10))
    gevent.sleep(warmup)
    env.stats.reset_all()
    gevent.sleep(seconds)
    stats = env.stats.get("page", "GET")
    result = {
        "requests": stats.num_requests,
        "errors": stats.num_failures,
        "rps": round(stats.num_requests / seconds, 2),
        "p50_ms": stats.get_response_time_percentile(0.5) or 0,
        "p95_ms": stats.get_response_time_percentile(0.95) or 0,
    }
    runner.stop()
    gevent.sleep(0.2)
    return result


def warm_up(host: str, windows: list[dict[str, Any]], cookies: dict[str, str]) -> None:
    """Each page twice before measuring, so that no window pays a worker's first imports."""
    seen = {(w["path"], w.get("user") or "") for w in windows}
    for _ in range(2):
        for path, user in sorted(seen):
            request = urllib.request.Request(host + path)
            if user:
                request.add_header("Cookie", f"sessionid={cookies[user]}")
            with contextlib.suppress(OSError):  # a failing page shows in its window's errors
                urllib.request.urlopen(request, timeout=60).read()


def main(plan_path: str) -> int:
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    env = Environment(user_classes=[PageUser], host=plan["host"])
    env.create_local_runner()
    cookies = plan["cookies"]
    warm_up(plan["host"], plan["windows"], cookies)
    results = []
    for item in plan["windows"]:
        TARGET["path"] = item["path"]
        user = item.get("user")
        TARGET["cookie"] = f"sessionid={cookies[user]}" if user else ""
        measured = window(env, item["users"], plan["seconds"], plan["warmup"])
        results.append({**item, **measured})
        sys.stderr.write(
            f"  {item['page']:<28} c={item['users']} {measured['rps']:>7} rps "
            f"p50 {measured['p50_ms']:>5} ms  errors {measured['errors']}\n"
        )
    env.runner.quit() if env.runner else None
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
