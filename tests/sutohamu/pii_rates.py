"""The personal-data guard measured on its corpus: `python -m tests.sutohamu.pii_rates`.

Prints the false-positive rate (clean texts refused) and the catch rate (planted identifiers
refused), and lists every miss. The guard needs no database: settings only.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "pii_corpus"


def clean_texts() -> list[str]:
    return list(json.loads((CORPUS / "clean.json").read_text(encoding="utf-8")))


def planted_texts() -> list[tuple[str, str]]:
    return [(t, k) for t, k in json.loads((CORPUS / "planted.json").read_text(encoding="utf-8"))]


@dataclass
class Rates:
    clean: int = 0
    planted: int = 0
    false_positives: list[tuple[str, str]] = field(default_factory=list)  # (text, kind found)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (text, kind planted)

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.clean

    @property
    def catch_rate(self) -> float:
        return (self.planted - len(self.missed)) / self.planted


def measure() -> Rates:
    from sutohamu.pii import find_personal_data

    rates = Rates(clean=len(clean_texts()), planted=len(planted_texts()))
    for text in clean_texts():
        kind = find_personal_data(text)
        if kind:
            rates.false_positives.append((text, kind))
    for text, kind in planted_texts():
        if not find_personal_data(text):
            rates.missed.append((text, kind))
    return rates


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")
    os.environ.setdefault("SECRET_KEY", "pii-rates-only")
    import django

    django.setup()
    rates = measure()
    print(
        f"clean texts refused (false positives): {len(rates.false_positives)} of {rates.clean} "
        f"= {rates.false_positive_rate:.1%}"
    )
    print(
        f"planted identifiers caught: {rates.planted - len(rates.missed)} of {rates.planted} "
        f"= {rates.catch_rate:.1%}"
    )
    for text, kind in rates.false_positives:
        print(f"  false positive ({kind}): {text}")
    for text, kind in rates.missed:
        print(f"  missed ({kind}): {text}")
    return 0 if not rates.false_positives and not rates.missed else 1


if __name__ == "__main__":
    sys.exit(main())
