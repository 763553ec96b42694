"""The benchmark's targets (the performance issue's), as ratios to the signed-in floor measured in
the same run with wrk, and as seconds and MiB for what is not a page.

Timing targets live here and nowhere in the unit tests.
"""

from __future__ import annotations

from typing import Any

# Pages: the minimum ratio of a page's throughput to the signed-in floor's, at 2 and 8 connections.
FAST = 0.25  # county: case page, timeline, queues, meetings list, start pages
HEAVY = 0.15  # county: the desk, the agenda, the report page
NATION_FAST, NATION_HEAVY = 0.2, 0.12
HEAVY_PAGES = ("desk", "agenda", "report page")
# Pages without a target of their own: the floors, and the two sides of the changelist comparison.
NO_TARGET = ("floor", "admin changelist", "case list")
# The signed-in floor against the bare Django view (what a session and the middleware cost).
BARE_FLOOR = 0.5
# The desk's rows (the case list: the desk filtered to closed cases) against Django's admin
# changelist of the same cases: at least this many times the throughput.
DESK_OVER_ADMIN = 3.0
# p50 at the largest scale measured over p50 at the smallest, per page and connection count; the
# floors and Django's stock admin (the desk's yardstick, not a page of the app) are exempt.
GROWTH = 1.5
GROWTH_EXEMPT = ("floor", "admin changelist")
# Seconds for the yearly report's figures, per scale.
REPORT_FIGURES_SECONDS = {"county": 3.0, "nation": 30.0}
# The national yearly PDF: finished within this time and memory.
NATION_PDF_SECONDS, NATION_PDF_MIB = 60.0, 500.0
# A gunicorn web worker's peak resident memory.
WEB_WORKER_MIB = 200.0
# The national reminder sweep (the reminders issue's budget as the benchmark measured it).
NATION_SWEEP_SECONDS = 60.0
# The yearly PDF against a plain ten-page document (the first benchmark issue's).
PDF_RATIO = 2.0


def target_for(scale: str, page: str) -> float | None:
    """The minimum ratio to the signed-in floor for a page, or None (no target)."""
    if page.startswith(NO_TARGET):
        return None
    heavy = page.startswith(HEAVY_PAGES)
    if scale == "county":
        return HEAVY if heavy else FAST
    if scale == "nation":
        return NATION_HEAVY if heavy else NATION_FAST
    return None


def _row(result: dict[str, Any], page: str, users: int) -> dict[str, Any] | None:
    return next((r for r in result["rows"] if r["page"] == page and r["users"] == users), None)


def _pages(scale: str, result: dict[str, Any]) -> list[str]:
    misses = []
    for row in result["rows"]:
        target = target_for(scale, row["page"])
        if target is not None and row["ratio"] < target:
            misses.append(
                f"{scale}: {row['page']} at {row['users']} connections: {row['ratio']:.2f} "
                f"of the floor (target {target})"
            )
        if row["errors"]:
            misses.append(f"{scale}: {row['page']}: {row['errors']} errors")
    for users in sorted({r["users"] for r in result["rows"]}):
        bare = _row(result, "floor (bare Django)", users)
        if bare and bare["ratio"] < BARE_FLOOR:
            misses.append(
                f"{scale}: signed-in floor {bare['ratio']:.2f} of the bare view at {users} "
                f"connections (target {BARE_FLOOR})"
            )
        listing = _row(result, "case list (desk rows)", users)
        admin = _row(result, "admin changelist", users)
        if listing and admin and admin["rps"] and listing["rps"] < DESK_OVER_ADMIN * admin["rps"]:
            misses.append(
                f"{scale}: case list {listing['rps']} req/s is not {DESK_OVER_ADMIN:g}x the "
                f"admin changelist {admin['rps']} req/s at {users} connections"
            )
    return misses


