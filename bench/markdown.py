"""The last run as Markdown for the README: `python -m bench.markdown [results.json]`.

One table per scale (throughput, p50 and the ratio to the signed-in floor at 2 and 8 users, the
target, the query count), then the measurements that are not pages and the targets missed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.targets import target_for

RESULTS = Path(__file__).resolve().parent / "results.json"


def _rows(result: dict[str, Any]) -> list[str]:
    by_page: dict[str, dict[int, dict[str, Any]]] = {}
    for row in result["rows"]:
        by_page.setdefault(row["page"], {})[row["users"]] = row
    lines = [
        "| page | req/s (2) | p50 ms (2) | ratio (2) | req/s (8) | p50 ms (8) | ratio (8) "
        "| target | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, rows in by_page.items():
        two, eight = rows.get(2, {}), rows.get(8, {})
        target = target_for(result["scale"], page)
        queries = (two or eight).get("queries")
        lines.append(
            f"| {page} | {two.get('rps', '')} | {two.get('p50_ms', '')} | "
            f"{two.get('ratio', '')} | {eight.get('rps', '')} | {eight.get('p50_ms', '')} | "
            f"{eight.get('ratio', '')} | {target or ''} | {'' if queries is None else queries} |"
        )
    return lines


def markdown(results: dict[str, Any]) -> str:
    out = [f"Machine: {results['machine']}; finished {results['finished']}.", ""]
    for scale, result in results["scales"].items():
        data = result["data"]
        cases = data.get("cases", "reused data")
        out += [f"**{scale}** ({cases} cases; {result.get('seconds', '?')} s for the scale)", ""]
        out += _rows(result)
        extra = {**result.get("extra", {}), **result.get("memory", {})}
        out += ["", "; ".join(f"{k} {v}" for k, v in extra.items()), ""]
    misses = results.get("misses", [])
    out += [f"Targets missed: {len(misses)}.", ""]
    return "\n".join(out)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    print(markdown(json.loads(path.read_text())))


if __name__ == "__main__":
    main()
