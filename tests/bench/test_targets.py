"""The benchmark's verdicts: targets as ratios and budgets, the growth check, the tables."""

from __future__ import annotations

from bench.markdown import END, START, markdown, replace_block, summary
from bench.run import growth_windows, summarise_growth
from bench.targets import check, slopes, target_for


def row(page: str, users: int, ratio: float, p50: float = 10.0, rps: float = 10.0) -> dict:
    return {"page": page, "users": users, "ratio": ratio, "p50_ms": p50, "rps": rps, "errors": 0}


def result(scale: str, rows: list[dict], memory: dict | None = None, **extra: float) -> dict:
    return {"scale": scale, "rows": rows, "extra": dict(extra), "memory": memory or {}, "data": {}}


def test_targets_per_scale_and_page():
    assert target_for("county", "case page") == 0.25
    assert target_for("county", "timeline") == 0.25
    assert target_for("county", "queue open (Agera)") == 0.25
    assert target_for("county", "meetings list") == 0.25
    assert target_for("county", "start page (samordnare.sunne)") == 0.25
    assert target_for("county", "desk filtered") == 0.15
    assert target_for("county", "agenda (next working group)") == 0.15
    assert target_for("county", "report page") == 0.15
    assert target_for("nation", "timeline") == 0.2
    assert target_for("nation", "desk") == 0.12
    assert target_for("nation", "report page") == 0.12
    assert target_for("county", "floor (signed in)") is None
    assert target_for("county", "admin changelist") is None
    assert target_for("small", "case page") is None


def test_a_page_below_its_ratio_at_either_connection_count_is_a_miss():
    county = result(
        "county",
        [
            row("case page", 2, 0.26),
            row("case page", 8, 0.24),
            row("timeline", 2, 0.25),
            row("desk", 8, 0.14),
            row("agenda (next working group)", 2, 0.15),
        ],
    )
    nation = result("nation", [row("case page", 2, 0.21), row("desk", 2, 0.11)])
    misses = check({"county": county, "nation": nation})
    assert any("county: case page at 8 connections: 0.24" in m for m in misses)
    assert not any("case page at 2" in m for m in misses)
    assert not any("timeline" in m or "agenda" in m for m in misses)
    assert any("county: desk at 8 connections: 0.14" in m for m in misses)
    assert any("nation: desk at 2 connections: 0.11" in m for m in misses)
    assert not any(m.startswith("nation: case page") for m in misses)


def test_errors_and_a_slow_signed_in_floor_are_misses():
    county = result("county", [{**row("timeline", 2, 0.3), "errors": 3}])
    county["rows"].append(row("floor (bare Django)", 8, 0.45))
    misses = check({"county": county})
    assert "county: timeline: 3 errors" in misses
    assert any("signed-in floor 0.45 of the bare view at 8 connections" in m for m in misses)


def test_the_desk_rows_must_serve_three_times_the_admin_changelist():
    def compared(listing: float) -> list[str]:
        rows = [
            row("case list (desk rows)", 2, 0.1, rps=listing),
            row("admin changelist", 2, 0.1, rps=10),
        ]
        return check({"county": result("county", rows)})

    assert any("not 3x the admin changelist" in m for m in compared(29))
    assert not any("admin changelist" in m for m in compared(30))


def test_report_figures_have_a_budget_per_scale():
    county = result("county", [], report_figures_seconds=3.2)
    nation = result("nation", [], report_figures_seconds=29.0)
    misses = check({"county": county, "nation": nation})
    assert "county: yearly report figures 3.2 s (target 3 s)" in misses
    assert not any("nation: yearly report figures" in m for m in misses)
    assert any(
        "nation: yearly report figures 31" in m
        for m in check({"nation": result("nation", [], report_figures_seconds=31.0)})
    )


def test_the_national_pdf_must_finish_within_its_time_and_memory():
    assert (
        check({"nation": result("nation", [], report_pdf_seconds=59, report_pdf_peak_mib=499)})
        == []
    )
    misses = check({"nation": result("nation", [], report_pdf_seconds=61, report_pdf_peak_mib=501)})
    assert "nation: yearly PDF 61 s (target 60 s)" in misses
    assert "nation: yearly PDF 501 MiB (target 500 MiB)" in misses
    unfinished = check({"nation": result("nation", [], report_pdf_unfinished_after_seconds=240)})
    assert any("unfinished after 240" in m for m in unfinished)


