"""The wrk driver's windows and what bench/run.py makes of them, without a server."""

from __future__ import annotations

import pytest

from bench.load import MARK, command, parse
from bench.run import (
    FLOOR,
    PORT,
    SECOND_PORT,
    chosen,
    pool_windows,
    summarise,
    summarise_pool,
    windows,
)

REPORT = (
    "Running 2s test @ http://127.0.0.1:8765/bench/floor/\n"
    f'{MARK}{{"requests": 1000, "duration_us": 2000000, "not_ok": 2, "socket_errors": 1, '
    '"timeouts": 0, "p50_us": 2150, "p90_us": 4000, "p95_us": 5230, "p99_us": 9000, '
    '"max_us": 20000}\n'
)


def test_a_window_is_wrk_on_one_thread_with_the_session_as_a_header():
    line = command("http://127.0.0.1:8765/skrivbord/", 8, 2.0, "sessionid=abc")
    assert line[0].endswith("wrk")
    assert line[line.index("--connections") + 1] == "8"
    assert line[line.index("--threads") + 1] == "1"
    assert line[line.index("--duration") + 1] == "2s"
    assert line[line.index("--header") + 1] == "Cookie: sessionid=abc"
    assert line[line.index("--script") + 1].endswith("bench/wrk_report.lua")
    assert line[-1] == "http://127.0.0.1:8765/skrivbord/"
    assert "--header" not in command("http://127.0.0.1:8765/bare/", 2, 2.0, "")


def test_the_report_line_gives_throughput_latency_and_every_failure():
    assert parse(REPORT, 2.0) == {
        "requests": 1000,
        "errors": 3,
        "rps": 500.0,
        "p50_ms": 2.1,
        "p95_ms": 5.2,
        "p99_ms": 9.0,
    }


def test_wrk_without_its_report_is_an_error_not_an_empty_window():
    with pytest.raises(ValueError, match="no report"):
        parse("unable to connect to 127.0.0.1:8765 Connection refused\n", 2.0)


PAGES = [
    {"page": FLOOR, "path": "/bench/floor/", "user": "a"},
    {"page": "floor (bare Django)", "path": "/bench/bare/", "user": ""},
    {"page": "desk", "path": "/skrivbord/", "user": "a"},
    {"page": "case page", "path": "/arenden/X/", "user": "a"},
    {"page": "timeline", "path": "/arenden/X/tidslinje/", "user": "a"},
]


def test_each_page_alternates_with_the_floor_at_each_connection_count():
    planned = windows(PAGES, [2, 8], 2)
    desk = [(w["page"], w["users"]) for w in planned if w["pair"] == "desk"]
    assert desk == [(FLOOR, 2), ("desk", 2)] * 2 + [(FLOOR, 8), ("desk", 8)] * 2
    assert not any(w["pair"] == FLOOR for w in planned)


def test_a_page_is_compared_with_its_own_floor_windows():
    measured = [
        {
            "page": FLOOR,
            "pair": "desk",
            "users": 2,
            "rps": 400,
            "p50_ms": 2,
            "p95_ms": 3,
            "p99_ms": 4,
            "errors": 0,
        },
        {
            "page": "desk",
            "pair": "desk",
            "users": 2,
            "rps": 100,
            "p50_ms": 20,
            "p95_ms": 30,
            "p99_ms": 40,
            "errors": 0,
        },
        {
            "page": FLOOR,
            "pair": "timeline",
            "users": 2,
            "rps": 200,
            "p50_ms": 2,
            "p95_ms": 3,
            "p99_ms": 4,
            "errors": 0,
        },
        {
            "page": "timeline",
            "pair": "timeline",
            "users": 2,
            "rps": 100,
            "p50_ms": 20,
            "p95_ms": 30,
            "p99_ms": 40,
            "errors": 0,
        },
    ]
    ratios = {r["page"]: r["ratio"] for r in summarise(measured)}
    assert ratios == {"desk": 0.25, "timeline": 0.5}


def test_pages_chosen_by_name_keep_the_floor():
    names = [p["page"] for p in chosen(PAGES, ["desk", "case"])]
    assert names == [FLOOR, "desk", "case page"]
    assert chosen(PAGES, []) == PAGES


def test_the_pool_and_persistent_servers_take_turns_going_first():
    planned = pool_windows(PAGES, [2], 2)
    desk = [(w["mode"], w["host"]) for w in planned if w["page"] == "desk"]
    pool, persistent = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{SECOND_PORT}"
    assert desk == [
        ("pool", pool),
        ("persistent", persistent),
        ("persistent", persistent),
        ("pool", pool),
    ]
    assert {w["page"] for w in planned} == {FLOOR, "desk", "case page"}


def test_the_pool_table_gives_both_ways_and_their_ratio():
    measured = [
        {"page": "desk", "users": 8, "mode": mode, "rps": rps, "p50_ms": p50, "errors": 0}
        for mode, rps, p50 in [
            ("pool", 10.0, 700.0),
            ("persistent", 8.0, 900.0),
            ("pool", 12.0, 650.0),
            ("persistent", 12.0, 640.0),
        ]
    ]
    [row] = summarise_pool(measured)
    assert row == {
        "page": "desk",
        "users": 8,
        "pool_rps": 11.0,
        "pool_p50_ms": 675.0,
        "pool_errors": 0,
        "persistent_rps": 10.0,
        "persistent_p50_ms": 770.0,
        "persistent_errors": 0,
        "ratio": 1.1,
    }


def test_a_window_without_a_single_answer_is_an_error_per_connection():
    silent = REPORT.replace('"requests": 1000', '"requests": 0').replace(
        '"not_ok": 2, "socket_errors": 1', '"not_ok": 0, "socket_errors": 0'
    )
    assert parse(silent, 2.0, connections=8)["errors"] == 8