def _figures(scale: str, result: dict[str, Any]) -> list[str]:
    """What is not a page: the report's figures and PDF, the sweep, the workers' memory."""
    misses = []
    extra = {**result.get("extra", {}), **result.get("memory", {})}
    if "failed" in extra:
        misses.append(f"{scale}: the report and sweep timings failed: {extra['failed']}")
    budget = REPORT_FIGURES_SECONDS.get(scale)
    figures = extra.get("report_figures_seconds")
    if budget is not None and figures is not None and figures > budget:
        misses.append(f"{scale}: yearly report figures {figures} s (target {budget:g} s)")
    if scale == "nation":
        if "report_pdf_unfinished_after_seconds" in extra:
            misses.append(
                "nation: yearly PDF unfinished after "
                f"{extra['report_pdf_unfinished_after_seconds']} s "
                f"(target {NATION_PDF_SECONDS:g} s)"
            )
        elif extra.get("report_pdf_seconds", 0) > NATION_PDF_SECONDS:
            misses.append(
                f"nation: yearly PDF {extra['report_pdf_seconds']} s "
                f"(target {NATION_PDF_SECONDS:g} s)"
            )
        if extra.get("report_pdf_peak_mib", 0) > NATION_PDF_MIB:
            misses.append(
                f"nation: yearly PDF {extra['report_pdf_peak_mib']} MiB "
                f"(target {NATION_PDF_MIB:g} MiB)"
            )
        if extra.get("sweep_seconds", 0) > NATION_SWEEP_SECONDS:
            misses.append(
                f"nation: reminder sweep {extra['sweep_seconds']} s "
                f"(target {NATION_SWEEP_SECONDS:g})"
            )
    elif "report_pdf_unfinished_after_seconds" in extra:
        misses.append(
            f"{scale}: yearly PDF unfinished after {extra['report_pdf_unfinished_after_seconds']} s"
        )
    if extra.get("pdf_ratio", 0) > PDF_RATIO:
        misses.append(f"{scale}: yearly PDF {extra['pdf_ratio']}x the plain document")
    if extra.get("web_worker_peak_mib", 0) >= WEB_WORKER_MIB:
        misses.append(
            f"{scale}: web worker {extra['web_worker_peak_mib']} MiB at its peak "
            f"(target under {WEB_WORKER_MIB:g} MiB)"
        )
    return misses


def check(results: dict[str, dict[str, Any]], growth: dict[str, Any] | None = None) -> list[str]:
    """Every missed target, in words."""
    misses = []
    for scale, result in results.items():
        misses += _pages(scale, result)
        misses += _figures(scale, result)
    misses += _growth(results, growth)
    return misses


def _ends(results: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    order = [s for s in ("small", "county", "nation") if s in results]
    return (order[0], order[-1]) if len(order) >= 2 else None


def _growth_rows(
    results: dict[str, dict[str, Any]], growth: dict[str, Any] | None
) -> tuple[str, str, list[dict[str, Any]]] | None:
    """Each page's p50 at both ends: from the side-by-side measurement (bench/run.py's
    `measure_growth`) when there is one, else from the two scales' own runs."""
    if growth and growth.get("rows"):
        return growth["low"], growth["high"], growth["rows"]
    ends = _ends(results)
    if ends is None:
        return None
    low, high = results[ends[0]], results[ends[1]]
    rows = []
    for row in high["rows"]:
        base = _row(low, row["page"], row["users"])
        if base and base["p50_ms"] and not row["page"].startswith(GROWTH_EXEMPT):
            rows.append(
                {
                    "page": row["page"],
                    "users": row["users"],
                    "low_p50_ms": base["p50_ms"],
                    "high_p50_ms": row["p50_ms"],
                    "growth": round(row["p50_ms"] / base["p50_ms"], 2),
                }
            )
    return ends[0], ends[1], rows


def growth_met(row: dict[str, Any]) -> bool:
    """A growth row within the target (p50 under 1 ms counts as 1 ms at the smaller scale)."""
    return bool(row["high_p50_ms"] <= GROWTH * max(row["low_p50_ms"], 1))


def _growth(results: dict[str, dict[str, Any]], growth: dict[str, Any] | None) -> list[str]:
    """Each page's p50 within 1.5x from the smallest to the largest scale measured."""
    found = _growth_rows(results, growth)
    if found is None:
        return []
    low, high, rows = found
    misses = [
        f"{row['page']} at {row['users']} connections: p50 grows "
        f"{row['high_p50_ms'] / row['low_p50_ms']:.1f}x from {low} to {high} (target {GROWTH}x)"
        for row in rows
        if row["low_p50_ms"] and not growth_met(row)
    ]
    misses += [
        f"{row['page']} at {row['users']} connections: {row['errors']} errors in the growth windows"
        for row in rows
        if row.get("errors")
    ]
    return misses


def slopes(
    results: dict[str, dict[str, Any]], growth: dict[str, Any] | None = None
) -> dict[str, float]:
    """p50 growth per page from the smallest to the largest scale measured."""
    found = _growth_rows(results, growth)
    return {} if found is None else {f"{r['page']} @{r['users']}": r["growth"] for r in found[2]}
