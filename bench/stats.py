"""Percentiles and rates, with no numpy."""

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.nan


def ms(seconds: float) -> float:
    return seconds * 1000.0


def curve(values: Sequence[float], points: int = 100) -> list[tuple[float, float]]:
    """(percentile, value) pairs for a latency-distribution chart."""
    qs = [100 * i / points for i in range(points)] + [99.5, 99.9, 100.0]
    return [(q, percentile(values, q)) for q in sorted(set(qs))]
