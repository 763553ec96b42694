"""`make bench`: generate the data, start the app as production does, measure, report.

For each scale (small = 5,000 cases, county = 50,000, nation = 500,000) it builds a database of
its own (kept for the next run unless `--fresh`), starts gunicorn (two sync workers, DEBUG off,
each process's psycopg pool as in compose) and a Celery worker against PostgreSQL and Redis, and
measures every page with wrk (bench/load.py) in short windows at 2 and 8 connections, each page
interleaved with the signed-in floor so that a noisy machine affects both alike. Then it starts
two servers side by side, one with the pool and one with persistent connections, and measures a
few pages alternately on each. Then, for the growth from the smallest scale to the largest
(p50 within 1.5x), it starts both scales' servers side by side and measures every page on each in
alternating windows, so that the machine's drift between two scales' runs, minutes apart, does
not count as growth (the floor alone swings by a third between minutes on this machine). It prints
a table, writes bench/results.json, regenerates
bench/README.md and the README's benchmark results from it, and exits 1 if a target is missed.

`python -m bench.run --scales county` measures the county scale alone (the other scales' last
results stay in results.json); `--pages`, `--no-extra`, `--no-pool` and `--no-growth` shorten a
run further.
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
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

from bench import markdown
from bench.load import measure
from bench.targets import GROWTH_EXEMPT, check, slopes, target_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DB_URL = "postgres://sutohamu:sutohamu@127.0.0.1:5432/{name}"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECOND_PORT = PORT + 1  # the pool comparison's second server
# The growth comparison's two servers (smallest and largest scale), each with a Redis database of
# its own: a task one sends must reach the worker of its own database.
GROWTH_PORTS = (PORT + 2, PORT + 3)
GROWTH_REDIS = ("redis://127.0.0.1:6379/13", "redis://127.0.0.1:6379/14")
FLOOR = "floor (signed in)"
BARE = "floor (bare Django)"
LOAD = "wrk"


# The two ways the app holds its PostgreSQL connections (README, Operations: connections).
CONNECTIONS = {
    # As docker-compose.yml: each process's psycopg pool (Django's; CONN_MAX_AGE is then 0).
    "pool": {"DB_POOL_MAX_SIZE": "2"},
    # One persistent connection per process, kept between requests.
    "persistent": {"DB_POOL_MAX_SIZE": "0", "DB_CONN_MAX_AGE": "600"},
}
# The pages measured both ways: the floor, the heaviest pages and a cheap list.
POOL_PAGES = (FLOOR, "case page", "desk", "queue open (Agera)")


def env_for(database: str, **overrides: str) -> dict[str, str]:
    return (
        dict(
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
            # As docker-compose.yml: each process's psycopg pool (0: persistent connections).
            DB_POOL_MAX_SIZE=os.environ.get("DB_POOL_MAX_SIZE", "2"),
        )
        | overrides
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


def measured_extra(database: str) -> dict[str, Any]:
    """`bench_extra`'s figures, or what made it fail (a miss; the pages are measured anyway)."""
    try:
        out = manage(database, "bench_extra")
    except subprocess.CalledProcessError as error:
        lines = (error.stderr or "").strip().splitlines()
        said = [line for line in lines if " ERROR " in line][:1] + lines[-1:]
        return {"failed": " / ".join(said)}
    # The figures are the last line; a library writing to the process's stdout (a solver's C
    # code) may have put lines before it.
    last = [line for line in out.splitlines() if line.startswith("{")][-1:]
    if not last:
        return {"failed": f"no figures in bench_extra's output: {out[-300:]!r}"}
    return dict(json.loads(last[0]))


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
    return holds_generated_cases(name)


