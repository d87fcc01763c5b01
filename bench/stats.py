"""Percentiles and ratios, the same way for every figure."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    """count, p50, p99, max (and min) of a list of seconds (or any unit)."""
    return {"count": len(values), "min": min(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
            "max": max(values)}


def ratio(ours: float, bare: float) -> float | None:
    """ours / bare; None when the baseline is zero or negative (a ratio would mean nothing)."""
    return round(ours / bare, 2) if bare > 0 else None
