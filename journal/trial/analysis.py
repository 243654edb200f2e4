"""What a personal trial plan's ratings show, and how it is said.

Pure functions, no database. Each block's mean leaves out its washout days; a block with too few
rated days leaves its pair out; each pair gives one difference, release block minus block without
(B − A, negative when pain was lower with the release). The verdict rests on the 95% t-interval of
those differences, decided on exact values; beside it, an exact randomisation test over the orders
the plan could have drawn, the chance of a drop of 1 and 2 points under a stated model, and a
check that allows for a steady drift. The rules, and the simulations that measured them, are in
docs/computation.md ("Personal trial plan").

`judge` works on many plans at once, so the calibration tests simulate thousands of plans through
the very code that judges one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import product

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from scipy import special

from journal import display
from journal.trial.design import (
    BASELINE,
    CONFIDENCE,
    IMPORTANT_DROP,
    MINIMUM_RATED_DAYS,
    A,
    B,
    Block,
    Design,
    chance_of_helped,
)

# Raised whenever a rule here changes what a stored or exported result would say.
METHOD_VERSION = 1
HELPED, UNCLEAR, NO_SIGN, NOT_ENOUGH = "helped", "unclear", "no sign", "not enough"
# The drops whose chance is given.
DROPS = (1.0, IMPORTANT_DROP)
# Two sums of pair differences that differ do so by at least 1/420: every difference is of means
# of 4 to 7 whole ratings, and 420 is the least common multiple of 4, 5, 6 and 7. A smaller gap
# is floating-point error, and the two are the same value.
TIES = 1e-9


@dataclass(frozen=True)
class BlockResult:
    block: Block
    # The mean of the ratings from the block's `rated_from` day, None without any.
    mean: float | None
    rated_days: int
    # Fewer than `MINIMUM_RATED_DAYS` rated days after the washout: its pair is left out.
    insufficient: bool
    # Its last day has passed, or has been rated. A pair counts only once both blocks are.
    finished: bool = True


@dataclass(frozen=True)
class Result:
    blocks: list[BlockResult]
    # One a usable pair, in pair order: B − A, negative when pain was lower with the release.
    differences: list[float]
    pairs_left_out: list[int]
    estimate: float | None
    low: float | None
    high: float | None
    all_equal: bool
    p_value: float | None
    p_smallest: float | None
    chance_drop_1: float | None
    chance_drop_2: float | None
    sensitivity: tuple[float, float, float] | None
    verdict: str
    adherence: dict
    # Pairs not over by `today` (or the day a stopped plan ended), not counted yet.
    pairs_unfinished: list[int] = field(default_factory=list)
    # The rated days behind the differences: those of the usable pairs, after the washout.
    rated_days_used: int = 0
    washout: int = 0


@dataclass(frozen=True)
class Judgement:
    """The statistics of many plans at once, one a row of pair differences."""

    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    all_equal: np.ndarray
    p_value: np.ndarray
    p_smallest: float
    chance_drop_1: np.ndarray
    chance_drop_2: np.ndarray
    verdict: np.ndarray


def judge(differences: np.ndarray) -> Judgement:
    """`differences`: plans × pairs (at least 2) of B − A.

    The interval: the mean difference ± t(0.975, n − 1) × SD / √n. The chances: under a flat prior
    on the mean and the log of the spread, the mean's posterior is the same Student t, so the
    chance of a drop of at least d points is t_{n−1}((−d − mean) / (SD / √n)). When every
    difference is the same there is no spread, so no interval and no chance: the verdict is
    "unclear" and the sentence says why."""
    differences = np.asarray(differences, dtype=float)
    pairs = differences.shape[-1]
    estimate = differences.mean(axis=-1)
    all_equal = np.ptp(differences, axis=-1) <= TIES
    error = np.where(all_equal, 1.0, differences.std(axis=-1, ddof=1) / math.sqrt(pairs))
    critical = _t_quantile((1 + CONFIDENCE) / 2, pairs - 1)
    low = np.where(all_equal, np.nan, estimate - critical * error)
    high = np.where(all_equal, np.nan, estimate + critical * error)
    chances = [
        np.where(all_equal, np.nan, special.stdtr(pairs - 1, (-drop - estimate) / error))
        for drop in DROPS
    ]
    verdict = np.select(
        [all_equal, estimate + critical * error < 0, estimate - critical * error > -IMPORTANT_DROP],
        [UNCLEAR, HELPED, NO_SIGN],
        UNCLEAR,
    )
    return Judgement(
        estimate,
        low,
        high,
        all_equal,
        randomisation_p(differences),
        1 / 2**pairs,
        chances[0],
        chances[1],
        verdict,
    )


@lru_cache(maxsize=64)
def _t_quantile(share: float, freedom: int) -> float:
    """Student's t quantile, as `scipy.stats.t.ppf(share, freedom)` gives it (its `_ppf` is this
    very function; the frozen distribution's argument checks cost more than the whole analysis).
    Its cumulative probability is `special.stdtr(freedom, x)`, `stats.t.cdf` to the bit alike."""
    return float(special.stdtrit(freedom, share))


@lru_cache(maxsize=8)
def _signs(pairs: int) -> np.ndarray:
    return np.array(list(product((1.0, -1.0), repeat=pairs)))


def randomisation_p(differences: np.ndarray) -> np.ndarray:
    """The exact one-sided randomisation p-value of each row of pair differences.

    Had the release done nothing, each pair's ratings would be what they were whichever order had
    been drawn, and the other order would only turn its difference's sign: the 2^pairs sign
    patterns are the results every order the plan could have drawn would give, each as likely.
    p is the share of them whose mean difference is at most the one observed (at least as much
    lower with the release), so it is at least 1/2^pairs, the drawn order itself."""
    differences = np.asarray(differences, dtype=float)
    every = differences @ _signs(differences.shape[-1]).T
    observed = differences.sum(axis=-1, keepdims=True)
    return (every <= observed + TIES).mean(axis=-1)


def trend_adjusted(
    means: np.ndarray, release: np.ndarray, time: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sensitivity check, on many plans at once: least squares of the block means (plans ×
    blocks) on the release (1 in B blocks, 0 in A) and a straight-line drift over `time` (each
    block's number), giving the release's coefficient with its 95% t-interval on blocks − 3
    degrees of freedom. NaN where the blocks fit exactly and leave no spread."""
    means = np.asarray(means, dtype=float)
    release = np.asarray(release, dtype=float)
    columns = np.stack([np.ones_like(release), release, np.broadcast_to(time, release.shape)], -1)
    inverse = np.linalg.inv(columns.swapaxes(-1, -2) @ columns)
    coefficients = (inverse @ (columns.swapaxes(-1, -2) @ means[..., None]))[..., 0]
    residuals = means - (columns @ coefficients[..., None])[..., 0]
    freedom = means.shape[-1] - 3
    spread = (residuals**2).sum(axis=-1) / freedom
    fits = spread <= TIES**2
    error = np.sqrt(np.where(fits, 1.0, spread) * inverse[..., 1, 1])
    half = _t_quantile((1 + CONFIDENCE) / 2, freedom) * error
    effect = coefficients[..., 1]
    return (
        effect,
        np.where(fits, np.nan, effect - half),
        np.where(fits, np.nan, effect + half),
    )


