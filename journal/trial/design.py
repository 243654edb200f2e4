"""A personal trial plan's design, its calendar, and what a plan of that size can show.

Pure functions, no database. A plan is `pairs` pairs of blocks, one with the release (B) and one
without it (A), each pair's order drawn at random when the plan starts and stored; its calendar is
computed from the stored start day and orders, in local calendar days, so no time-zone or
summer-time change can move a day from one block to another. The rules and the statistics are in
docs/computation.md ("Personal trial plan").
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from statistics import fmean

from scipy import stats

BLOCK_DAYS = (7, 14)
PAIRS = range(2, 7)
ORDERS = ("AB", "BA")
A, B, BASELINE = "A", "B", "baseline"
BASELINE_DAYS = 7
DEFAULT_SESSIONS_PER_WEEK = 4
# A block with fewer rated days than this after its washout is left out, with its pair; so is a
# week of history with fewer (`daily_sd_of`).
MINIMUM_RATED_DAYS = 4
CONFIDENCE = 0.95
# The day-to-day spread assumed before a person's history can tell theirs: a typical spread of
# daily 0-10 ratings in chronic pain.
DEFAULT_DAILY_SD = 1.5
# The drop in pain that matters (Farrar et al., 2001), the one a plan is sized to show.
IMPORTANT_DROP = 2.0
TARGET_CHANCE = 0.8
# How much history the spread is read from: the last half year, so an old, different spell of
# pain does not decide it; and at least this many week-to-week changes.
HISTORY_WEEKS = 26
HISTORY_CHANGES = 4


def washout_days(block_days: int) -> int:
    """The first days of a block left out of its mean, while relief may still be coming or going:
    a week of a 14-day block (relief may take that long, PRODUCT.md), two days of a 7-day block,
    which leaves 5 days, at least the `MINIMUM_RATED_DAYS` a block needs."""
    washouts = {14: 7, 7: 2}
    if block_days not in washouts:
        raise ValueError(f"A block lasts 7 or 14 days, not {block_days}.")
    return washouts[block_days]


@dataclass(frozen=True)
class Design:
    pairs: int
    block_days: int
    baseline_week: bool = False
    # What B means: the release on at least this many days a week. A means no release.
    sessions_per_week: int = DEFAULT_SESSIONS_PER_WEEK

    def __post_init__(self) -> None:
        if self.pairs not in PAIRS:
            raise ValueError(f"A plan has 2 to 6 pairs, not {self.pairs}.")
        washout_days(self.block_days)
        if not 1 <= self.sessions_per_week <= 7:
            raise ValueError(
                f"A release block asks 1 to 7 days a week, not {self.sessions_per_week}."
            )

    @property
    def washout(self) -> int:
        return washout_days(self.block_days)

    @property
    def rated_per_block(self) -> int:
        """The days of a block that count, after its washout."""
        return self.block_days - self.washout

    @property
    def days(self) -> int:
        """Every day of the plan, its baseline week included."""
        return 2 * self.pairs * self.block_days + (BASELINE_DAYS if self.baseline_week else 0)


@dataclass(frozen=True)
class Block:
    # In calendar order: the baseline week is 0, the pairs' blocks 1 to 2 × pairs.
    number: int
    pair: int | None
    arm: str
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def rated_from(self) -> date:
        """The first day whose rating counts: after the washout (a baseline week has none)."""
        if self.arm == BASELINE:
            return self.first_day
        return self.first_day + timedelta(days=washout_days(self.days))

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def draw_orders(pairs: int) -> list[str]:
    """Each pair's order, "AB" or "BA", drawn once when the plan starts and then stored."""
    return [secrets.choice(ORDERS) for _ in range(pairs)]


def schedule(design: Design, start: date, orders: list[str]) -> list[Block]:
    """The plan's blocks from its first local day. Counting calendar days, never hours, keeps
    every block `block_days` local days long across a summer-time change or a move abroad."""
    if len(orders) != design.pairs or any(order not in ORDERS for order in orders):
        raise ValueError(f"A plan of {design.pairs} pairs needs one order a pair: {orders}.")
    blocks = []
    first = start
    if design.baseline_week:
        last = first + timedelta(days=BASELINE_DAYS - 1)
        blocks.append(Block(0, None, BASELINE, first, last))
        first = last + timedelta(days=1)
    for pair, order in enumerate(orders, start=1):
        for arm in order:
            last = first + timedelta(days=design.block_days - 1)
            blocks.append(
                Block(len(blocks) + (0 if design.baseline_week else 1), pair, arm, first, last)
            )
            first = last + timedelta(days=1)
    return blocks


