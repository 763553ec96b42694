"""Where a test run's time goes: per-file totals from pytest's JUnit XML, slowest first.

    pytest -n 2 -q --junitxml=/tmp/run.xml --durations=80
    python scripts/test_durations.py /tmp/run.xml [--top 40]

A test's time in the XML is its set-up, call and tear-down together; with pytest-xdist the
files' totals add up to about the workers' busy time (not the wall clock). Compare two runs only
under the same load (back to back on a quiet machine).
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from collections import defaultdict


def per_file(path: str) -> list[tuple[str, float, int]]:
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("classname", "").replace(".", "/")
        # classname is the module (and class, if any): keep the path up to the file.
        parts = name.split("/")
        while parts and not parts[-1].startswith("test_"):
            parts.pop()
        file = "/".join(parts) + ".py" if parts else name
        totals[file] += float(case.get("time", 0) or 0)
        counts[file] += 1
    return sorted(((f, t, counts[f]) for f, t in totals.items()), key=lambda r: -r[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xml")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    rows = per_file(args.xml)
    total = sum(t for _f, t, _n in rows)
    tests = sum(n for _f, _t, n in rows)
    print(f"{tests} tests, {total:.0f} s of test time in {len(rows)} files")
    for file, seconds, count in rows[: args.top]:
        print(f"{seconds:8.1f} s {100 * seconds / total:5.1f} % {count:5d}  {file}")


if __name__ == "__main__":
    main()