def test_a_web_worker_at_200_mib_is_a_miss():
    assert check({"county": result("county", [], {"web_worker_peak_mib": 199.9})}) == []
    misses = check({"county": result("county", [], {"web_worker_peak_mib": 200.0})})
    assert misses == ["county: web worker 200.0 MiB at its peak (target under 200 MiB)"]


def test_the_older_budgets_still_count():
    county = result("county", [], pdf_ratio=2.5)
    nation = result("nation", [], sweep_seconds=61)
    misses = check({"county": county, "nation": nation})
    assert "county: yearly PDF 2.5x the plain document" in misses
    assert "nation: reminder sweep 61 s (target 60)" in misses


def test_growth_is_measured_from_the_smallest_to_the_largest_scale():
    small = result("small", [row("desk", 2, 1, p50=10), row("timeline", 8, 1, p50=20)])
    county = result("county", [row("desk", 2, 1, p50=100)])
    nation = result("nation", [row("desk", 2, 1, p50=16), row("timeline", 8, 1, p50=30)])
    both = {"small": small, "county": county, "nation": nation}
    assert slopes(both) == {"desk @2": 1.6, "timeline @8": 1.5}
    misses = check(both)
    assert any("desk at 2 connections: p50 grows 1.6x from small to nation" in m for m in misses)
    assert not any("timeline at 8 connections: p50" in m for m in misses)
    assert slopes({"small": small}) == {}


def test_the_stock_admin_and_the_floors_have_no_growth_target():
    small = result(
        "small", [row("admin changelist", 2, 1, p50=10), row("floor (bare Django)", 2, 1, p50=1)]
    )
    nation = result(
        "nation", [row("admin changelist", 2, 1, p50=40), row("floor (bare Django)", 2, 1, p50=3)]
    )
    assert check({"small": small, "nation": nation}) == []


def grown(page: str, users: int, low: float, high: float) -> dict:
    return {
        "page": page,
        "users": users,
        "low_p50_ms": low,
        "high_p50_ms": high,
        "growth": round(high / low, 2),
        "errors": 0,
    }


def test_growth_measured_side_by_side_decides_over_the_two_scales_own_runs():
    small = result("small", [row("desk", 2, 1, p50=10)])
    nation = result("nation", [row("desk", 2, 1, p50=20)])  # minutes apart: the machine drifted
    side_by_side = {
        "low": "small",
        "high": "nation",
        "rounds": 2,
        "rows": [grown("desk", 2, 10, 14), grown("timeline", 8, 20, 31)],
    }
    misses = check({"small": small, "nation": nation}, side_by_side)
    assert misses == [
        "timeline at 8 connections: p50 grows 1.6x from small to nation (target 1.5x)"
    ]
    assert slopes({"small": small, "nation": nation}, side_by_side) == {
        "desk @2": 1.4,
        "timeline @8": 1.55,
    }
    failing = {**side_by_side, "rows": [{**grown("desk", 2, 10, 11), "errors": 3}]}
    assert check({}, failing) == ["desk at 2 connections: 3 errors in the growth windows"]
    side_by_side["finished"] = "2026-12-07 06:16 UTC"
    text = markdown({**run_of(small=small, nation=nation), "growth": side_by_side})
    assert "Growth from small to nation, finished 2026-12-07 06:16 UTC:" in text
    assert "| desk | 2 | 10 | 14 | 1.4 | yes |" in text
    assert "| timeline | 8 | 20 | 31 | 1.55 | no |" in text


