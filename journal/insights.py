"""Is it helping me? Answers with their uncertainty, from SciPy, in three queries.

Each answer says how many ratings it rests on, says "goes with" and never "causes", and says "not
enough data yet" rather than guess. Figures are shown through `journal.display`, like every other.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection
from scipy import stats

from backrelease.common.local_time import day_end_sql, day_sql, day_start_sql, week_sql, week_start
from backrelease.common.period import Period, in_period
from journal import display, usual_pain
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
TREND_MINIMUM_WEEKS = 4
NOT_ENOUGH = "not enough data yet"

SESSIONS_SQL = f"""
SELECT pain_before, pain_after, ball_setup, knees_lifted, breathing_skipped,
       extract(hour FROM started_at AT TIME ZONE %(zone)s)::int AS hour,
       started_at
FROM {SESSIONS}
WHERE person_id = %(person)s AND pain_before IS NOT NULL AND pain_after IS NOT NULL
  AND {in_period("started_at", shown=False)}
ORDER BY started_at
"""
# Journal pain a local day, and whether that day had a session.
DAYS_SQL = f"""
SELECT d.day, d.pain, EXISTS (
    SELECT 1 FROM {SESSIONS} s
    WHERE s.person_id = %(person)s AND s.started_at >= {day_start_sql("d.day")}
      AND s.started_at < {day_end_sql("d.day")}
) AS had_session
FROM (
    SELECT {day_sql("recorded_at")} AS day, avg(pain) AS pain
    FROM {ENTRIES}
    WHERE person_id = %(person)s AND {in_period("recorded_at", shown=False)}
    GROUP BY 1
) AS d
"""
# Usual pain a local week.
WEEKS_SQL = f"""
SELECT {week_sql("at")} AS week, {usual_pain.MEAN} AS usual_pain
FROM ({usual_pain.ratings()}) AS ratings
GROUP BY 1 ORDER BY 1
"""


class SessionRow(NamedTuple):
    pain_before: int
    pain_after: int
    ball_setup: str
    knees_lifted: bool
    breathing_skipped: bool
    hour: int
    started_at: datetime


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def text(self, unit: str = "points") -> str:
        return (
            f"{display.one_decimal(self.value)} {unit} (95% interval "
            f"{display.one_decimal(self.low)} to {display.one_decimal(self.high)})"
        )


@dataclass(frozen=True)
class Relief:
    """The drop in pain right after sessions: its median, and how many were important."""

    sessions: int
    median: Estimate | None
    important: int


@dataclass(frozen=True)
class Trend:
    weeks: int
    slope: Estimate | None


@dataclass(frozen=True)
class Difference:
    """One group's mean against another's: `first` minus `second`, with its interval."""

    first: int
    second: int
    difference: Estimate | None


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
    changes = [before - after for before, after in drops]
    important = sum(
        1
        for before, after in drops
        if before - after >= IMPORTANT_POINTS
        or (before > 0 and (before - after) / before >= IMPORTANT_SHARE)
    )
    if len(changes) < MEDIAN_MINIMUM:
        return Relief(len(changes), None, important)
    median = float(stats.scoreatpercentile(changes, 50))
    interval = stats.quantile_test(changes, q=median, p=0.5).confidence_interval(CONFIDENCE)
    return Relief(len(changes), Estimate(median, interval.low, interval.high), important)


def trend(usual_pain: list[float]) -> Trend:
    """Points a week, Theil–Sen, over consecutive weeks (index 0, 1, 2… with gaps kept)."""
    points = [(index, pain) for index, pain in enumerate(usual_pain) if pain is not None]
    if len(points) < TREND_MINIMUM_WEEKS:
        return Trend(len(points), None)
    x, y = zip(*points, strict=True)
    result = stats.theilslopes(y, x, alpha=CONFIDENCE)
    return Trend(len(points), Estimate(result.slope, result.low_slope, result.high_slope))


def difference(first: list[float], second: list[float]) -> Difference:
    """Mean of `first` minus mean of `second`, with Welch's 95% interval."""
    if min(len(first), len(second)) < GROUP_MINIMUM:
        return Difference(len(first), len(second), None)
    value = sum(first) / len(first) - sum(second) / len(second)
    with warnings.catch_warnings():
        # Identical ratings in both groups leave nothing to estimate a spread from.
        warnings.simplefilter("ignore", RuntimeWarning)
        interval = stats.ttest_ind(first, second, equal_var=False).confidence_interval(CONFIDENCE)
    if math.isnan(interval.low):
        # No variation within either group: the difference is what was seen, exactly.
        return Difference(len(first), len(second), Estimate(value, value, value))
    return Difference(len(first), len(second), Estimate(value, interval.low, interval.high))


