"""The benchmark's verdicts: targets as ratios, the growth check, the README table."""

from __future__ import annotations

from bench.markdown import markdown
from bench.targets import check, slopes, target_for


def row(page: str, users: int, ratio: float, p50: float = 10.0, rps: float = 10.0) -> dict:
    return {"page": page, "users": users, "ratio": ratio, "p50_ms": p50, "rps": rps, "errors": 0}


def result(scale: str, rows: list[dict], **extra: float) -> dict:
    return {"scale": scale, "rows": rows, "extra": dict(extra), "memory": {}, "data": {}}


def test_targets_per_scale_and_page():
    assert target_for("county", "desk filtered") == 0.33
    assert target_for("county", "case page") == 0.5
    assert target_for("nation", "report page") == 0.25
    assert target_for("nation", "timeline") == 0.4
    assert target_for("county", "floor (signed in)") is None
    assert target_for("small", "case page") is None


def test_check_names_each_miss_and_passes_what_meets_its_target():
    county = result(
        "county",
        [
            row("case page", 2, 0.49),
            row("timeline", 2, 0.5),
            row("floor (bare Django)", 2, 0.45),
            row("case list (desk rows)", 2, 1, rps=20),
            row("admin changelist", 2, 1, rps=10),
        ],
        pdf_ratio=2.5,
    )
    nation = result("nation", [row("case page", 2, 0.41)], sweep_seconds=61)
    misses = check({"county": county, "nation": nation})
    assert any("case page at 2 users: 0.49" in m for m in misses)
    assert not any("timeline" in m for m in misses)
    assert any("signed-in floor 0.45" in m for m in misses)
    assert any("not 3x the admin changelist" in m for m in misses)
    assert any("yearly PDF 2.5x" in m for m in misses)
    assert any("reminder sweep 61 s" in m for m in misses)
    assert not any(m.startswith("nation: case page") for m in misses)


def test_growth_is_measured_from_the_smallest_to_the_largest_scale():
    small = result("small", [row("desk", 2, 1, p50=10)])
    nation = result("nation", [row("desk", 2, 1, p50=16)])
    assert slopes({"small": small, "nation": nation}) == {"desk @2": 1.6}
    assert any("desk p50 grows 1.6x" in m for m in check({"small": small, "nation": nation}))


def test_the_readme_table_has_both_user_counts_in_one_row():
    county = result("county", [row("desk", 2, 0.2, rps=5), row("desk", 8, 0.3, rps=6)])
    county["rows"][0]["queries"] = 17
    text = markdown({"machine": "m", "finished": "f", "scales": {"county": county}})
    assert "| desk | 5 | 10.0 | 0.2 | 6 | 10.0 | 0.3 | 0.33 | 17 |" in text