def block_on(blocks: list[Block], day: date) -> Block | None:
    """The block a local day falls in, None before or after the plan."""
    return next((block for block in blocks if block.holds(day)), None)


def chance_of_helped(design: Design, daily_sd: float, effect: float) -> float:
    """The probability that the plan's verdict reads "helped" when the release truly lowers pain by
    `effect` points (2.0: a 2-point drop), with every day rated and days varying independently by
    `daily_sd` around the person's level.

    "Helped" means the 95% t-interval on the pair differences lies below zero, that is the
    t statistic of the differences lies below minus the critical value; a pair's difference is
    the difference of two means of `rated_per_block` days, with spread daily_sd × √(2 / days), so
    the statistic follows a noncentral t distribution and the chance is its lower tail, exactly."""
    if not daily_sd > 0:
        raise ValueError(f"The day-to-day spread must be above zero, not {daily_sd}.")
    return _chance(design.pairs, design.rated_per_block, float(daily_sd), float(effect))


@lru_cache(maxsize=1024)
def _chance(pairs: int, rated_days: int, daily_sd: float, effect: float) -> float:
    freedom = pairs - 1
    spread = daily_sd * math.sqrt(2 / rated_days)
    shift = -effect * math.sqrt(pairs) / spread
    critical = stats.t.ppf((1 + CONFIDENCE) / 2, freedom)
    return float(stats.nct.cdf(-critical, freedom, shift))


def shortest_design(
    daily_sd: float,
    effect: float = IMPORTANT_DROP,
    target: float = TARGET_CHANCE,
    block_days: tuple[int, ...] = BLOCK_DAYS,
) -> Design | None:
    """The design with the fewest days, of blocks of `block_days`, that says "helped" at least
    `target` of the time for a drop of `effect` points; of two as short, the likelier to, then
    the one with longer blocks (a longer washout). None when even the longest plan falls short.

    7-day blocks are often the shortest, but their 2-day washout is too short for relief that
    takes longer to come and go; `block_days=(14,)` asks for the shortest with a week's washout."""
    reaching = [
        (2 * pairs * days, -chance, -days, Design(pairs, days))
        for pairs in PAIRS
        for days in block_days
        if (chance := chance_of_helped(Design(pairs, days), daily_sd, effect)) >= target
    ]
    return min(reaching, key=lambda found: found[:3])[3] if reaching else None


def daily_sd_of(ratings: list[tuple[date, float]]) -> float | None:
    """The person's day-to-day spread as the plan's promise needs it, from their history: the
    spread single days would have if they varied independently and made weekly means differ
    from one week to the next as much as the person's do. None with too little history.

    A pair's difference is one block's mean against the next one's, so this is the spread that
    decides what a plan can show. Read from single days (their SD, or the SD of day-to-day
    differences / √2), it would miss that a good day tends to follow a good day: such days make
    weekly means vary more than independent days would, and the promise too rosy. Read from
    weekly means it takes that in, and a slow drift of pain, which changes one week's mean
    little against the next, barely moves it.

    Over the ISO weeks of the last `HISTORY_WEEKS` with at least `MINIMUM_RATED_DAYS` rated days
    (several ratings a day are one day's mean), each change d from one such week to the next, of
    n₁ and n₂ rated days, gives d² / (1/n₁ + 1/n₂), whose mean estimates the daily variance; it
    needs `HISTORY_CHANGES` such changes. A spread of zero (the same rating every day) says
    nothing of what a plan could show, so it is None too."""
    by_day: dict[date, list[float]] = {}
    for day, pain in ratings:
        by_day.setdefault(day, []).append(float(pain))
    if not by_day:
        return None
    last = max(by_day)
    since = last - timedelta(days=last.weekday(), weeks=HISTORY_WEEKS - 1)
    weeks: dict[date, list[float]] = {}
    for day, pains in by_day.items():
        if day >= since:
            weeks.setdefault(day - timedelta(days=day.weekday()), []).append(fmean(pains))
    rated = {monday: days for monday, days in weeks.items() if len(days) >= MINIMUM_RATED_DAYS}
    changes = []
    for monday, days in rated.items():
        following = rated.get(monday + timedelta(weeks=1))
        if following is not None:
            change = fmean(following) - fmean(days)
            changes.append(change * change / (1 / len(days) + 1 / len(following)))
    if len(changes) < HISTORY_CHANGES:
        return None
    variance = fmean(changes)
    return math.sqrt(variance) if variance > 0 else None