def analyse(
    design: Design,
    blocks: list[Block],
    ratings: dict[date, int],
    session_days: set[date],
    today: date,
) -> Result:
    """The plan's result as of `today`: ratings and sessions after it, or outside the plan's
    blocks, never count."""
    counted = {
        day: pain
        for day, pain in ratings.items()
        if day <= today and any(block.holds(day) for block in blocks)
    }
    results = [_block_result(block, counted, today) for block in blocks]
    by_pair: dict[int, dict[str, BlockResult]] = {}
    for result in results:
        if result.block.pair is not None:
            by_pair.setdefault(result.block.pair, {})[result.block.arm] = result
    differences, used, left_out, unfinished = [], [], [], []
    for pair, arms in sorted(by_pair.items()):
        if not all(arm.finished for arm in arms.values()):
            unfinished.append(pair)
        elif any(arm.insufficient for arm in arms.values()):
            left_out.append(pair)
        else:
            differences.append(arms[B].mean - arms[A].mean)
            used += [arms[A], arms[B]]
    found = {
        "blocks": results,
        "differences": differences,
        "pairs_left_out": left_out,
        "pairs_unfinished": unfinished,
        "adherence": _adherence(design, blocks, counted, session_days, today),
        "rated_days_used": sum(result.rated_days for result in used),
        "washout": design.washout,
    }
    if len(differences) < 2:
        return Result(
            **found,
            estimate=None,
            low=None,
            high=None,
            all_equal=False,
            p_value=None,
            p_smallest=None,
            chance_drop_1=None,
            chance_drop_2=None,
            sensitivity=None,
            verdict=NOT_ENOUGH,
        )
    judged = judge(np.array([differences]))
    used.sort(key=lambda result: result.block.number)
    check = trend_adjusted(
        np.array([[result.mean for result in used]]),
        np.array([[result.block.arm == B for result in used]]),
        np.array([result.block.number for result in used]),
    )
    return Result(
        **found,
        estimate=float(judged.estimate[0]),
        low=_number(judged.low[0]),
        high=_number(judged.high[0]),
        all_equal=bool(judged.all_equal[0]),
        p_value=float(judged.p_value[0]),
        p_smallest=judged.p_smallest,
        chance_drop_1=_number(judged.chance_drop_1[0]),
        chance_drop_2=_number(judged.chance_drop_2[0]),
        # Beside no interval, a check's interval would read as the answer.
        sensitivity=None
        if judged.all_equal[0] or math.isnan(check[1][0])
        else tuple(float(v[0]) for v in check),
        verdict=str(judged.verdict[0]),
    )


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _block_result(block: Block, ratings: dict[date, int], today: date) -> BlockResult:
    finished = block.last_day < today or (block.last_day == today and today in ratings)
    pains = [ratings[day] for day in _days(block.rated_from, block.last_day) if day in ratings]
    return BlockResult(
        block,
        math.fsum(pains) / len(pains) if pains else None,
        len(pains),
        insufficient=finished and len(pains) < MINIMUM_RATED_DAYS,
        finished=finished,
    )