def holds_generated_cases(name: str) -> bool:
    """Whether the database is there and holds generated cases (nothing is created)."""
    try:
        conn = psycopg.connect(DB_URL.format(name=name))
    except psycopg.OperationalError:
        return False
    with conn:
        try:
            row = conn.execute(
                "SELECT 1 FROM cases_case WHERE description LIKE 'Genererad%%' LIMIT 1"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            return False
    return row is not None


def start_web(database: str, port: int = PORT, **overrides: str) -> subprocess.Popen[bytes]:
    """gunicorn with two sync workers, as production runs it; returns once it answers."""
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "sutohamu.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(database, **overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return web
        except OSError:
            time.sleep(0.2)
    web.kill()
    raise SystemExit("gunicorn did not start")


def start(database: str, port: int = PORT, **overrides: str) -> list[subprocess.Popen[bytes]]:
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
        env=env_for(database, **overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return [start_web(database, port, **overrides), worker]
    except SystemExit:
        stop([worker])
        raise


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


def pool_windows(
    pages: list[dict[str, Any]], users: list[int], rounds: int
) -> list[dict[str, Any]]:
    """Each of a few pages on the pooled server and on the persistent one, alternately (the
    order flips each round, so neither side always goes first)."""
    hosts = {
        "pool": f"http://127.0.0.1:{PORT}",
        "persistent": f"http://127.0.0.1:{SECOND_PORT}",
    }
    out = []
    for page in pages:
        if page["page"] not in POOL_PAGES:
            continue
        for count in users:
            for turn in range(rounds):
                modes = list(hosts) if turn % 2 == 0 else list(reversed(hosts))
                for mode in modes:
                    out.append(
                        {
                            **page,
                            "users": count,
                            "mode": mode,
                            "host": hosts[mode],
                            "label": f"{mode:<11}",
                        }
                    )
    return out


def summarise_pool(measured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per page and connection count: both ways' median throughput and p50, and pool/persistent."""
    rows = []
    for page in POOL_PAGES:
        for users in sorted({m["users"] for m in measured}):
            row: dict[str, Any] = {"page": page, "users": users}
            for mode in CONNECTIONS:
                mine = [
                    m
                    for m in measured
                    if m["page"] == page and m["users"] == users and m["mode"] == mode
                ]
                if not mine:
                    break
                row[f"{mode}_rps"] = round(statistics.median(m["rps"] for m in mine), 2)
                row[f"{mode}_p50_ms"] = round(statistics.median(m["p50_ms"] for m in mine), 2)
                row[f"{mode}_errors"] = sum(m["errors"] for m in mine)
            else:
                row["ratio"] = (
                    round(row["pool_rps"] / row["persistent_rps"], 3)
                    if row["persistent_rps"]
                    else 0.0
                )
                rows.append(row)
    return rows


def measure_pool(
    database: str, prepared: dict[str, Any], users: list[int], args: argparse.Namespace
) -> dict[str, Any]:
    """Two servers side by side on the same data, the pool and persistent connections."""
    servers = [
        start_web(database, PORT, **CONNECTIONS["pool"]),
        start_web(database, SECOND_PORT, **CONNECTIONS["persistent"]),
    ]
    try:
        measured = measure(
            {
                "host": f"http://127.0.0.1:{PORT}",
                "cookies": prepared["cookies"],
                "seconds": args.seconds,
                "windows": pool_windows(prepared["pages"], users, max(args.rounds, 2)),
            }
        )
    finally:
        stop(servers)
    return {
        "settings": {mode: dict(values) for mode, values in CONNECTIONS.items()},
        "rows": summarise_pool(measured),
    }


def growth_windows(
    pages: dict[str, list[dict[str, Any]]], users: list[int], rounds: int
) -> list[dict[str, Any]]:
    """Every page both scales have, on the smaller scale's server and the larger's alternately
    (the order flips each round). `pages` maps each scale to its prepared pages, each with its
    `host`; a page's person is named with the scale (two databases, two sessions)."""
    low, high = pages
    theirs = {p["page"]: p for p in pages[high]}
    out = []
    for page in pages[low]:
        other = theirs.get(page["page"])
        if other is None or page["page"].startswith(GROWTH_EXEMPT):
            continue
        for count in users:
            for turn in range(rounds):
                sides = [(low, page), (high, other)]
                for scale, item in sides if turn % 2 == 0 else reversed(sides):
                    person = item.get("user")
                    out.append(
                        {
                            **item,
                            "users": count,
                            "scale": scale,
                            "user": f"{scale}:{person}" if person else None,
                            "label": f"{scale:<7}",
                        }
                    )
    return out


def summarise_growth(measured: list[dict[str, Any]], low: str, high: str) -> list[dict[str, Any]]:
    """Per page and connection count: each scale's median p50 and the growth between them."""
    rows = []
    keys = sorted({(m["page"], m["users"]) for m in measured}, key=lambda k: (k[1], k[0]))
    for page, users in keys:
        p50 = {
            scale: statistics.median(
                m["p50_ms"]
                for m in measured
                if m["page"] == page and m["users"] == users and m["scale"] == scale
            )
            for scale in (low, high)
        }
        rows.append(
            {
                "page": page,
                "users": users,
                "low_p50_ms": round(p50[low], 2),
                "high_p50_ms": round(p50[high], 2),
                "growth": round(p50[high] / p50[low], 2) if p50[low] else 0.0,
                "errors": sum(
                    m["errors"] for m in measured if (m["page"], m["users"]) == (page, users)
                ),
            }
        )
    return rows


def measure_growth(low: str, high: str, args: argparse.Namespace) -> dict[str, Any] | None:
    """The smallest and the largest scale's servers side by side, every page on each in turn;
    None when either scale's database is not there (`--scales` generates it)."""
    databases = {scale: database_for(scale) for scale in (low, high)}
    if not all(holds_generated_cases(db) for db in databases.values()):
        return None
    pages: dict[str, list[dict[str, Any]]] = {}
    cookies: dict[str, str] = {}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for (scale, database), port, redis in zip(
            databases.items(), GROWTH_PORTS, GROWTH_REDIS, strict=True
        ):
            prepared = json.loads(manage(database, "bench_prepare"))
            host = f"http://127.0.0.1:{port}"
            pages[scale] = [{**p, "host": host} for p in chosen(prepared["pages"], args.pages)]
            cookies.update({f"{scale}:{user}": sid for user, sid in prepared["cookies"].items()})
            processes += start(database, port, REDIS_URL=redis)
        measured = measure(
            {
                "host": pages[low][0]["host"],
                "cookies": cookies,
                "seconds": args.seconds,
                "windows": growth_windows(pages, args.users, max(args.rounds, 2)),
            }
        )
    finally:
        stop(processes)
    return {
        "low": low,
        "high": high,
        "rounds": max(args.rounds, 2),
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": summarise_growth(measured, low, high),
    }


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
        page_rps = round(statistics.median(m["rps"] for m in page), 2)
        floor_rps = round(statistics.median(m["rps"] for m in floor), 2)
        rows.append(
            {
                "page": pair,
                "users": users,
                "rps": page_rps,
                "p50_ms": round(statistics.median(m["p50_ms"] for m in page), 2),
                "p95_ms": round(statistics.median(m["p95_ms"] for m in page), 2),
                "p99_ms": round(statistics.median(m["p99_ms"] for m in page), 2),
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


def chosen(pages: list[dict[str, Any]], wanted: list[str]) -> list[dict[str, Any]]:
    """The pages whose names start with one of `wanted` (all without), and always the floor."""
    if not wanted:
        return pages
    return [p for p in pages if p["page"] == FLOOR or p["page"].startswith(tuple(wanted))]


def database_for(scale: str) -> str:
    """A scale's database (BENCH_DATABASE_SUFFIX: several people measure their own copy)."""
    return f"bench_{scale}{os.environ.get('BENCH_DATABASE_SUFFIX', '')}"


def run_scale(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    database = database_for(scale)
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
    prepared["pages"] = chosen(prepared["pages"], args.pages)
    queries = json.loads(manage(database, "bench_queries"))
    extra = {} if args.no_extra else measured_extra(database)
    rounds = 1 if scale == "small" else args.rounds
    processes = start(database)
    try:
        measured = measure(
            {
                "host": f"http://127.0.0.1:{PORT}",
                "cookies": prepared["cookies"],
                "seconds": args.seconds,
                "windows": windows(prepared["pages"], args.users, rounds),
            }
        )
        memory = {
            "web_worker_peak_mib": peak_memory_mib(processes[0].pid),
            "celery_worker_peak_mib": peak_memory_mib(processes[1].pid),
        }
    finally:
        stop(processes)
    rows = summarise(measured)
    for row in rows:
        row["queries"] = queries.get(row["page"])
    result: dict[str, Any] = {
        "scale": scale,
        "data": generated,
        "rows": rows,
        "extra": extra,
        "memory": memory,
    }
    if not args.no_pool:
        result["pool"] = measure_pool(database, prepared, args.users, args)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


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
    for row in result.get("pool", {}).get("rows", []):
        lines.append(
            f"pool vs persistent: {row['page']} c={row['users']}: {row['pool_rps']} / "
            f"{row['persistent_rps']} req/s, p50 {row['pool_p50_ms']} / "
            f"{row['persistent_p50_ms']} ms"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="small,county", help="small, county, nation")
    parser.add_argument("--users", default="2,8", help="wrk's connections, one window each")
    parser.add_argument("--rounds", type=int, default=2, help="windows per page and count")
    parser.add_argument("--seconds", type=float, default=2.0, help="one window's length")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    parser.add_argument(
        "--pages", default="", help="only pages whose names start so (comma-separated)"
    )
    parser.add_argument(
        "--no-extra", action="store_true", help="skip the report, PDF and sweep timings"
    )
    parser.add_argument(
        "--no-pool", action="store_true", help="skip the pool against persistent connections"
    )
    parser.add_argument(
        "--growth",
        default="small,nation",
        help="the two scales whose servers are measured side by side for the p50 growth",
    )
    parser.add_argument(
        "--no-growth", action="store_true", help="keep the last run's growth measurement"
    )
    args = parser.parse_args()
    args.users = [int(u) for u in args.users.split(",")]
    args.pages = [p for p in args.pages.split(",") if p]
    output = ROOT / "bench" / "results.json"
    previous = json.loads(output.read_text()) if output.exists() else {}
    # Other scales' last results are kept only if they were measured the same way (wrk).
    results = dict(previous.get("scales", {})) if previous.get("load") == LOAD else {}
    for scale in filter(None, args.scales.split(",")):  # --scales "": the growth alone
        results[scale] = run_scale(scale, args)
        print(table(results[scale]), flush=True)
    growth = previous.get("growth") if previous.get("load") == LOAD else None
    if not args.no_growth:
        low, high = args.growth.split(",")
        growth = measure_growth(low, high, args) or growth
    misses = check(results, growth)
    report = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load": LOAD,
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "scales": results,
        "misses": misses,
        "growth": growth,
        "growth_p50": slopes(results, growth),
    }
    output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    markdown.write(report)
    print("\n".join(["", "Targets missed:" if misses else "Every target met.", *misses]))
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
