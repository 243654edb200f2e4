"""Simulated trial plans for the calibration tests, judged by the same code as a real plan.

A simulated person's pain is a level (6 on the 0-10 scale), day-to-day noise of SD 1.5, either
independent days or AR(1) with ρ = 0.5 and a slow drift (-0.01 points a day, about 1.7 points over
the longest plan), and the release's effect in B blocks: at once, or building up and fading over
`carry` days (carry-over). Ratings are whole numbers from 0 to 10, as people give them. Each plan
draws its own orders, as a real one does.

`python -m tests.trial.simulation` prints every case's figures (docs/computation.md quotes them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from backrelease.common.scales import PAIN_MAX
from journal.trial import analysis
from journal.trial.design import HISTORY_WEEKS, Design, chance_of_helped, daily_sd_of, washout_days

LEVEL = 6.0
SD = 1.5
RHO = 0.5
DRIFT = -0.01
PLANS = 2000
EFFECTS = (0.0, -1.0, -2.0)
PAIRS = (2, 3, 4, 6)
BLOCKS = (7, 14)
CARRIES = (0, 4, 7)


@dataclass(frozen=True)
class Case:
    pairs: int
    block_days: int
    # B − A: -2.0 is a 2-point drop with the release.
    effect: float
    # AR(1) days with a slow drift, else independent days.
    correlated: bool
    # Days the relief takes to build up, and again to fade; 0 for at once.
    carry: int = 0

    @property
    def design(self) -> Design:
        return Design(self.pairs, self.block_days)

    @property
    def within_washout(self) -> bool:
        return self.carry <= washout_days(self.block_days)

    def __str__(self) -> str:
        noise = "AR(1) + drift" if self.correlated else "independent"
        carry = f", carry-over {self.carry} d" if self.carry else ""
        return (
            f"{self.pairs} pairs × {self.block_days} d, effect {self.effect:+.0f}, {noise}{carry}"
        )


def cases() -> list[Case]:
    """Every combination; carry-over only where there is an effect to carry."""
    return [
        Case(pairs, block_days, effect, correlated, carry)
        for effect in EFFECTS
        for correlated in (False, True)
        for carry in (CARRIES if effect else (0,))
        for pairs in PAIRS
        for block_days in BLOCKS
    ]


def rng_for(case: Case, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(
        [case.pairs, case.block_days, int(-case.effect), case.correlated, case.carry, salt]
    )


def noise(rng: np.random.Generator, plans: int, days: int, correlated: bool) -> np.ndarray:
    """Day-to-day noise of SD `SD`, and the drift when correlated (centred on the middle)."""
    if not correlated:
        return rng.normal(0.0, SD, (plans, days))
    shocks = rng.normal(0.0, SD * math.sqrt(1 - RHO**2), (plans, days))
    found = np.empty((plans, days))
    found[:, 0] = rng.normal(0.0, SD, plans)
    for day in range(1, days):
        found[:, day] = RHO * found[:, day - 1] + shocks[:, day]
    return found + DRIFT * (np.arange(days) - (days - 1) / 2)


def whole(pain: np.ndarray) -> np.ndarray:
    """Ratings as people give them: whole numbers on the scale."""
    return np.clip(np.floor(pain + 0.5), 0, PAIN_MAX)


@dataclass(frozen=True)
class Simulated:
    ratings: np.ndarray  # plans × days
    release_first: np.ndarray  # plans × pairs: True where the pair's order is BA
    differences: np.ndarray  # plans × pairs, B − A
    means: np.ndarray  # plans × blocks
    release: np.ndarray  # plans × blocks: True in B blocks


def simulate(case: Case, plans: int = PLANS, salt: int = 0, rounded: bool = True) -> Simulated:
    rng = rng_for(case, salt)
    days = 2 * case.pairs * case.block_days
    release_first = rng.integers(0, 2, (plans, case.pairs)).astype(bool)
    block = np.arange(days) // case.block_days
    second = (block % 2).astype(bool)
    in_release = second != release_first[:, block // 2]
    if case.carry:
        exposure = np.empty((plans, days))
        level = np.zeros(plans)
        step = 1 / case.carry
        for day in range(days):
            level = np.clip(level + np.where(in_release[:, day], step, -step), 0.0, 1.0)
            exposure[:, day] = level
    else:
        exposure = in_release.astype(float)
    pain = LEVEL + noise(rng, plans, days, case.correlated) + case.effect * exposure
    ratings = whole(pain) if rounded else pain
    washout = washout_days(case.block_days)
    by_block = ratings.reshape(plans, 2 * case.pairs, case.block_days)[:, :, washout:]
    means = by_block.mean(axis=-1)
    release = in_release[:, :: case.block_days]
    paired = means.reshape(plans, case.pairs, 2)
    differences = np.where(
        release_first, paired[:, :, 0] - paired[:, :, 1], paired[:, :, 1] - paired[:, :, 0]
    )
    return Simulated(ratings, release_first, differences, means, release)


def effective_sd(correlated: bool, histories: int = 200, seed: int = 0) -> float:
    """The spread `daily_sd_of` reads from half a year of this person's history, pooled over many
    histories so that it is the process's, not one history's."""
    rng = np.random.default_rng([seed, correlated])
    days = HISTORY_WEEKS * 7
    pain = whole(LEVEL + noise(rng, histories, days, correlated))
    monday = date(2024, 1, 1)
    variances = []
    for history in pain:
        found = daily_sd_of(
            [(monday + timedelta(days=day), float(history[day])) for day in range(days)]
        )
        variances.append(found**2)
    return math.sqrt(float(np.mean(variances)))


@dataclass(frozen=True)
class Measured:
    case: Case
    coverage: float  # of plans whose differences were not all equal
    all_equal: float
    helped: float
    promised: float | None
    p_values: np.ndarray
    sensitivity_coverage: float


def measure(
    case: Case, plans: int = PLANS, daily_sd: float | None = None, rounded: bool = True
) -> Measured:
    """`daily_sd`: the spread the plan's promise is worked out from, if one is to be compared."""
    simulated = simulate(case, plans, rounded=rounded)
    judged = analysis.judge(simulated.differences)
    has_interval = ~judged.all_equal
    covered = (judged.low <= case.effect) & (case.effect <= judged.high)
    check = analysis.trend_adjusted(
        simulated.means, simulated.release, np.arange(1, 2 * case.pairs + 1)
    )
    checked = ~np.isnan(check[1])
    return Measured(
        case,
        coverage=float(covered[has_interval].mean()),
        all_equal=float(judged.all_equal.mean()),
        helped=float((judged.verdict == analysis.HELPED).mean()),
        promised=None
        if daily_sd is None
        else chance_of_helped(case.design, daily_sd, -case.effect),
        p_values=judged.p_value,
        sensitivity_coverage=float(
            ((check[1] <= case.effect) & (case.effect <= check[2]))[checked].mean()
        ),
    )


def main() -> None:
    sds = {correlated: effective_sd(correlated) for correlated in (False, True)}
    print(f"daily_sd_of, pooled: independent {sds[False]:.3f}, AR(1) + drift {sds[True]:.3f}")
    for case in cases():
        found = measure(case, daily_sd=None if case.carry else sds[case.correlated])
        exact = measure(case, rounded=False)
        promised = "" if found.promised is None else f" promised {found.promised:.3f}"
        print(
            f"{case!s:56} coverage {found.coverage:.3f} (no interval {found.all_equal:.3f}; "
            f"unrounded {exact.coverage:.3f}) check {found.sensitivity_coverage:.3f} "
            f"helped {found.helped:.3f}{promised}"
        )


if __name__ == "__main__":
    main()
