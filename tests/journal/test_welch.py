"""Welch's difference for many pairs at once (`insights.differences`) gives SciPy's interval bit
for bit, whatever the groups' sizes and values, and the same rules for small groups and groups
without spread as one pair at a time."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from journal import insights


def scipy_interval(first, second) -> tuple[float, float]:
    with warnings.catch_warnings():
        # One group without spread makes SciPy warn of lost precision.
        warnings.simplefilter("ignore", RuntimeWarning)
        found = stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95)
    return float(found.low), float(found.high)


def random_pairs(count: int, seed: int) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Whole ratings, day means (thirds, halves), one group without spread, and a few long
    histories whose sums NumPy adds pairwise."""
    rng = np.random.default_rng(seed)
    pairs = []
    for n in range(count):
        sizes = rng.integers(5, 3000 if n % 40 == 0 else 30, size=2)
        kind = n % 3
        if kind == 0:
            first, second = (rng.integers(0, 11, size).astype(float) for size in sizes)
        elif kind == 1:
            first = rng.integers(0, 31, sizes[0]) / 3
            second = rng.integers(0, 21, sizes[1]) / rng.integers(1, 4, sizes[1])
        else:
            first, second = np.full(sizes[0], 4.0), rng.integers(0, 11, sizes[1]).astype(float)
        pairs.append((first, second, int(sizes.sum())))
    return pairs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_gives_scipys_interval_bit_for_bit(seed):
    pairs = random_pairs(400, seed)
    for (first, second, ratings), found in zip(pairs, insights.differences(pairs), strict=True):
        assert (found.first, found.second, found.ratings) == (len(first), len(second), ratings)
        assert found.difference.value == first.mean() - second.mean()
        assert (found.difference.low, found.difference.high) == scipy_interval(first, second)


def test_it_keeps_the_rules_of_one_pair():
    pairs = [
        ([1.0] * 4, [2.0, 3, 4, 5, 6], 9),  # too few on one side
        ([3.0] * 5, [1.0] * 6, 11),  # no spread on either side
        ([3.0, 4, 3, 4, 3], [1.0, 2, 1, 2, 1, 2], 22),
    ]
    found = insights.differences(pairs)
    assert found == [insights.difference(*pair) for pair in pairs]
    assert found[0].difference is None and found[0].means is None
    assert found[1].difference is None and found[1].means == (3.0, 1.0)
    assert (found[2].difference.low, found[2].difference.high) == scipy_interval(
        pairs[2][0], pairs[2][1]
    )
    assert insights.differences([]) == []
