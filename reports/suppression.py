"""Disclosure control: no published figure lets anyone recover a count of fewer than five cases.

Every published cell of a report is a linear constraint: the sum of the finest-grained cells
(the distinct combinations of attributes that occur among the units counted) it covers. A
suppressed cell can be recovered exactly when its indicator vector lies in the row space of the
published cells' indicator vectors, whatever combination of rows, columns and tables an attacker
uses (the test of tau-ARGUS, SSB's GaussSuppression and sdcTable). Only combinations that occur
are finest cells, so the attacker is assumed to know which combinations are empty: stricter than
needed, never weaker.

- Primary: a cell counting 1 to threshold-1 units is shown as "<threshold".
- Secondary: while a suppressed cell is recoverable, suppress the published cell of least value
  that every way of recovering it needs (least information loss); zeros stay published.
- Audit: before a report is released the published system is checked again; a report that fails
  is refused (`DisclosureError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

PRIMARY = "primary"
SECONDARY = "secondary"

# Tolerances for the 0/1 matrices of a report (a few hundred rows and columns at most).
_RANK_TOL = 1e-9
_RESIDUAL_TOL = 1e-7


class DisclosureError(Exception):
    """A report whose published figures would let a suppressed cell be recovered."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(f"recoverable suppressed cells: {', '.join(keys)}")
        self.keys = list(keys)


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 5))


@dataclass(frozen=True)
class Cell:
    """One published-or-suppressed figure: its value and the finest cells it sums."""

    key: str
    value: int
    members: frozenset[int] = field(default_factory=frozenset)


def is_primary(value: int, limit: int) -> bool:
    return 0 < value < limit


def _matrix(cells: Sequence[Cell], size: int) -> np.ndarray:
    out = np.zeros((len(cells), size), dtype=float)
    for i, cell in enumerate(cells):
        for m in cell.members:
            out[i, m] = 1.0
    return out


class _Published:
    """The published system's SVD, to ask which suppressed cells it determines and how."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        if rows.shape[0] == 0:
            self.rank = 0
            self.u = np.zeros((0, 0))
            self.s = np.zeros(0)
            self.vt = np.zeros((0, rows.shape[1]))
            return
        u, s, vt = np.linalg.svd(rows, full_matrices=True)
        self.rank = int(np.sum(s > _RANK_TOL * max(1.0, float(s[0]) if s.size else 1.0)))
        self.u, self.s, self.vt = u, s, vt

    def determines(self, targets: np.ndarray) -> np.ndarray:
        """For each row of `targets`: does it lie in the row space of the published rows?"""
        if targets.shape[0] == 0:
            return np.zeros(0, dtype=bool)
        basis = self.vt[: self.rank]
        residual = targets - (targets @ basis.T) @ basis
        return np.linalg.norm(residual, axis=1) < _RESIDUAL_TOL

    def needed(self, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per published row: its weight in one recovery of `target`, and whether every
        recovery needs it (the row is independent of the others and its weight is not zero)."""
        r = self.rank
        weights = self.u[:, :r] @ ((self.vt[:r] @ target) / self.s[:r])
        left_null = self.u[:, r:]
        independent = (
            np.linalg.norm(left_null, axis=1) < 1e-7
            if left_null.shape[1]
            else np.ones(self.rows.shape[0], dtype=bool)
        )
        used = np.abs(weights) > 1e-7
        return weights, used & independent


def recoverable(cells: Sequence[Cell], suppressed: Iterable[str]) -> list[str]:
    """The suppressed cells that the published ones determine (the audit)."""
    hidden = set(suppressed)
    size = 1 + max((m for c in cells for m in c.members), default=-1)
    published = [c for c in cells if c.key not in hidden]
    secret = [c for c in cells if c.key in hidden]
    if not secret:
        return []
    system = _Published(_matrix(published, size))
    found = system.determines(_matrix(secret, size))
    # An empty suppressed cell (no members) is a known zero, never a secret worth keeping.
    return sorted(c.key for c, hit in zip(secret, found, strict=True) if hit and c.members)


def suppress(cells: Sequence[Cell], limit: int | None = None) -> dict[str, str]:
    """Which cells to suppress and why: {key: "primary" | "secondary"}; the rest is published.

    Deterministic: the same cells give the same answer (ties broken by value, then key).
    """
    limit = threshold() if limit is None else limit
    keys = [c.key for c in cells]
    if len(set(keys)) != len(keys):
        raise ValueError("cell keys must be unique")
    status: dict[str, str] = {c.key: PRIMARY for c in cells if is_primary(c.value, limit)}
    size = 1 + max((m for c in cells for m in c.members), default=-1)
    # Cells with the same members carry the same figure: one suppressed hides all of them.
    by_members: dict[frozenset[int], list[Cell]] = {}
    for c in cells:
        by_members.setdefault(c.members, []).append(c)
    for group in by_members.values():
        if any(c.key in status for c in group):
            for c in group:
                status.setdefault(c.key, SECONDARY)
    while True:
        published = [c for c in cells if c.key not in status]
        secret = sorted(
            (c for c in cells if c.key in status and c.members), key=lambda c: (c.value, c.key)
        )
        if not secret:
            return status
        system = _Published(_matrix(published, size))
        targets = _matrix(secret, size)
        found = system.determines(targets)
        if not found.any():
            return status
        index = int(np.flatnonzero(found)[0])
        weights, needed = system.needed(targets[index])
        # Zeros stay published: an empty cell protects nothing and is no one's secret.
        options = [
            (c.value, c.key)
            for c, w, must in zip(published, weights, needed, strict=True)
            if c.value > 0 and must and abs(w) > 0
        ]
        if not options:  # every recovery has alternatives: cut the cheapest road first
            options = [
                (c.value, c.key)
                for c, w in zip(published, weights, strict=True)
                if c.value > 0 and abs(w) > 1e-7
            ]
        if not options:  # cannot happen with consistent values (a secret is not a sum of zeros)
            raise DisclosureError([secret[index].key])
        chosen = min(options)[1]
        members = next(c.members for c in published if c.key == chosen)
        for c in by_members[members]:
            status.setdefault(c.key, SECONDARY)


def audit(cells: Sequence[Cell], status: dict[str, str], limit: int | None = None) -> None:
    """Refuse a report in which a small cell is published or a suppressed one recoverable."""
    limit = threshold() if limit is None else limit
    shown_small = sorted(c.key for c in cells if is_primary(c.value, limit) and c.key not in status)
    if shown_small:
        raise DisclosureError(shown_small)
    found = recoverable(cells, status)
    if found:
        raise DisclosureError(found)