def _adherence(
    design: Design, blocks: list[Block], ratings: dict[date, int], sessions: set[date], today: date
) -> dict:
    """Counted over every day of the plan up to today, washout days included: the plan asks for
    the release, or none, from a block's first day, and for a rating every day."""
    days = {arm: [] for arm in (A, B, BASELINE)}
    for block in blocks:
        days[block.arm] += _days(block.first_day, min(block.last_day, today))
    every = days[A] + days[B] + days[BASELINE]
    b_days = len(days[B])
    return {
        "b_days": b_days,
        "b_session_days": sum(day in sessions for day in days[B]),
        # Sessions the release blocks asked for so far, rounded half up.
        "b_target": (2 * design.sessions_per_week * b_days + 7) // 14,
        "a_days": len(days[A]),
        "a_deviation_days": sum(day in sessions for day in days[A]),
        "days_rated": sum(day in ratings for day in every),
        "days": len(every),
    }


def _rests_on(result: Result) -> str:
    pairs, days = len(result.differences), result.rated_days_used
    return _("from %(pairs)s and %(days)s") % {
        # Translators: follows "from" in "from 3 pairs and 40 rated days".
        "pairs": npgettext("after from", "%(count)s pair", "%(count)s pairs", pairs)
        % {"count": pairs},
        # Translators: follows "and" in "from 3 pairs and 40 rated days".
        "days": npgettext("after from", "%(count)s rated day", "%(count)s rated days", days)
        % {"count": days},
    }


def _bound(value: Decimal, exact: float) -> str:
    """One end of an interval in words, with no sign to read. A lower end short of a 2-point drop
    that would print as one says it is short of it, so "rules out a drop of 2 points" never sits
    beside "2.0 points lower"."""
    if exact > -IMPORTANT_DROP and value <= -Decimal(IMPORTANT_DROP):
        return _("just under %(size)s points lower") % {"size": display.figure(value)}
    if value < 0:
        return _("%(size)s points lower") % {"size": display.figure(value)}
    if value > 0:
        return _("%(size)s points higher") % {"size": display.figure(value)}
    return _("no difference")


def verdict_sentence(result: Result) -> str:
    """The verdict in plain words, with what it rests on, then the pairs not counted."""
    return " ".join([_verdict(result), *_not_counted(result)])


