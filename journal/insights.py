"""Is it helping me? Answers with their uncertainty, from SciPy, in three queries, kept until the
person's ratings change; after a change, only the last weeks are read again.

Each answer says how many ratings it rests on, says "goes with" and never "causes", says "not
enough data yet" rather than guess, and never claims more than its interval: a direction ("goes
down", "dropped", "more") only when the whole 95% interval lies on that side of zero.
The rules, with the statistics behind them, are in docs/computation.md. Figures are shown through
`journal.display`, like every other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
from django.core.cache import caches
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from scipy import special, stats

from backrelease.common.local_time import day_sql, day_start, hour_sql, week_sql, week_start
from backrelease.common.period import Period, in_period
from journal import display, usual_pain
from journal.models import HistoryRevision
from journal.theil_sen import Settled, settle, theil_sen
from journal.usual_pain import ENTRIES, SESSIONS
from sessions.models import BallSetup

CONFIDENCE = 0.95
# Farrar et al. 2001: a drop of 2 points or 30% is clinically important.
IMPORTANT_POINTS = 2
IMPORTANT_SHARE = 0.3
# Fewer than this in a group and no comparison is offered.
GROUP_MINIMUM = 5
# A 95% interval for a median needs at least six values to exist at all.
MEDIAN_MINIMUM = 6
# Theil–Sen's interval from 4 weekly points covers the true slope 91.7% of the time, not 95%; from
# 5 to 8 points its exact coverage is 96.9% to 98.3% (tests/journal/test_insight_sentences.py
# counts every ordering), and beyond that it is nominal.
TREND_MINIMUM_WEEKS = 5
# A trend is given a week, a month or a year (lengths in weeks, a month a twelfth of the mean
# Gregorian year), whichever shows it best (`display.unit`), but never in a unit longer than the
# weeks it was measured over.
TREND_UNITS = [(1.0, "week"), (365.25 / 12 / 7, "month"), (365.25 / 7, "year")]
# Raised whenever what `compute` returns changes shape or meaning, so that no answer kept by
# earlier code is read.
KEPT_FORMAT = 4
# A period's ratings before its last nine ISO weeks are settled: `kept` keeps their counts, and
# after a change reads only the weeks since. A change to a rating more than seven weeks old is
# counted apart (`HistoryRevision.settled_number`, journal migration 0012): nine weeks before the
# period's last day is more than seven weeks before any later change, with a week to spare.
SETTLED_AFTER_WEEKS = 9

# The sessions rated before and after, counted by their ratings and setup: the same counts as
# every session's own row would give, in a few hundred rows however long the history. Whether a
# session is in the last four weeks, and whether it is settled, come along.
SESSIONS_SQL = f"""
SELECT pain_before, pain_after, ball_setup, knees_lifted, breathing_skipped,
       {hour_sql("started_at")} < 12 AS morning,
       started_at >= %(four_weeks_at)s AS recent,
       started_at < %(settled_at)s AS settled,
       count(*)
FROM {SESSIONS}
WHERE person_id = %(person)s AND pain_before IS NOT NULL AND pain_after IS NOT NULL
  AND {in_period("started_at")}
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""
# Journal pain a local day, and whether that day had a session. Session days are collected once
# and joined: a lookup per day would cost each day a scan of the person's sessions.
DAYS_SQL = f"""
SELECT d.day, d.pain, d.ratings, s.day IS NOT NULL AS had_session
FROM (
    SELECT {day_sql("recorded_at")} AS day, avg(pain) AS pain, count(*) AS ratings
    FROM {ENTRIES}
    WHERE person_id = %(person)s AND {in_period("recorded_at")}
    GROUP BY 1
) AS d
LEFT JOIN (
    SELECT DISTINCT {day_sql("started_at")} AS day
    FROM {SESSIONS}
    WHERE person_id = %(person)s AND {in_period("started_at")}
) AS s ON s.day = d.day
"""
# The days counted by their journal pain (a mean of a few whole ratings: a few dozen values).
DAY_GROUPS_SQL = f"""
SELECT pain, had_session, day < %(settled_day)s AS settled, count(*), sum(ratings)::int
FROM ({DAYS_SQL}) AS days
GROUP BY 1, 2, 3
"""
# Usual pain a local week.
WEEKS_SQL = f"""
SELECT {week_sql("at")} AS week, {usual_pain.MEAN} AS usual_pain,
       {usual_pain.COUNT} AS ratings
FROM ({usual_pain.ratings(shown=True)}) AS ratings
GROUP BY 1 ORDER BY 1
"""


