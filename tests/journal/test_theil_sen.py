"""Theil–Sen without SciPy's sort of every slope: the same slope and interval as
`scipy.stats.theilslopes`, bit for bit, whether all slopes are computed or the settled ones kept."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from journal.theil_sen import settle, theil_sen


def series(seed: int) -> tuple[list[float], list[float]]:
    """Weeks with gaps, and usual pain drifting, in whole ratings, thirds (many ties) or one
    week off an otherwise flat line."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 140))
    x = np.sort(rng.choice(np.arange(2 * n), n, replace=False)).astype(float)
    kind = seed % 4
    if kind == 0:
        y = rng.normal(6, 1.5, n) - 0.01 * x
    elif kind == 1:
        y = rng.integers(0, 11, n).astype(float)
    elif kind == 2:
        y = np.round(rng.normal(5, 1, n) * 3) / 3
    else:
        y = np.full(n, 4.0)
        y[rng.integers(0, n)] = 5.0
    return list(y), list(x)


def scipys(y: list[float], x: list[float]) -> tuple[float, float, float]:
    result = stats.theilslopes(y, x, alpha=0.95)
    return float(result.slope), float(result.low_slope), float(result.high_slope)


def same(first: tuple, second: tuple) -> bool:
    return len(first) == len(second) and all(
        a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(first, second, strict=True)
    )


@pytest.mark.parametrize("seed", range(400))
def test_it_gives_scipys_slope_and_interval(seed):
    y, x = series(seed)
    assert same(theil_sen(y, x, 0.95), scipys(y, x))


@pytest.mark.parametrize("seed", range(400))
def test_it_gives_them_from_kept_slopes_and_those_of_the_later_weeks(seed):
    y, x = series(seed)
    rng = np.random.default_rng(seed + 1000)
    first = int(rng.integers(0, len(y) + 1))
    # Some splits add more later weeks than the kept slopes have room for: all are computed then.
    kept = settle(y[:first], x[:first], 0.95, room=int(rng.integers(0, 12)))
    assert same(theil_sen(y, x, 0.95, kept), scipys(y, x))


def test_ten_years_of_weeks_and_nine_more_need_only_the_kept_slopes(monkeypatch):
    rng = np.random.default_rng(34)
    x = list(range(522))
    y = list(np.round(rng.normal(5, 1, 522) * 7) / 7)
    kept = settle(y[:513], x[:513], 0.95, room=9)
    assert len(kept.window) < kept.count / 5

    def every_slope(*args):
        raise AssertionError("every slope computed again")

    monkeypatch.setattr("journal.theil_sen._slopes", every_slope)
    assert same(theil_sen(y, x, 0.95, kept), scipys(y, x))