def _verdict(result: Result) -> str:
    usable = len(result.differences)
    if result.verdict == NOT_ENOUGH:
        if usable == 0 and not result.pairs_left_out:
            return _("Not enough to tell yet: no pair of blocks is over.")
        return ngettext(
            "Not enough to tell: only %(count)s pair had enough ratings in both its blocks, and "
            "it takes 2 at least.",
            "Not enough to tell: %(count)s pairs had enough ratings in both their blocks, and it "
            "takes 2 at least.",
            usable,
        ) % {"count": usable}
    if result.all_equal:
        value = display.figures(result.estimate, result.estimate, result.estimate)[0]
        if value < 0:
            same = _("pain %(size)s points lower in release blocks than in blocks without")
        elif value > 0:
            same = _("pain %(size)s points higher in release blocks than in blocks without")
        else:
            same = _("pain the same in release blocks as in blocks without")
        return _(
            "Unclear: every pair came out the same, %(same)s, so there is no spread to give an "
            "interval from; %(rests_on)s."
        ) % {"same": same % {"size": display.figure(value)}, "rests_on": _rests_on(result)}
    value, low, high = display.figures(result.estimate, result.low, result.high)
    if result.verdict == HELPED:
        drop, least, most = display.figures(-result.estimate, -result.high, -result.low)
        return _(
            "Helped: pain about %(drop)s points lower in release blocks (95%% interval %(least)s "
            "to %(most)s), %(rests_on)s."
        ) % {
            "drop": display.figure(drop),
            "least": display.figure(least),
            "most": display.figure(most),
            "rests_on": _rests_on(result),
        }
    words = {
        "estimate": display.signed(value),
        "low": _bound(low, result.low),
        "high": _bound(high, result.high),
        "rests_on": _rests_on(result),
    }
    if result.verdict == NO_SIGN:
        return (
            _(
                "No sign it helped in this plan: pain in release blocks against blocks without "
                "differed by %(estimate)s points on average, and the 95%% interval, from %(low)s "
                "to %(high)s, rules out a drop of 2 points; %(rests_on)s."
            )
            % words
        )
    return (
        _(
            "Unclear: pain in release blocks against blocks without differed by %(estimate)s "
            "points on average, and the 95%% interval runs from %(low)s to %(high)s, "
            "%(rests_on)s. A longer plan could tell."
        )
        % words
    )


def _not_counted(result: Result) -> list[str]:
    said = []
    if result.pairs_left_out:
        said.append(
            ngettext(
                "Pair %(pairs)s is left out: one of its blocks had fewer than %(least)s rated days "
                "after its first %(washout)s days.",
                "Pairs %(pairs)s are left out: a block of each had fewer than %(least)s rated "
                "days after its first %(washout)s days.",
                len(result.pairs_left_out),
            )
            % {
                "pairs": ", ".join(str(pair) for pair in result.pairs_left_out),
                "least": MINIMUM_RATED_DAYS,
                "washout": result.washout,
            }
        )
    if result.pairs_unfinished:
        said.append(
            ngettext(
                "%(count)s pair not over is not counted.",
                "%(count)s pairs not over are not counted.",
                len(result.pairs_unfinished),
            )
            % {"count": len(result.pairs_unfinished)}
        )
    return said


def p_value_sentence(result: Result) -> str:
    """The randomisation test in words: a p-value beside the smallest this plan can give, never
    called "significant"."""
    if result.p_value is None:
        return ""
    orders = round(1 / result.p_smallest)
    return _(
        "Had the release made no difference, %(count)s of the %(orders)s orders this plan could "
        "have drawn would show pain at least this much lower with it (p = %(p)s; the smallest "
        "this plan can give is %(smallest)s)."
    ) % {
        "count": round(result.p_value * orders),
        "orders": orders,
        "p": _probability(result.p_value),
        "smallest": _probability(result.p_smallest),
    }


def _probability(value: float) -> str:
    return display.figure(display.figures(value, value, value)[0])


