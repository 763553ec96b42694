"""The benchmark's targets, as ratios to the signed-in floor measured in the same run.

Timing targets live here and nowhere in the unit tests.
"""

from __future__ import annotations

from typing import Any

FAST = 0.5  # case page, timeline, queues, meetings, start pages at the county scale
HEAVY = 0.33  # the desk and the report page
NATION_FAST, NATION_HEAVY = 0.4, 0.25
HEAVY_PAGES = ("desk", "report")


def target_for(scale: str, page: str) -> float | None:
    """The minimum ratio to the signed-in floor for a page, or None (no target)."""
    if page.startswith(("floor", "admin changelist", "case list")):
        return None
    heavy = page.startswith(HEAVY_PAGES)
    if scale == "county":
        return HEAVY if heavy else FAST
    if scale == "nation":
        return NATION_HEAVY if heavy else NATION_FAST
    return None


def _row(result: dict[str, Any], page: str, users: int) -> dict[str, Any] | None:
    return next((r for r in result["rows"] if r["page"] == page and r["users"] == users), None)


def check(results: dict[str, dict[str, Any]]) -> list[str]:
    """Every missed target, in words."""
    misses = []
    for scale, result in results.items():
        for row in result["rows"]:
            target = target_for(scale, row["page"])
            if target is not None and row["ratio"] < target:
                misses.append(
                    f"{scale}: {row['page']} at {row['users']} users: {row['ratio']:.2f} "
                    f"of the floor (target {target})"
                )
            if row["errors"]:
                misses.append(f"{scale}: {row['page']}: {row['errors']} errors")
        for users in (2, 8):
            bare = _row(result, "floor (bare Django)", users)
            if bare and bare["ratio"] < FAST:
                misses.append(
                    f"{scale}: signed-in floor {bare['ratio']:.2f} of the bare view at {users} "
                    f"users (target 0.5)"
                )
            listing, admin = (
                _row(result, "case list (desk rows)", users),
                _row(result, "admin changelist", users),
            )
            if listing and admin and admin["rps"] and listing["rps"] < 3 * admin["rps"]:
                misses.append(
                    f"{scale}: case list {listing['rps']} req/s is not 3x the admin changelist "
                    f"{admin['rps']} req/s at {users} users"
                )
        extra = result.get("extra", {})
        if "pdf_ratio" in extra and extra["pdf_ratio"] > 2:
            misses.append(f"{scale}: yearly PDF {extra['pdf_ratio']}x the plain document")
        if "report_pdf_unfinished_after_seconds" in extra:
            misses.append(
                f"{scale}: yearly PDF unfinished after "
                f"{extra['report_pdf_unfinished_after_seconds']} s"
            )
        if scale == "nation" and extra.get("sweep_seconds", 0) > 60:
            misses.append(f"nation: reminder sweep {extra['sweep_seconds']} s (target 60)")
    misses += _growth(results)
    return misses


def _growth(results: dict[str, dict[str, Any]]) -> list[str]:
    """Each page's p50 within 1.5x from the smallest to the largest scale measured."""
    order = [s for s in ("small", "county", "nation") if s in results]
    if len(order) < 2:
        return []
    low, high = results[order[0]], results[order[-1]]
    misses = []
    for row in high["rows"]:
        base = _row(low, row["page"], row["users"])
        if base and base["p50_ms"] and row["p50_ms"] > 1.5 * max(base["p50_ms"], 1):
            misses.append(
                f"{row['page']} p50 grows {row['p50_ms'] / base['p50_ms']:.1f}x from "
                f"{order[0]} to {order[-1]} (target 1.5x)"
            )
    return misses


def slopes(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """p50 growth per page from the smallest to the largest scale measured."""
    order = [s for s in ("small", "county", "nation") if s in results]
    if len(order) < 2:
        return {}
    low, high = results[order[0]], results[order[-1]]
    out = {}
    for row in high["rows"]:
        base = _row(low, row["page"], row["users"])
        if base and base["p50_ms"]:
            out[f"{row['page']} @{row['users']}"] = round(row["p50_ms"] / base["p50_ms"], 2)
    return out
