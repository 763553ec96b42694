"""`make bench`: generate the data, start the app as production does, measure, report.

For each scale (small = 5,000 cases, county = 50,000, nation = 500,000) it builds a database of
its own (kept for the next run unless `--fresh`), starts gunicorn (two sync workers, DEBUG off,
persistent connections) and a Celery worker against PostgreSQL and Redis, and measures every
page with Locust in short windows, each page interleaved with the signed-in floor so that a
noisy machine affects both alike. It prints a table, writes bench/results.json, and exits 1 if
a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

from bench.targets import check, slopes, target_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DB_URL = "postgres://sutohamu:sutohamu@127.0.0.1:5432/{name}"
PORT = 8765
FLOOR = "floor (signed in)"
BARE = "floor (bare Django)"


def env_for(database: str) -> dict[str, str]:
    return dict(
        os.environ,
        DATABASE_URL=DB_URL.format(name=database),
        SECRET_KEY="bench-only-secret-key-that-is-long-enough-for-the-deploy-check-0123456789",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        BENCH_VIEWS="true",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "600"),
        # As docker-compose.yml: each process's psycopg pool (0 measures persistent connections).
        DB_POOL_MAX_SIZE=os.environ.get("DB_POOL_MAX_SIZE", "2"),
    )


def manage(database: str, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env_for(database),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def database_ready(name: str, fresh: bool) -> bool:
    """Whether a generated database of this name is already there (created empty if not)."""
    with psycopg.connect(DB_URL.format(name="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return False
    with psycopg.connect(DB_URL.format(name=name)) as conn:
        try:
            row = conn.execute(
                "SELECT 1 FROM cases_case WHERE description LIKE 'Genererad%%' LIMIT 1"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return False
    return row is not None


def start(database: str) -> list[subprocess.Popen[bytes]]:
    env = env_for(database)
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "sutohamu.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "sutohamu",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("gunicorn did not start")
    return [web, worker]


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def peak_memory_mib(root_pid: int) -> float:
    """The largest peak resident size (VmHWM) among a process and its children."""
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            continue
    return round(peak / 1024, 1)


def load(plan: dict[str, Any]) -> list[dict[str, Any]]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(plan, handle)
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "load.py"), handle.name],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    os.unlink(handle.name)
    return list(json.loads(done.stdout))


def windows(pages: list[dict[str, Any]], users: list[int], rounds: int) -> list[dict[str, Any]]:
    """Each page next to the signed-in floor; the floor next to the bare view."""
    floor = next(p for p in pages if p["page"] == FLOOR)
    out = []
    for page in pages:
        if page["page"] == FLOOR:
            continue
        for count in users:
            for _ in range(rounds):
                out.append({**floor, "users": count, "pair": page["page"]})
                out.append({**page, "users": count, "pair": page["page"]})
    return out


def summarise(measured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    keys = sorted({(m["pair"], m["users"]) for m in measured}, key=lambda k: (k[1], k[0]))
    for pair, users in keys:
        page = [
            m for m in measured if m["pair"] == pair and m["users"] == users and m["page"] == pair
        ]
        floor = [
            m for m in measured if m["pair"] == pair and m["users"] == users and m["page"] == FLOOR
        ]
        page_rps = statistics.median(m["rps"] for m in page)
        floor_rps = statistics.median(m["rps"] for m in floor)
        rows.append(
            {
                "page": pair,
                "users": users,
                "rps": page_rps,
                "p50_ms": statistics.median(m["p50_ms"] for m in page),
                "p95_ms": statistics.median(m["p95_ms"] for m in page),
                "errors": sum(m["errors"] for m in page),
                "floor_rps": floor_rps,
                # the bare view's row compares the other way: the signed-in floor against it
                "ratio": round(
                    (floor_rps / page_rps) if pair == BARE else (page_rps / floor_rps), 3
                )
                if page_rps and floor_rps
                else 0.0,
            }
        )
    return rows


def run_scale(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    database = f"bench_{scale}"
    started = time.perf_counter()
    generated: dict[str, Any] = {"reused": True}
    ready = database_ready(database, args.fresh)
    manage(database, "migrate", "--noinput", "-v0")
    if not ready:
        generated = json.loads(
            manage(database, "bench_generate", "--scale", scale, "--seed", str(args.seed))
            .strip()
            .splitlines()[-1]
        )
    print(f"[{scale}] data: {generated}", flush=True)
    manage(database, "collectstatic", "--noinput", "-v0")
    prepared = json.loads(manage(database, "bench_prepare"))
    queries = json.loads(manage(database, "bench_queries"))
    extra = json.loads(manage(database, "bench_extra"))
    processes = start(database)
    try:
        users = [2] if scale == "small" else args.users
        rounds = 1 if scale == "small" else args.rounds
        plan = {
            "host": f"http://127.0.0.1:{PORT}",
            "cookies": prepared["cookies"],
            "seconds": args.seconds,
            "warmup": 0.5,
            "windows": windows(prepared["pages"], users, rounds),
        }
        measured = load(plan)
        memory = {
            "web_worker_peak_mib": peak_memory_mib(processes[0].pid),
            "celery_worker_peak_mib": peak_memory_mib(processes[1].pid),
        }
    finally:
        stop(processes)
    rows = summarise(measured)
    for row in rows:
        row["queries"] = queries.get(row["page"])
    return {
        "scale": scale,
        "data": generated,
        "rows": rows,
        "extra": extra,
        "memory": memory,
        "seconds": round(time.perf_counter() - started, 1),
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"## {result['scale']} ({result['data']})",
        f"{'page':<30}{'users':>6}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'ratio':>7}"
        f"{'target':>8}{'queries':>8}",
    ]
    for row in result["rows"]:
        target = target_for(result["scale"], row["page"])
        lines.append(
            f"{row['page']:<30}{row['users']:>6}{row['rps']:>9.1f}{row['p50_ms']:>8.0f}"
            f"{row['p95_ms']:>8.0f}{row['ratio']:>7.2f}{target if target else '':>8}"
            f"{row['queries'] if row['queries'] is not None else '':>8}"
        )
    for key, value in {**result["extra"], **result["memory"]}.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="small,county")
    parser.add_argument("--users", default="2,8")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    args = parser.parse_args()
    args.users = [int(u) for u in args.users.split(",")]
    output = ROOT / "bench" / "results.json"
    previous = json.loads(output.read_text()) if output.exists() else {}
    results = dict(previous.get("scales", {}))
    for scale in args.scales.split(","):
        results[scale] = run_scale(scale, args)
        print(table(results[scale]), flush=True)
    misses = check(results)
    report = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "scales": results,
        "misses": misses,
        "growth_p50": slopes(results),
    }
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print("\n".join(["", "Targets missed:" if misses else "Every target met.", *misses]))
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