def _percent(chance: float) -> str:
    whole = int(Decimal(repr(chance * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if whole == 0 and chance > 0:
        return _("under 1%")
    if whole == 100 and chance < 1:
        return _("over 99%")
    return _("%(percent)s%%") % {"percent": whole}


def chances_sentence(result: Result) -> str:
    """The chance of a drop that matters, and the model it comes from."""
    if result.chance_drop_1 is None:
        return ""
    return _(
        "Taking the pairs' differences at face value (a t model with no prior leaning), the "
        "chance that the release lowers pain by at least 1 point is %(one)s, and by at least 2 "
        "points %(two)s."
    ) % {"one": _percent(result.chance_drop_1), "two": _percent(result.chance_drop_2)}


def sensitivity_sentence(result: Result) -> str:
    """The check that allows for a steady drift, said to be a check."""
    if result.sensitivity is None:
        return ""
    value, low, high = display.figures(*result.sensitivity)
    return _(
        "A check that allows for pain drifting steadily over the plan gives %(estimate)s points, "
        "95%% interval %(low)s to %(high)s; it is a check only, the verdict rests on the pairs."
    ) % {
        "estimate": display.signed(value),
        "low": display.signed(low),
        "high": display.signed(high),
    }


def adherence_sentence(result: Result) -> str:
    """How closely the plan was followed, so far: three whole clauses, each counting its days
    and, within, its part of them."""
    found = result.adherence
    # Translators: the plural follows "done", the days on which it happened, of "count" days.
    release = ngettext(
        "The release on %(done)s day of %(count)s in release blocks (the plan asked for "
        "%(asked)s);",
        "The release on %(done)s days of %(count)s in release blocks (the plan asked for "
        "%(asked)s);",
        found["b_session_days"],
    ) % {"done": found["b_session_days"], "count": found["b_days"], "asked": found["b_target"]}
    without = ngettext(
        "a session on %(done)s day of %(count)s in blocks without;",
        "a session on %(done)s days of %(count)s in blocks without;",
        found["a_deviation_days"],
    ) % {"done": found["a_deviation_days"], "count": found["a_days"]}
    rated = ngettext(
        "rated on %(done)s day of %(count)s.",
        "rated on %(done)s days of %(count)s.",
        found["days_rated"],
    ) % {"done": found["days_rated"], "count": found["days"]}
    return " ".join([release, without, rated])


def washout_sentence(design: Design) -> str:
    return ngettext(
        "The first %(count)s day of each block is left out, while relief may still be coming or "
        "going.",
        "The first %(count)s days of each block are left out, while relief may still be coming or "
        "going.",
        design.washout,
    ) % {"count": design.washout}


def _often(chance: float) -> str:
    """A chance in tenths, rounded down, so a figure never claims more than the plan does: a plan
    that reads 8 in 10 reaches the `TARGET_CHANCE` the shortest plan beside it is sized to, and
    one at 0.78 does not read so; a 1-point drop that will more often read as unclear never
    reads "about 5 times in 10"."""
    if chance >= 0.95:
        # Nearer to always than to 9 in 10, yet never quite always: no "10 times in 10".
        return _("more than 9 times in 10")
    # Decimal(chance) is the float's exact value: no rounding of chance × 10 lifts 0.7999… to 8.
    tenths = int(Decimal(chance) * 10)
    if tenths == 0:
        return _("less than once in 10")
    return ngettext("about once in 10", "about %(count)s times in 10", tenths) % {"count": tenths}


def promise_sentence(design: Design, daily_sd: float, from_history: bool) -> str:
    """What a plan like this can show, said before it starts (`chance_of_helped`)."""
    two = chance_of_helped(design, daily_sd, IMPORTANT_DROP)
    one = chance_of_helped(design, daily_sd, 1.0)
    if one < 0.5:
        smaller = _("a 1-point drop will more often read as unclear (“helped” %(often)s).") % {
            "often": _often(one)
        }
    else:
        smaller = _("a 1-point drop reads “helped” %(often)s.") % {"often": _often(one)}
    basis = (
        _(
            "Worked out from how much your pain has varied from week to week so far, with a "
            "rating every evening."
        )
        if from_history
        else _(
            "You have too few ratings yet to tell how much your pain varies, so this assumes a "
            "typical spread, with a rating every evening."
        )
    )
    return " ".join(
        [
            _(
                "If the release lowers your pain by 2 points, a plan like this says “helped” "
                "%(often)s; %(smaller)s"
            )
            % {"often": _often(two), "smaller": smaller},
            basis,
        ]
    )