class SessionGroup(NamedTuple):
    """Sessions alike in everything the answers read of them."""

    pain_before: int
    pain_after: int
    ball_setup: str
    knees_lifted: bool
    breathing_skipped: bool
    morning: bool
    recent: bool  # in the period's last four weeks


def _summed(first: dict, second: dict) -> dict:
    summed = dict(first)
    for key, count in second.items():
        summed[key] = summed.get(key, 0) + count
    return summed


@dataclass(frozen=True)
class Ratings:
    """The ratings the answers rest on, as PostgreSQL counts them: sessions by group, days by
    their journal pain (the day's mean, and whether it had a session), and each week's usual pain
    with the number of ratings behind it. Two parts of a period, one before the other, add up to
    the period's."""

    sessions: dict[SessionGroup, int]
    days: dict[tuple[float, bool], int]
    day_ratings: int
    weeks: tuple[tuple[date, float, int], ...]
    # A settled part, as `kept` keeps it, keeps the slopes among its weeks that a trend through
    # them and the weeks after can reach (`theil_sen.settle`).
    slopes: Settled | None = None

    def __add__(self, later: Ratings) -> Ratings:
        return Ratings(
            _summed(self.sessions, later.sessions),
            _summed(self.days, later.days),
            self.day_ratings + later.day_ratings,
            self.weeks + later.weeks,
            self.slopes,
        )


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    @property
    def side(self) -> int:
        """+1 when the whole 95% interval lies above zero, -1 when below, else 0: decided on the
        exact bounds. A bound off zero is printed with its sign (`display.figures`), so no printed
        figure contradicts the direction a sentence names."""
        return 1 if self.low > 0 else -1 if self.high < 0 else 0

    @property
    def has_width(self) -> bool:
        """False when the interval is one value: so many figures alike that no other is likely.
        Printed as that figure alone, never as an interval with equal ends."""
        return self.low < self.high

    def times(self, factor: float) -> Estimate:
        return Estimate(self.value * factor, self.low * factor, self.high * factor)

    def settled(self) -> Estimate:
        """The estimate as a sentence judges and prints it: a figure within the arithmetic's
        rounding of zero is zero (`display.settled`). Two slopes of one size and opposite signs
        gave a median of 4.4e-16, printed "+0.00000000000000044 points a week"."""
        return Estimate(*(display.settled(figure) for figure in (self.value, self.low, self.high)))

    def size(self, unit: str) -> str:
        """The size of a one-sided estimate, as a positive figure with its interval."""
        value, low, high = display.figures(self.value, self.low, self.high)
        if not self.has_width:
            # Translators: a figure and its unit: "2.0 points", "0.3 points a year".
            return _("%(value)s %(unit)s") % {"value": display.figure(value), "unit": unit}
        low, high = sorted((abs(low), abs(high)))
        # Translators: a figure, its unit ("points", "points a week") and its 95% interval.
        return _("%(value)s %(unit)s (95%% interval %(low)s to %(high)s)") % {
            "value": display.figure(value),
            "unit": unit,
            "low": display.figure(low),
            "high": display.figure(high),
        }

    def signed(self, unit: str) -> str:
        """The estimate and its interval with their signs, for a sentence that cannot say which
        way it goes."""
        value, low, high = display.figures(self.value, self.low, self.high)
        if not self.has_width:
            return _("%(value)s %(unit)s") % {"value": display.signed(value), "unit": unit}
        # Translators: a signed figure ("-0.44"), its unit and its 95% interval.
        return _("%(value)s %(unit)s, 95%% interval %(low)s to %(high)s") % {
            "value": display.signed(value),
            "unit": unit,
            "low": display.signed(low),
            "high": display.signed(high),
        }


