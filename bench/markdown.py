"""The last run as Markdown, from bench/results.json: `python -m bench.markdown [--write]`.

`bench/README.md` gets every table (throughput, p50 and the ratio to the signed-in floor at 2 and
8 connections, the target, the query count; the measurements that are not pages; the pool
against persistent connections; every target missed). The main README's "Benchmark" section gets
a summary between two markers. bench/run.py writes both after each run; without `--write` the
full text is printed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from bench.targets import GROWTH, growth_met, target_for

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
BENCH_README = HERE / "README.md"
MAIN_README = HERE.parent / "README.md"
START, END = "<!-- bench-results:start -->", "<!-- bench-results:end -->"
MODES = ("pool", "persistent")


def _by_page(result: dict[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    by_page: dict[str, dict[int, dict[str, Any]]] = {}
    for row in result["rows"]:
        by_page.setdefault(row["page"], {})[row["users"]] = row
    return by_page


def _rows(result: dict[str, Any]) -> list[str]:
    lines = [
        "| page | req/s (2) | p50 ms (2) | ratio (2) | req/s (8) | p50 ms (8) | ratio (8) "
        "| target | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, rows in _by_page(result).items():
        two, eight = rows.get(2, {}), rows.get(8, {})
        target = target_for(result["scale"], page)
        queries = (two or eight).get("queries")
        lines.append(
            f"| {page} | {two.get('rps', '')} | {two.get('p50_ms', '')} | "
            f"{two.get('ratio', '')} | {eight.get('rps', '')} | {eight.get('p50_ms', '')} | "
            f"{eight.get('ratio', '')} | {target or ''} | {'' if queries is None else queries} |"
        )
    return lines


def _summary_rows(result: dict[str, Any]) -> list[str]:
    """Every page's ratio at both connection counts, and whether a page with a target meets it."""
    lines = [
        "| page | ratio (2) | ratio (8) | target | p50 ms (2) | p50 ms (8) | met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page, rows in _by_page(result).items():
        target = target_for(result["scale"], page)
        two, eight = rows.get(2, {}), rows.get(8, {})
        met = "" if target is None else all(r["ratio"] >= target for r in (two, eight) if r)
        lines.append(
            f"| {page} | {two.get('ratio', '')} | {eight.get('ratio', '')} | {target or ''} | "
            f"{two.get('p50_ms', '')} | {eight.get('p50_ms', '')} | "
            f"{'' if met == '' else 'yes' if met else 'no'} |"
        )
    return lines


def _pool(result: dict[str, Any]) -> list[str]:
    pool = result.get("pool")
    if not pool:
        return []
    settings = "; ".join(
        f"{mode}: " + ", ".join(f"`{k}={v}`" for k, v in values.items())
        for mode, values in pool["settings"].items()
    )
    lines = [
        f"Connections, two gunicorn servers side by side, measured alternately ({settings}):",
        "",
        "| page | connections | pool req/s | pool p50 ms | persistent req/s "
        "| persistent p50 ms | pool / persistent |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in pool["rows"]:
        lines.append(
            f"| {row['page']} | {row['users']} | {row['pool_rps']} | {row['pool_p50_ms']} | "
            f"{row['persistent_rps']} | {row['persistent_p50_ms']} | {row['ratio']} |"
        )
    return [*lines, ""]


def _growth(results: dict[str, Any]) -> list[str]:
    """The p50 growth from the smallest scale to the largest, both servers side by side."""
    growth = results.get("growth")
    if not growth or not growth.get("rows"):
        return []
    low, high = growth["low"], growth["high"]
    when = f", finished {growth['finished']}" if growth.get("finished") else ""
    lines = [
        f"Growth from {low} to {high}{when}: both scales' servers side by side, each page "
        f"measured on one and the other in {growth['rounds']} alternating windows per connection "
        "count "
        f"(median p50, ms; target {GROWTH}x):",
        "",
        f"| page | connections | p50 {low} | p50 {high} | growth | met |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in growth["rows"]:
        met = "yes" if growth_met(row) else "no"
        lines.append(
            f"| {row['page']} | {row['users']} | {row['low_p50_ms']} | {row['high_p50_ms']} "
            f"| {row['growth']} | {met} |"
        )
    return [*lines, ""]


def _heading(scale: str, result: dict[str, Any]) -> str:
    cases = result["data"].get("cases")
    data = "data reused" if cases is None else f"{cases} cases"
    return f"**{scale}** ({data}; {result.get('seconds', '?')} s for the scale)"


def _extra(result: dict[str, Any]) -> str:
    extra = {**result.get("extra", {}), **result.get("memory", {})}
    return "; ".join(f"{k} {v}" for k, v in extra.items())


def markdown(results: dict[str, Any]) -> str:
    """Every table of the run (bench/README.md's body)."""
    load = results.get("load", "Locust")
    out = [f"Machine: {results['machine']}; load: {load}; finished {results['finished']}.", ""]
    for scale, result in results["scales"].items():
        out += [_heading(scale, result), ""]
        out += _rows(result)
        out += ["", _extra(result), ""]
        out += _pool(result)
    out += _growth(results)
    misses = results.get("misses", [])
    out += [f"Targets missed: {len(misses)}.", ""]
    out += [f"- {miss}" for miss in misses]
    if misses:
        out.append("")
    return "\n".join(out)


def summary(results: dict[str, Any]) -> str:
    """The README's part: the targeted pages per scale, the pool, the count of misses."""
    load = results.get("load", "Locust")
    out = [
        f"Last run: {results['finished']} on {results['machine']}, load: {load} "
        "(`bench/results.json`; every table and every target missed in "
        "[`bench/README.md`](bench/README.md)).",
        "",
    ]
    for scale, result in results["scales"].items():
        out += [_heading(scale, result), ""]
        out += _summary_rows(result)
        out += ["", _extra(result), ""]
        out += _pool(result)
    out += _growth(results)
    misses = results.get("misses", [])
    out.append(f"Targets missed: {len(misses)}.")
    return "\n".join(out)


BENCH_INTRO = """# The benchmark's last run

Written by `bench/run.py` (or `python -m bench.markdown --write`) from `bench/results.json`; do not
edit by hand. What the benchmark does is in the main README's "Benchmark" section. Each ratio is
the page's throughput over the signed-in floor's, measured with wrk in alternating windows in the
same run at 2 and 8 connections; "target" is the minimum ratio (`bench/targets.py`).

"""


def replace_block(text: str, block: str) -> str:
    """The text with what lies between the two markers replaced (the markers kept)."""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"README.md has no {START} … {END} block")
    return pattern.sub(lambda _: f"{START}\n{block}\n{END}", text, count=1)


def write(results: dict[str, Any]) -> None:
    BENCH_README.write_text(BENCH_INTRO + markdown(results), encoding="utf-8")
    readme = MAIN_README.read_text(encoding="utf-8")
    MAIN_README.write_text(replace_block(readme, summary(results)), encoding="utf-8")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--write"]
    path = Path(args[0]) if args else RESULTS
    results = json.loads(path.read_text(encoding="utf-8"))
    if "--write" in sys.argv[1:]:
        write(results)
    else:
        print(markdown(results))


if __name__ == "__main__":
    main()
