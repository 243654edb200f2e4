"""Theil–Sen's slope and its interval, exactly as `scipy.stats.theilslopes` gives them.

SciPy sorts all n(n-1)/2 pairwise slopes to read three of them; over ten years of weeks that is
136,000 slopes, and the sort was most of the time the insights took after a change. Here the same
slopes are computed the same way, and the order statistics at SciPy's ranks (Sen 1968, equation
2.6, with its tie correction) are picked with `numpy.partition` instead.

When the first points are settled and only a few later ones change (a person's history, and its
last weeks), the slopes among the settled points that the estimate can reach are kept once
(`settle`): then only the slopes to the later points are computed, and the same order statistics
are found among those and the kept ones. The same numbers, bit for bit, either way
(tests/journal/test_theil_sen.py holds them to SciPy's on random and tied series).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special


@dataclass(frozen=True)
class Settled:
    """The slopes among the first `points` points that an estimate over them and up to `room`
    later points can reach: `window`, sorted, with `below` more of the `count` slopes under it."""

    points: int
    count: int
    below: int
    window: np.ndarray


@lru_cache(maxsize=8)
def _pairs(x: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Each pair (i < j) of points by index, x[j] - x[i], and the ties among the x: the same for
    every series measured at the same weeks."""
    xs = np.asarray(x, dtype=float)
    first, second = np.triu_indices(len(xs), k=1)
    return first, second, xs[second] - xs[first], _tie_terms(xs)


def _tie_terms(values: np.ndarray) -> int:
    """Sen's correction for ties: the sum of t(t-1)(2t+5) over each group of t equal values."""
    counts = np.unique(values, return_counts=True)[1]
    return int(np.sum(counts * (counts - 1) * (2 * counts + 5)))


def _z(confidence: float) -> float:
    alpha = 1.0 - confidence if confidence > 0.5 else confidence
    return float(special.ndtri(alpha / 2.0))


def _ranks(count: int, variance: float, z: float) -> tuple[float, list[int]]:
    """Where SciPy reads the median (the interpolation `scipy.stats.quantile` does by default,
    between two ranks) and the interval's two ends among `count` sorted slopes: the fraction, and
    the ranks (below, above, lower end, upper end)."""
    position = 0.5 * count + 0.5
    above = position // 1
    fraction = position % 1
    below = int(min(max(above - 1, 0), count - 1))
    above = int(min(max(above, 0), count - 1))
    sigma = math.sqrt(max(variance, 0.0))
    upper = min(round((count - z * sigma) / 2.0), count - 1)
    lower = max(round((count + z * sigma) / 2.0) - 1, 0)
    return fraction, [below, above, lower, upper]


def _variance(n: int, x_ties: int, y: np.ndarray) -> float:
    return 1 / 18.0 * (n * (n - 1) * (2 * n + 5) - x_ties - _tie_terms(y))


def _slopes(y: np.ndarray, x: Sequence[float]) -> tuple[np.ndarray, int]:
    first, second, dx, x_ties = _pairs(tuple(float(value) for value in x))
    return (y[second] - y[first]) / dx, x_ties


def theil_sen(
    y: Sequence[float], x: Sequence[float], confidence: float, settled: Settled | None = None
) -> tuple[float, float, float]:
    """The median pairwise slope and its `confidence` interval (low, high), as SciPy's
    `theilslopes(y, x, alpha=confidence)` computes them; `x` distinct and ascending. With
    `settled` (`settle` of the same first points), only the slopes to the later points are
    computed."""
    ys = np.asarray(y, dtype=float)
    n = len(ys)
    if settled is not None:
        found = _with_settled(ys, x, confidence, settled)
        if found is not None:
            return found
    slopes, x_ties = _slopes(ys, x)
    variance = _variance(n, x_ties, ys)
    fraction, ranks = _ranks(len(slopes), variance, _z(confidence))
    picked = np.partition(slopes, sorted(set(ranks)))
    return _estimate(fraction, [picked[rank] for rank in ranks], variance)


def _estimate(fraction: float, values: list, variance: float) -> tuple[float, float, float]:
    below, above, lower, upper = values
    median = (1 - fraction) * below + fraction * above
    if variance < 0:
        return float(median), math.nan, math.nan
    return float(median), float(lower), float(upper)


def _with_settled(
    ys: np.ndarray, x: Sequence[float], confidence: float, settled: Settled
) -> tuple[float, float, float] | None:
    """The estimate from the kept slopes and those to the later points; None when a rank falls
    outside what was kept (more later points than its room), and all slopes are needed."""
    n, first = len(ys), settled.points
    if first > n or not len(settled.window):
        return None
    xs = np.asarray(x, dtype=float)
    later = np.concatenate(
        [(ys[j] - ys[:j]) / (xs[j] - xs[:j]) for j in range(first, n)] or [np.empty(0)]
    )
    later.sort()
    count = settled.count + len(later)
    variance = _variance(n, _tie_terms(xs), ys)
    fraction, ranks = _ranks(count, variance, _z(confidence))
    # Every slope below the window's first, kept or later, comes before it: a rank r is the
    # (r - below - under)-th of the window merged with the later slopes from its first on, as
    # long as that is within the window's length (nothing past the window can come before it).
    window = settled.window
    under = int(np.searchsorted(later, window[0], side="left"))
    places = [rank - settled.below - under for rank in ranks]
    if min(places) < 0 or max(places) >= len(window):
        return None
    picked = np.partition(np.concatenate([window, later[under:]]), sorted(set(places)))
    return _estimate(fraction, [picked[place] for place in places], variance)


def settle(y: Sequence[float], x: Sequence[float], confidence: float, room: int) -> Settled:
    """The slopes among these points that an estimate can reach once up to `room` points are
    added after them: those between the lowest rank the interval's lower end can take and the
    highest its upper end can, with the most slopes the later points can add below them."""
    ys = np.asarray(y, dtype=float)
    n = len(ys)
    slopes, _ = _slopes(ys, x)
    count = len(slopes)
    most = n + room
    added = room * n + room * (room - 1) // 2
    spread = -_z(confidence) * math.sqrt(most * (most - 1) * (2 * most + 5) / 18.0)
    low = max(int((count - spread) / 2) - 2 - added, 0)
    high = min(int((count + added + spread) / 2) + 2, count - 1)
    if count == 0 or low > high:
        return Settled(n, count, 0, np.empty(0))
    picked = np.partition(slopes, [low, high])
    return Settled(n, count, low, np.sort(picked[low : high + 1]))