@dataclass(frozen=True)
class Relief:
    """The drop in pain right after sessions (before minus after): its median, how many were
    important, and whether every drop was the same."""

    sessions: int
    median: Estimate | None
    important: int
    all_same: bool = False
    # How many drops equal the median: when they are so many that the interval is the median
    # alone, the sentence says so.
    at_median: int = 0


@dataclass(frozen=True)
class Trend:
    """Usual pain's slope in points a week, over `weeks` weekly means of `ratings` ratings that
    span `span` weeks from the first to the last; `level` when every week's usual pain was the
    same."""

    weeks: int
    slope: Estimate | None
    ratings: int = 0
    level: float | None = None
    span: int = 0


@dataclass(frozen=True)
class Difference:
    """One group's mean against another's: `first` minus `second`, with its interval; `means`
    when neither group varies (no interval exists then)."""

    first: int
    second: int
    difference: Estimate | None
    means: tuple[float, float] | None = None
    ratings: int = 0


@dataclass(frozen=True)
class Factor:
    """A comparison between two groups, each way of saying it whole: the question, and the answer
    when the first group's figure is higher or lower. `days` when the groups are days, not
    sessions."""

    question: str
    higher: str
    lower: str
    days: bool = False


FACTORS = {
    "balls": Factor(
        gettext_lazy("Relief with two balls against one"),
        gettext_lazy("more with two balls"),
        gettext_lazy("less with two balls"),
    ),
    "knees": Factor(
        gettext_lazy("Relief with the knees lifted against with them down"),
        gettext_lazy("more with the knees lifted"),
        gettext_lazy("less with the knees lifted"),
    ),
    "breathing": Factor(
        gettext_lazy("Relief with the breathing done against skipped"),
        gettext_lazy("more with the breathing done"),
        gettext_lazy("less with the breathing done"),
    ),
    "morning": Factor(
        gettext_lazy("Relief in the morning against later in the day"),
        gettext_lazy("more in the morning"),
        gettext_lazy("less in the morning"),
    ),
}


@dataclass(frozen=True)
class Insights:
    relief_all: Relief
    relief_recent: Relief
    trend_recent: Trend
    trend_all: Trend
    session_days: Difference
    factors: dict[str, Difference]


def relief(drops: list[tuple[int, int]]) -> Relief:
    """`drops`: (pain before, pain after) of each session with both."""
    return relief_of(Counter(drops))


def relief_of(counted: dict[tuple[int, int], int]) -> Relief:
    """`counted`: how many sessions had each (pain before, pain after)."""
    sessions = sum(counted.values())
    important = sum(
        count
        for (before, after), count in counted.items()
        if before - after >= IMPORTANT_POINTS
        or (before > 0 and (before - after) / before >= IMPORTANT_SHARE)
    )
    if sessions < MEDIAN_MINIMUM:
        return Relief(sessions, None, important)
    changes = _repeated((before - after, count) for (before, after), count in counted.items())
    median = float(stats.scoreatpercentile(changes, 50))
    interval = stats.quantile_test(changes, q=median, p=0.5).confidence_interval(CONFIDENCE)
    estimate = Estimate(median, interval.low, interval.high)
    return Relief(
        sessions,
        estimate,
        important,
        all_same=len({before - after for before, after in counted}) == 1,
        at_median=sum(count for (b, a), count in counted.items() if b - a == median),
    )