def test_growth_windows_alternate_the_two_servers_and_name_each_scales_person():
    pages = {
        "small": [
            {"page": "desk", "path": "/", "user": "a", "host": "h1"},
            {"page": "floor (signed in)", "path": "/f", "user": "a", "host": "h1"},
            {"page": "only small", "path": "/o", "host": "h1"},
        ],
        "nation": [
            {"page": "desk", "path": "/", "user": "a", "host": "h2"},
            {"page": "floor (signed in)", "path": "/f", "user": "a", "host": "h2"},
        ],
    }
    plan = growth_windows(pages, [2, 8], 2)
    assert [(w["scale"], w["users"], w["user"], w["host"]) for w in plan] == [
        ("small", 2, "small:a", "h1"),
        ("nation", 2, "nation:a", "h2"),
        ("nation", 2, "nation:a", "h2"),
        ("small", 2, "small:a", "h1"),
        ("small", 8, "small:a", "h1"),
        ("nation", 8, "nation:a", "h2"),
        ("nation", 8, "nation:a", "h2"),
        ("small", 8, "small:a", "h1"),
    ]
    measured = [
        {**w, "p50_ms": p50, "errors": 0}
        for w, p50 in zip(plan, [4, 6, 8, 5, 20, 30, 28, 22], strict=True)
    ]
    assert summarise_growth(measured, "small", "nation") == [
        {
            "page": "desk",
            "users": 2,
            "low_p50_ms": 4.5,
            "high_p50_ms": 7.0,
            "growth": 1.56,
            "errors": 0,
        },
        {
            "page": "desk",
            "users": 8,
            "low_p50_ms": 21.0,
            "high_p50_ms": 29.0,
            "growth": 1.38,
            "errors": 0,
        },
    ]


def pooled(page: str, users: int, pool: float, persistent: float) -> dict:
    return {
        "page": page,
        "users": users,
        "pool_rps": pool,
        "pool_p50_ms": 5.0,
        "pool_errors": 0,
        "persistent_rps": persistent,
        "persistent_p50_ms": 6.0,
        "persistent_errors": 0,
        "ratio": round(pool / persistent, 3),
    }


def run_of(**scales: dict) -> dict:
    return {"machine": "m", "finished": "f", "load": "wrk", "scales": scales, "misses": ["x"]}


def test_the_tables_have_both_connection_counts_in_one_row_and_the_pool_beside_persistent():
    county = result("county", [row("desk", 2, 0.2, rps=5), row("desk", 8, 0.3, rps=6)])
    county["rows"][0]["queries"] = 17
    county["pool"] = {
        "settings": {"pool": {"DB_POOL_MAX_SIZE": "2"}, "persistent": {"DB_POOL_MAX_SIZE": "0"}},
        "rows": [pooled("desk", 8, 12.0, 10.0)],
    }
    full = markdown(run_of(county=county))
    assert "| desk | 5 | 10.0 | 0.2 | 6 | 10.0 | 0.3 | 0.15 | 17 |" in full
    assert "| desk | 8 | 12.0 | 5.0 | 10.0 | 6.0 | 1.2 |" in full
    assert "pool: `DB_POOL_MAX_SIZE=2`; persistent: `DB_POOL_MAX_SIZE=0`" in full
    assert "Targets missed: 1." in full and "- x" in full
    short = summary(run_of(county=county))
    assert "| desk | 0.2 | 0.3 | 0.15 | 10.0 | 10.0 | yes |" in short
    assert "| desk | 8 | 12.0 |" in short


def test_the_summary_marks_a_page_missed_at_one_connection_count():
    county = result("county", [row("timeline", 2, 0.3), row("timeline", 8, 0.2)])
    assert "| timeline | 0.3 | 0.2 | 0.25 | 10.0 | 10.0 | no |" in summary(run_of(county=county))


def test_the_readme_block_is_replaced_between_its_markers_only():
    text = f"before\n{START}\nold table\n{END}\nafter\n"
    assert replace_block(text, "new table") == f"before\n{START}\nnew table\n{END}\nafter\n"


def test_timings_that_failed_are_a_miss_with_the_reason():
    county = result("county", [], failed="report 4 refused by the disclosure audit")
    assert check({"county": county}) == [
        "county: the report and sweep timings failed: report 4 refused by the disclosure audit"
    ]


def test_the_summary_lists_pages_without_a_target_too():
    small = result("small", [row("desk", 2, 0.2), row("floor (bare Django)", 2, 0.6)])
    text = summary(run_of(small=small))
    assert "| desk | 0.2 |  |  | 10.0 |  |  |" in text
    assert "| floor (bare Django) | 0.6 |  |  | 10.0 |  |  |" in text