def _weekly_series(rows: list[tuple[date, float]], since: date | None) -> list[float | None]:
    """Usual pain per week from the first week (or `since`) to the last, gaps as None."""
    by_week = {week: float(pain) for week, pain in rows if since is None or week >= since}
    if not by_week:
        return []
    first, last = min(by_week), max(by_week)
    count = (last - first).days // 7 + 1
    return [by_week.get(first + timedelta(weeks=n)) for n in range(count)]


def compute(period: Period) -> Insights:
    """Every answer over the period, in three queries; "the last four (eight) weeks" are those
    up to the period's end, which for a share link may lie in the past."""
    params = period.sql_params()
    with connection.cursor() as cursor:
        cursor.execute(SESSIONS_SQL, params)
        sessions = [SessionRow(*row) for row in cursor.fetchall()]
        cursor.execute(DAYS_SQL, params)
        days = cursor.fetchall()
        cursor.execute(WEEKS_SQL, params)
        weeks = cursor.fetchall()
    recent = period.end - timedelta(weeks=4)
    eight_weeks_ago = week_start(period.last_day) - timedelta(weeks=7)

    def drops(keep) -> list[float]:
        return [s.pain_before - s.pain_after for s in sessions if keep(s)]

    return Insights(
        relief_all=relief([(s.pain_before, s.pain_after) for s in sessions]),
        relief_recent=relief(
            [(s.pain_before, s.pain_after) for s in sessions if s.started_at >= recent]
        ),
        trend_recent=trend(_weekly_series(weeks, eight_weeks_ago)),
        trend_all=trend(_weekly_series(weeks, None)),
        session_days=difference(
            [float(pain) for _, pain, had in days if had],
            [float(pain) for _, pain, had in days if not had],
        ),
        factors={
            "two balls against one": difference(
                drops(lambda s: s.ball_setup == BallSetup.TWO),
                drops(lambda s: s.ball_setup == BallSetup.ONE),
            ),
            "knees lifted against not": difference(
                drops(lambda s: s.knees_lifted), drops(lambda s: not s.knees_lifted)
            ),
            "breathing done against skipped": difference(
                drops(lambda s: not s.breathing_skipped), drops(lambda s: s.breathing_skipped)
            ),
            "morning against afternoon or evening": difference(
                drops(lambda s: s.hour < 12), drops(lambda s: s.hour >= 12)
            ),
        },
    )


def _relief_text(result: Relief, when: str) -> str:
    if result.median is None:
        return f"{when}: {NOT_ENOUGH} ({result.sessions} sessions with both ratings, 6 needed)."
    return (
        f"{when}: pain dropped by a median {result.median.text()} right after a session, "
        f"from {result.sessions} sessions; {result.important} of them reached a drop that "
        "matters (2 points or 30%)."
    )


def _trend_text(result: Trend, when: str) -> str:
    if result.slope is None:
        return f"{when}: {NOT_ENOUGH} ({result.weeks} weeks with ratings, 4 needed)."
    slope = result.slope
    direction = "down" if slope.value < 0 else "up" if slope.value > 0 else "flat"
    size = Estimate(abs(slope.value), slope.low, slope.high).text("points a week")
    if direction == "flat":
        return f"{when}: usual pain is flat, {size}, over {result.weeks} weeks with ratings."
    return f"{when}: usual pain goes {direction} {size}, over {result.weeks} weeks with ratings."


def _difference_text(result: Difference, what: str, groups: str) -> str:
    if result.difference is None:
        return (
            f"{what}: {NOT_ENOUGH} ({result.first} and {result.second} {groups}; "
            f"{GROUP_MINIMUM} of each needed)."
        )
    return (
        f"{what}: a difference of {result.difference.text()}, from {result.first} and "
        f"{result.second} {groups}. This is what goes with it, not proof of what causes it."
    )


def statements(found: Insights) -> dict[str, list[str]]:
    """The answers in words, by question."""
    return {
        "Right after a session": [
            _relief_text(found.relief_all, "All sessions"),
            _relief_text(found.relief_recent, "The last four weeks"),
        ],
        "Does it last": [
            _trend_text(found.trend_recent, "The last eight weeks"),
            _trend_text(found.trend_all, "Since the start"),
        ],
        "Session days against other days": [
            _difference_text(
                found.session_days,
                "Journal pain on days with a session, minus days without",
                "days",
            )
        ],
        "What goes with more relief": [
            _difference_text(result, f"Relief, {name}", "sessions")
            for name, result in found.factors.items()
        ],
    }