def _points(usual_pain: list[float | None]) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The weeks with a value: their index (gaps kept) and their usual pain."""
    points = [(index, pain) for index, pain in enumerate(usual_pain) if pain is not None]
    return tuple(zip(*points, strict=True)) or ((), ())


def trend(
    usual_pain: list[float | None], ratings: int = 0, settled: Settled | None = None
) -> Trend:
    """Points a week, Theil–Sen, over consecutive weeks (index 0, 1, 2… with gaps kept); with
    `settled`, the slopes kept among its first weeks (`theil_sen.settle`)."""
    x, y = _points(usual_pain)
    if len(x) < TREND_MINIMUM_WEEKS:
        return Trend(len(x), None, ratings)
    value, low, high = theil_sen(y, x, CONFIDENCE, settled)
    level = y[0] if len(set(y)) == 1 else None
    slope = Estimate(value, low, high)
    return Trend(len(x), slope, ratings, level, span=x[-1] - x[0] + 1)


def difference(first: Sequence[float], second: Sequence[float], ratings: int = 0) -> Difference:
    """Mean of `first` minus mean of `second`, with Welch's 95% interval."""
    return differences([(first, second, ratings)])[0]


def differences(pairs: Sequence[tuple[Sequence[float], Sequence[float], int]]) -> list[Difference]:
    """`difference` of many pairs of groups (the clinic's list has one a patient): Welch's interval
    as `stats.ttest_ind(first, second, equal_var=False)` gives it, bit for bit
    (tests/journal/test_welch.py), its arithmetic and quantiles done once for all pairs: a call of
    SciPy's a pair spent most of the list's time checking its arguments."""
    found: list[Difference] = []
    spread: list[tuple[int, np.ndarray, np.ndarray, float]] = []
    for first, second, ratings in pairs:
        if min(len(first), len(second)) < GROUP_MINIMUM:
            found.append(Difference(len(first), len(second), None, ratings=ratings))
            continue
        first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
        means = (float(first.sum()) / len(first), float(second.sum()) / len(second))
        found.append(Difference(len(first), len(second), None, means=means, ratings=ratings))
        # No spread within either group: nothing to estimate an interval from.
        if first.min() != first.max() or second.min() != second.max():
            spread.append((len(found) - 1, first, second, means[0] - means[1]))
    intervals = _welch([(first, second) for _, first, second, _ in spread]) if spread else []
    for (index, _first, _second, value), (low, high) in zip(spread, intervals, strict=True):
        found[index] = replace(found[index], difference=Estimate(value, low, high), means=None)
    return found


def _welch(pairs: list[tuple[np.ndarray, np.ndarray]]) -> Iterable[tuple[float, float]]:
    """The 95% interval of each pair's difference of means, in SciPy's own steps
    (`_stats_py._var`, `_unequal_var_ttest_denom`, `_t_confidence_interval`)."""
    m1, v1, n1 = _mean_and_variance([first for first, _ in pairs])
    m2, v2, n2 = _mean_and_variance([second for _, second in pairs])
    vn1, vn2 = v1 / n1, v2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        df = _squared(vn1 + vn2) / (_squared(vn1) / (n1 - 1) + _squared(vn2) / (n2 - 1))
    df = np.where(np.isnan(df), 1.0, df)
    denom = np.sqrt(vn1 + vn2)
    tail = (1 - np.asarray(CONFIDENCE)) / 2
    low, high = special.stdtrit(df, tail), special.stdtrit(df, 1 - tail)
    estimate = m1 - m2
    return zip((low * denom + estimate).tolist(), (high * denom + estimate).tolist(), strict=True)


def _squared(values: np.ndarray) -> np.ndarray:
    """Squares as SciPy's scalars are squared, through `pow`: an array's `** 2` multiplies, which
    now and then differs in the last bit."""
    return np.float_power(values, 2.0)


def _mean_of(group: np.ndarray) -> np.float64:
    return np.add.reduce(group) / len(group)


