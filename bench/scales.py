"""The benchmark's scales: how many municipalities, people and cases, over how many years."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int  # including the demo's four
    people: int  # including the demo's accounts
    cases: int  # generated, on top of the demo's
    years: int = 5


SCALES = {
    "small": Scale("small", municipalities=8, people=120, cases=5_000),
    "county": Scale("county", municipalities=16, people=400, cases=50_000),
    "nation": Scale("nation", municipalities=290, people=5_000, cases=500_000),
}