def _mean_and_variance(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's mean and sample variance, each summed as NumPy sums one array (pairwise).
    `np.add.reduce(group) / len(group)` is `group.mean()` to the bit (its sum over its count),
    without the method's checks, which were most of the clinic list's time for its intervals."""
    means = np.array([_mean_of(group) for group in groups])
    squares = np.array([_mean_of((group - _mean_of(group)) ** 2.0) for group in groups])
    counts = np.array([len(group) for group in groups])
    return means, squares * (counts / (counts - 1.0)), counts


def _weekly_series(rows: list[tuple[date, float, int]], since: date | None) -> tuple[list, int]:
    """Usual pain per week from the first week (or `since`) to the last, gaps as None, and the
    number of ratings behind them; `rows` in week order."""
    kept = [row for row in rows if since is None or row[0] >= since]
    if not kept:
        return [], 0
    first = kept[0][0]
    series: list[float | None] = [None] * ((kept[-1][0] - first).days // 7 + 1)
    for week, pain, _count in kept:
        series[(week - first).days // 7] = float(pain)
    return series, sum(row[2] for row in kept)


def recent_from(period: Period) -> date:
    """The first day after the period's settled ratings: the Monday `SETTLED_AFTER_WEEKS` ISO
    weeks back from its last day, or from today when a period is seen from a later `now`."""
    today = timezone.localdate(timezone.now(), period.zone)
    last_monday = week_start(min(period.last_day, today))
    return last_monday - timedelta(weeks=SETTLED_AFTER_WEEKS - 1)


def read(period: Period, recent: date) -> tuple[Ratings, Ratings]:
    """The period's ratings (its shown weeks only, when it has `shown_from`) in three queries,
    split into those before `recent` and those from it on."""
    params = period.sql_params() | {
        "four_weeks_at": day_start(period.last_weeks(4).shown_from, period.zone),
        "settled_at": day_start(recent, period.zone),
        "settled_day": recent,
    }
    sessions: dict[bool, dict] = {True: {}, False: {}}
    days: dict[bool, dict] = {True: {}, False: {}}
    day_ratings = {True: 0, False: 0}
    weeks: dict[bool, list] = {True: [], False: []}
    with connection.cursor() as cursor:
        cursor.execute(SESSIONS_SQL, params)
        for *group, settled, count in cursor.fetchall():
            sessions[settled][SessionGroup(*group)] = count
        cursor.execute(DAY_GROUPS_SQL, params)
        for pain, had_session, settled, count, ratings in cursor.fetchall():
            key = (float(pain), had_session)
            days[settled][key] = days[settled].get(key, 0) + count
            day_ratings[settled] += ratings
        cursor.execute(WEEKS_SQL, params)
        for week, pain, count in cursor.fetchall():
            weeks[week < recent].append((week, float(pain), count))
    settled, later = (
        Ratings(sessions[part], days[part], day_ratings[part], tuple(weeks[part]))
        for part in (True, False)
    )
    return settled, later


def _repeated(counted: Iterable[tuple[float, int]]) -> np.ndarray:
    """Each value as many times as it was counted, in the order of the values."""
    pairs = sorted(counted)
    if not pairs:
        return np.empty(0)
    values, counts = zip(*pairs, strict=True)
    return np.repeat(values, counts)


def answers(ratings: Ratings, period: Period) -> Insights:
    """Every answer from the period's ratings; "the last four (eight) weeks" are the ISO weeks up
    to the period's last day (`Period.last_weeks`, as on the trends page), which for a share link
    may lie in the past."""
    eight_weeks_ago = period.last_weeks(8).shown_from
    # One pass over the session groups (more of them the longer the history) counts each answer's
    # sessions: by their ratings for the relief, by their drop for each side of each factor. A
    # drop's count is its groups' summed, so `_repeated` gives the same sorted array as it would
    # from the groups one by one.
    rated: dict[bool, Counter[tuple[int, int]]] = {False: Counter(), True: Counter()}
    sides = {name: (Counter(), Counter()) for name in FACTORS}
    for group, count in ratings.sessions.items():
        ratings_pair = (group.pain_before, group.pain_after)
        rated[False][ratings_pair] += count
        if group.recent:
            rated[True][ratings_pair] += count
        drop = group.pain_before - group.pain_after
        if group.ball_setup == BallSetup.TWO:
            sides["balls"][0][drop] += count
        elif group.ball_setup == BallSetup.ONE:
            sides["balls"][1][drop] += count
        sides["knees"][0 if group.knees_lifted else 1][drop] += count
        sides["breathing"][1 if group.breathing_skipped else 0][drop] += count
        sides["morning"][0 if group.morning else 1][drop] += count

    def compared(name: str) -> Difference:
        first, second = (_repeated(side.items()) for side in sides[name])
        return difference(first, second, ratings=2 * (len(first) + len(second)))

    day_means = ratings.days.items()
    return Insights(
        relief_all=relief_of(rated[False]),
        relief_recent=relief_of(rated[True]),
        trend_recent=trend(*_weekly_series(ratings.weeks, eight_weeks_ago)),
        trend_all=trend(*_weekly_series(ratings.weeks, None), settled=ratings.slopes),
        session_days=difference(
            _repeated((pain, n) for (pain, had), n in day_means if had),
            _repeated((pain, n) for (pain, had), n in day_means if not had),
            ratings=ratings.day_ratings,
        ),
        factors={name: compared(name) for name in FACTORS},
    )


def compute(period: Period) -> Insights:
    """Every answer over the period, in three queries."""
    settled, later = read(replace(period, shown_from=None), recent_from(period))
    return answers(settled + later, period)


def kept(period: Period) -> Insights:
    """The period's answers, computed once for each revision of the person's ratings and kept:
    a page view costs one lookup however long the history, and the first view after a change pays
    for the three queries. The revision is read before computing, so a change made meanwhile
    leaves the answer filed under the older revision, never under the newer one.

    The settled ratings (`SETTLED_AFTER_WEEKS`) are kept too, as counts, under the number of
    changes to them: after the usual change, a rating of today's, the three queries read only the
    last weeks, so the answers cost about the same after ten years as after one.

    Kept in each process (the `insights` cache): an answer is small, and a stale one cannot be
    found, since the revision and every input of `compute` but the ratings are in its key."""
    revision, settled_revision = (
        HistoryRevision.objects.filter(person=period.person)
        .values_list("number", "settled_number")
        .first()
    ) or (0, 0)
    key = ":".join(
        str(part)
        for part in (
            KEPT_FORMAT,
            period.person.pk,
            revision,
            period.zone.key,
            period.since,
            period.until,
            period.last_day,
        )
    )
    found = caches["insights"].get(key)
    if found is None:
        found = answers(_kept_ratings(period, settled_revision), period)
        caches["insights"].set(key, found)
    return found


def _kept_ratings(period: Period, settled_revision: int) -> Ratings:
    """The period's ratings: the settled part as kept under its number of changes, with the weeks
    since read again; or, when none is kept, all of them read and the settled part kept."""
    recent = recent_from(period)
    key = ":".join(
        str(part)
        for part in (
            "settled",
            KEPT_FORMAT,
            period.person.pk,
            settled_revision,
            period.zone.key,
            period.since,
            recent,
        )
    )
    settled = caches["insights"].get(key)
    if settled is None:
        settled, later = read(replace(period, shown_from=None), recent)
        x, y = _points(_weekly_series(settled.weeks, None)[0])
        slopes = settle(y, x, CONFIDENCE, room=SETTLED_AFTER_WEEKS)
        settled = replace(settled, slopes=slopes)
        caches["insights"].set(key, settled)
    else:
        _, later = read(replace(period, shown_from=recent), recent)
    return settled + later


def _relief_text(result: Relief, when: str) -> str:
    words = {
        "when": when,
        "count": result.sessions,
        "needed": MEDIAN_MINIMUM,
        "rests_on": ngettext(
            "from %(count)s session rated before and after",
            "from %(count)s sessions rated before and after",
            result.sessions,
        )
        % {"count": result.sessions},
        "matters": ngettext(
            "%(count)s of them reached a drop that matters (%(points)s points or %(share)s)",
            "%(count)s of them reached a drop that matters (%(points)s points or %(share)s)",
            result.important,
        )
        % {
            "count": result.important,
            "points": IMPORTANT_POINTS,
            "share": display.percent(display.exact(round(IMPORTANT_SHARE * 100))),
        },
    }
    if result.median is None:
        # Translators: "when" names the sessions the answer is about ("All sessions").
        return (
            ngettext(
                "%(when)s: not enough data yet (%(count)s session with both ratings, %(needed)s "
                "needed).",
                "%(when)s: not enough data yet (%(count)s sessions with both ratings, %(needed)s "
                "needed).",
                result.sessions,
            )
            % words
        )
    median = result.median.settled()
    if result.all_same:
        words["size"] = display.one_decimal(abs(median.value))
        if median.value > 0:
            said = _(
                "%(when)s: pain dropped by the same %(size)s points after every session, "
                "%(rests_on)s, so there is no spread to give an interval from; %(matters)s."
            )
        elif median.value < 0:
            said = _(
                "%(when)s: pain rose by the same %(size)s points after every session, "
                "%(rests_on)s, so there is no spread to give an interval from; %(matters)s."
            )
        else:
            said = _(
                "%(when)s: pain was the same before and after every session, %(rests_on)s, so "
                "there is no spread to give an interval from; %(matters)s."
            )
        return said % words
    points = _("points")
    if median.side > 0:
        words["said"] = _("pain dropped right after a session, by a median %(size)s") % {
            "size": median.size(points)
        }
    elif median.side < 0:
        words["said"] = _("pain rose right after a session, by a median %(size)s") % {
            "size": median.size(points)
        }
    else:
        words["said"] = _(
            "the data cannot tell yet whether pain drops right after a session: a median drop "
            "of %(estimate)s"
        ) % {"estimate": median.signed(points)}
    if median.has_width:
        # Translators: "said" is the answer, "rests_on" how many sessions it rests on, "matters"
        # how many of them reached a drop that matters.
        return _("%(when)s: %(said)s, %(rests_on)s; %(matters)s.") % words
    alike = {"count": result.at_median}
    if median.value > 0:
        words["alike"] = (
            ngettext(
                "%(count)s of them dropped by exactly that, so many that its 95%% interval is that "
                "figure alone",
                "%(count)s of them dropped by exactly that, so many that its 95%% interval is that "
                "figure alone",
                result.at_median,
            )
            % alike
        )
    elif median.value < 0:
        words["alike"] = (
            ngettext(
                "%(count)s of them rose by exactly that, so many that its 95%% interval is that "
                "figure alone",
                "%(count)s of them rose by exactly that, so many that its 95%% interval is that "
                "figure alone",
                result.at_median,
            )
            % alike
        )
    else:
        words["alike"] = (
            ngettext(
                "%(count)s of them was the same before and after, so many that its 95%% interval "
                "is that figure alone",
                "%(count)s of them were the same before and after, so many that its 95%% interval "
                "is that figure alone",
                result.at_median,
            )
            % alike
        )
    return _("%(when)s: %(said)s, %(rests_on)s; %(alike)s; %(matters)s.") % words


def _trend_unit(result: Trend) -> tuple[float, str]:
    """The unit the trend is given in, with its length in weeks."""
    units = [unit for unit in TREND_UNITS if unit[0] <= max(result.span, result.weeks)]
    slope = result.slope
    lengths = [length for length, _name in units]
    return units[display.unit(slope.value, slope.low, slope.high, lengths)]


def _trend_text(result: Trend, when: str) -> str:
    if result.slope is None:
        # Translators: "when" names the weeks the trend is drawn through.
        return ngettext(
            "%(when)s: not enough data yet (%(count)s week with ratings, %(needed)s needed).",
            "%(when)s: not enough data yet (%(count)s weeks with ratings, %(needed)s needed).",
            result.weeks,
        ) % {"when": when, "count": result.weeks, "needed": TREND_MINIMUM_WEEKS}
    result = replace(result, slope=result.slope.settled())
    words = {
        "when": when,
        # Translators: e.g. "over 8 weeks with 45 ratings".
        "rests_on": _("over %(weeks)s with %(ratings)s")
        % {
            "weeks": ngettext("%(count)s week", "%(count)s weeks", result.weeks)
            % {"count": result.weeks},
            "ratings": ngettext("%(count)s rating", "%(count)s ratings", result.ratings)
            % {"count": result.ratings},
        },
    }
    if result.level is not None:
        words["level"] = display.one_decimal(result.level)
        return (
            _(
                "%(when)s: usual pain is flat, %(level)s every week, %(rests_on)s, so there is "
                "no spread to give an interval from."
            )
            % words
        )
    length, name = _trend_unit(result)
    slope = result.slope.times(length)
    unit = {
        "week": _("points a week"),
        "month": _("points a month"),
        "year": _("points a year"),
    }[name]
    if slope.side < 0:
        words["said"] = _("usual pain goes down %(size)s") % {"size": slope.size(unit)}
    elif slope.side > 0:
        words["said"] = _("usual pain goes up %(size)s") % {"size": slope.size(unit)}
    else:
        words["said"] = _(
            "the data cannot tell yet whether usual pain is going down or up: %(estimate)s"
        ) % {"estimate": slope.signed(unit)}
    if not slope.has_width:
        return (
            _(
                "%(when)s: %(said)s, %(rests_on)s; so many weeks lie on one line that its 95%% "
                "interval is that figure alone."
            )
            % words
        )
    return _("%(when)s: %(said)s, %(rests_on)s.") % words


def _difference_text(result: Difference, factor: Factor) -> str:
    counted = {"first": result.first, "second": result.second}
    counts = (
        ngettext("%(first)s and %(second)s day", "%(first)s and %(second)s days", result.second)
        if factor.days
        else ngettext(
            "%(first)s and %(second)s session",
            "%(first)s and %(second)s sessions",
            result.second,
        )
    ) % counted
    words = {"question": factor.question, "counts": counts, "needed": GROUP_MINIMUM}
    if result.difference is None and result.means is None:
        return (
            _("%(question)s: not enough data yet (%(counts)s; %(needed)s of each needed).") % words
        )
    words["ratings"] = (
        ngettext("%(count)s journal rating", "%(count)s journal ratings", result.ratings)
        if factor.days
        else ngettext("%(count)s rating", "%(count)s ratings", result.ratings)
    ) % {"count": result.ratings}
    words["source"] = (
        _("from %(counts)s (%(ratings)s). This is what goes with it, not proof of what causes it.")
        % words
    )
    if result.means is not None:
        words["first"], words["second"] = (display.one_decimal(mean) for mean in result.means)
        return (
            _(
                "%(question)s: every figure was the same within each group, %(first)s against "
                "%(second)s, so there is no spread to give an interval from; %(source)s"
            )
            % words
        )
    found = result.difference.settled()
    points = _("points")
    if found.side == 0:
        words["estimate"] = found.signed(points)
        return (
            _("%(question)s: the data cannot tell yet whether it differs: %(estimate)s, %(source)s")
            % words
        )
    # Translators: "comparison" says which group came out higher, e.g. "more with two balls".
    words["comparison"] = factor.higher if found.side > 0 else factor.lower
    words["size"] = found.size(points)
    return _("%(question)s: %(comparison)s, by %(size)s, %(source)s") % words


SESSION_DAYS = Factor(
    gettext_lazy("Journal pain on days with a session against days without"),
    gettext_lazy("higher on days with a session"),
    gettext_lazy("lower on days with a session"),
    days=True,
)


def statements(found: Insights) -> dict[str, list[str]]:
    """The answers in words, by question. The trends name the question they answer: the trend
    through every week, where the trends page compares two weeks alone."""
    return {
        _("Right after a session"): [
            _relief_text(found.relief_all, _("All sessions")),
            _relief_text(found.relief_recent, _("The last four weeks")),
        ],
        _("Does it last"): [
            _trend_text(found.trend_recent, _("The trend through the last eight weeks")),
            _trend_text(found.trend_all, _("The trend through every week since the start")),
        ],
        _("Session days against other days"): [_difference_text(found.session_days, SESSION_DAYS)],
        _("What goes with more relief"): [
            _difference_text(result, FACTORS[key]) for key, result in found.factors.items()
        ],
    }
