"""Weekly trends: one SQL query for all the weeks, and pure functions for what follows from them.

Definitions are those of PRODUCT.md: an ISO week (Monday to Sunday) in the person's own time zone;
usual pain pools journal pain and session pain-before ratings; change labels follow the IMMPACT
thresholds for chronic pain (Dworkin et al., 2008).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from journal import display
from journal.models import JournalEntry, WeeklyCheckIn
from sessions.models import ReleaseSession

# A mean from fewer ratings is marked uncertain, and no comparison with it is labelled.
ENOUGH_RATINGS = 3
RANGES = {"4w": 4, "12w": 12, "all": None}
DEFAULT_RANGE = "12w"


def chosen_range(asked: str | None) -> str:
    """The range asked for in the address, or the default for anything else."""
    return asked if asked in RANGES else DEFAULT_RANGE


def in_scope(column: str, *, window: bool = True) -> str:
    """Rows from `since` to `until` (a share link's local dates, both inclusive and optional),
    and from the first week shown (`window`).

    The dates arrive as the instants their local days start and end (`query_params`), compared with
    the column as it is stored: PostgreSQL then reads only those rows from the (person, time)
    index, however long the history.
    """
    start = "from_at" if window else "since_at"
    return (
        f"(%({start})s::timestamptz IS NULL OR {column} >= %({start})s::timestamptz)"
        f" AND (%(until_at)s::timestamptz IS NULL OR {column} < %(until_at)s::timestamptz)"
    )


def _week(edge: str, column: str, table: str, rated: str = "TRUE") -> str:
    """The first (`min`) or latest (`max`) local week of a person's rows: an index lookup."""
    return f"""(SELECT date_trunc('week', {edge}({column}) AT TIME ZONE %(zone)s)::date
        FROM {table} WHERE person_id = %(person)s AND {rated}
        AND {in_scope(column, window=False)})"""


SESSIONS = ReleaseSession._meta.db_table
ENTRIES = JournalEntry._meta.db_table
CHECK_INS = WeeklyCheckIn._meta.db_table

# Weeks are cut in SQL in the person's zone (AT TIME ZONE), never by shifting times in Python. The
# series runs from the first week with any data (or the first week shown) to the current week, so
# empty weeks come back as rows of NULLs (gaps), never as zeros and never skipped.
WEEKLY_SQL = f"""
WITH session_weeks AS (
    SELECT date_trunc('week', started_at AT TIME ZONE %(zone)s)::date AS week,
           count(*) FILTER (
               WHERE finished_at IS NOT NULL AND stopped_early_reason = ''
           ) AS sessions_completed,
           avg(pain_before) AS pain_before, count(pain_before) AS pain_before_n,
           sum(pain_before) AS pain_before_sum,
           avg(pain_after) AS pain_after, count(pain_after) AS pain_after_n,
           avg(pain_before - pain_after) AS relief,
           count(pain_before - pain_after) AS relief_n,
           avg(arch_before) AS arch_before, count(arch_before) AS arch_before_n,
           avg(arch_after) AS arch_after, count(arch_after) AS arch_after_n
    FROM {SESSIONS}
    WHERE person_id = %(person)s
      AND {in_scope("started_at")}
    GROUP BY 1
), journal_weeks AS (
    SELECT date_trunc('week', recorded_at AT TIME ZONE %(zone)s)::date AS week,
           avg(pain) AS journal_pain, count(*) AS journal_pain_n,
           sum(pain) AS journal_pain_sum
    FROM {ENTRIES}
    WHERE person_id = %(person)s
      AND {in_scope("recorded_at")}
    GROUP BY 1
), check_in_weeks AS (
    SELECT week_start AS week,
           (pain_average + enjoyment_interference + activity_interference) / 3.0 AS peg
    FROM {CHECK_INS}
    WHERE person_id = %(person)s
      AND (%(since)s::date IS NULL OR week_start >= date_trunc('week', %(since)s::date)::date)
      AND (%(until)s::date IS NULL OR week_start <= %(until)s::date)
      AND (%(from_week)s::date IS NULL OR week_start >= %(from_week)s::date)
), bounds AS (
    SELECT CASE WHEN first_data.week IS NOT NULL
                THEN greatest(first_data.week, %(from_week)s::date) END AS first_week,
           least(
               date_trunc('week', %(now)s AT TIME ZONE %(zone)s)::date,
               date_trunc('week', %(until)s::date)::date
           ) AS this_week
    FROM (
        SELECT least(
                   {_week("min", "started_at", SESSIONS)},
                   {_week("min", "recorded_at", ENTRIES)},
                   (SELECT min(week_start) FROM {CHECK_INS} WHERE person_id = %(person)s
                      AND (%(since)s::date IS NULL
                           OR week_start >= date_trunc('week', %(since)s::date)::date)
                      AND (%(until)s::date IS NULL OR week_start <= %(until)s::date))
               ) AS week
    ) AS first_data
)
SELECT w.week::date AS week,
       coalesce(s.sessions_completed, 0) AS sessions_completed,
       s.pain_before, coalesce(s.pain_before_n, 0) AS pain_before_n,
       s.pain_after, coalesce(s.pain_after_n, 0) AS pain_after_n,
       s.relief, coalesce(s.relief_n, 0) AS relief_n,
       s.arch_before, coalesce(s.arch_before_n, 0) AS arch_before_n,
       s.arch_after, coalesce(s.arch_after_n, 0) AS arch_after_n,
       j.journal_pain, coalesce(j.journal_pain_n, 0) AS journal_pain_n,
       (coalesce(s.pain_before_sum, 0) + coalesce(j.journal_pain_sum, 0))::numeric
           / nullif(coalesce(s.pain_before_n, 0) + coalesce(j.journal_pain_n, 0), 0) AS usual_pain,
       coalesce(s.pain_before_n, 0) + coalesce(j.journal_pain_n, 0) AS usual_pain_n,
       c.peg
FROM bounds
CROSS JOIN LATERAL generate_series(
    bounds.first_week, greatest(bounds.first_week, bounds.this_week), interval '1 week'
) AS w(week)
LEFT JOIN session_weeks s ON s.week = w.week
LEFT JOIN journal_weeks j ON j.week = w.week
LEFT JOIN check_in_weeks c ON c.week = w.week
ORDER BY w.week
"""


def _usual_pain_of(week: str) -> str:
    """Usual pain of one local week, pooled as the weekly query pools it: sum and count."""
    start = f"({week}::timestamp AT TIME ZONE %(zone)s)"
    end = f"(({week} + 7)::timestamp AT TIME ZONE %(zone)s)"
    return f"""(
        SELECT coalesce(s.total, 0) + coalesce(j.total, 0) AS total,
               coalesce(s.n, 0) + coalesce(j.n, 0) AS n
        FROM (SELECT sum(pain_before) AS total, count(pain_before) AS n FROM {SESSIONS}
              WHERE person_id = %(person)s AND started_at >= {start} AND started_at < {end}
                AND {in_scope("started_at", window=False)}) AS s,
             (SELECT sum(pain) AS total, count(*) AS n FROM {ENTRIES}
              WHERE person_id = %(person)s AND recorded_at >= {start} AND recorded_at < {end}
                AND {in_scope("recorded_at", window=False)}) AS j
    )"""


# The first and the latest week with a pain rating and their usual pain: index lookups, however
# long the history, so the baseline need not come from reading every week.
RATED_WEEKS_SQL = f"""
WITH edges AS (
    SELECT least({_week("min", "started_at", SESSIONS, "pain_before IS NOT NULL")},
                 {_week("min", "recorded_at", ENTRIES)}) AS first_week,
           greatest({_week("max", "started_at", SESSIONS, "pain_before IS NOT NULL")},
                    {_week("max", "recorded_at", ENTRIES)}) AS latest_week
)
SELECT edges.first_week, first.total::numeric / nullif(first.n, 0), first.n,
       edges.latest_week, latest.total::numeric / nullif(latest.n, 0), latest.n
FROM edges
CROSS JOIN LATERAL {_usual_pain_of("edges.first_week")} AS first
CROSS JOIN LATERAL {_usual_pain_of("edges.latest_week")} AS latest
"""


# The first week with enough pain ratings, when it is not the first rated week: reads every rating.
BASELINE_SQL = f"""
SELECT week, total::numeric / n, n FROM (
    SELECT date_trunc('week', at AT TIME ZONE %(zone)s)::date AS week,
           sum(pain) AS total, count(pain) AS n
    FROM (
        SELECT started_at AS at, pain_before AS pain FROM {SESSIONS}
        WHERE person_id = %(person)s AND pain_before IS NOT NULL
          AND {in_scope("started_at", window=False)}
        UNION ALL
        SELECT recorded_at, pain FROM {ENTRIES}
        WHERE person_id = %(person)s AND {in_scope("recorded_at", window=False)}
    ) AS ratings
    GROUP BY 1
) AS weeks
WHERE n >= {ENOUGH_RATINGS}
ORDER BY week
LIMIT 1
"""


# Each weekly mean with the count of ratings behind it, in the table's order.
MEANS = [
    ("usual_pain", "usual_pain_n"),
    ("pain_before", "pain_before_n"),
    ("pain_after", "pain_after_n"),
    ("relief", "relief_n"),
    ("arch_before", "arch_before_n"),
    ("arch_after", "arch_after_n"),
    ("journal_pain", "journal_pain_n"),
]


class Week(NamedTuple):
    """One week's figures as the weekly query returns them: a named tuple, built straight from the
    row (a frozen dataclass took 0.4 ms for the 157 weeks of three years)."""

    week: date
    sessions_completed: int
    pain_before: Decimal | None
    pain_before_n: int
    pain_after: Decimal | None
    pain_after_n: int
    relief: Decimal | None
    relief_n: int
    arch_before: Decimal | None
    arch_before_n: int
    arch_after: Decimal | None
    arch_after_n: int
    journal_pain: Decimal | None
    journal_pain_n: int
    usual_pain: Decimal | None
    usual_pain_n: int
    peg: Decimal | None

    @property
    def is_empty(self) -> bool:
        return not (
            self.sessions_completed
            or self.usual_pain_n
            or self.pain_after_n
            or self.arch_before_n
            or self.peg is not None
        )


def _day_starts(day: date | None, zone: ZoneInfo) -> datetime | None:
    """The first instant of a local day (where midnight is skipped, the moment the day begins)."""
    return datetime.combine(day, time.min, zone) if day else None


def query_params(person, now, since, until, from_week) -> dict:
    zone = ZoneInfo(person.time_zone)
    since_at = _day_starts(since, zone)
    window_at = _day_starts(from_week, zone)
    return {
        "person": person.pk,
        "zone": person.time_zone,
        "now": now or timezone.now(),
        "since": since,
        "until": until,
        "from_week": from_week,
        "since_at": since_at,
        "from_at": max(filter(None, [since_at, window_at]), default=None),
        "until_at": _day_starts(until + timedelta(days=1), zone) if until else None,
    }


def weekly(
    person,
    now: datetime | None = None,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> list[Week]:
    """Every week from the person's first week with data to this week, in one query.

    `since` and `until` (local dates, inclusive) narrow it to what a share link covers; `last`
    keeps the last so many weeks only, and reads only their rows.
    """
    from_week = None
    if last:
        today = timezone.localtime(now or timezone.now(), ZoneInfo(person.time_zone)).date()
        # The last weeks of what is shown: a share link's range may have ended before today.
        end = min(today, until) if until else today
        from_week = end - timedelta(days=end.weekday(), weeks=last - 1)
    with connection.cursor() as cursor:
        cursor.execute(WEEKLY_SQL, query_params(person, now, since, until, from_week))
        return [Week(*row) for row in cursor.fetchall()]


def rated_weeks(
    person, since: date | None = None, until: date | None = None
) -> tuple[Week | None, Week | None]:
    """The baseline (the first week with enough pain ratings) and the latest week with any, with
    their usual pain, from `since` to `until` when given: one indexed query, and a second only when
    the very first rated week holds too few ratings to be the baseline."""
    params = query_params(person, None, since, until, None)
    with connection.cursor() as cursor:
        cursor.execute(RATED_WEEKS_SQL, params)
        first, first_pain, first_n, latest, latest_pain, latest_n = cursor.fetchone()
        if first is not None and first_n < ENOUGH_RATINGS:
            cursor.execute(BASELINE_SQL, params)
            first, first_pain, first_n = cursor.fetchone() or (None, None, 0)
    return _usual_pain_week(first, first_pain, first_n), _usual_pain_week(
        latest, latest_pain, latest_n
    )


def _usual_pain_week(week: date | None, usual_pain: Decimal | None, count: int) -> Week | None:
    """A week known only by its usual pain, all a comparison with it needs."""
    if week is None:
        return None
    nothing = dict.fromkeys(Week._fields)
    counts = {name: 0 for name in nothing if name.endswith("_n")}
    return Week(
        **{
            **nothing,
            **counts,
            "week": week,
            "sessions_completed": 0,
            "usual_pain": usual_pain,
            "usual_pain_n": count,
        }
    )


@dataclass(frozen=True)
class Change:
    """One mean against another, exactly; `label` is None when either rests on too few ratings."""

    points: Decimal
    percent: Decimal | None
    label: str | None

    @property
    def direction(self) -> str:
        if self.points < 0:
            return "down"
        return "up" if self.points > 0 else "unchanged"


def change_label(percent: Decimal | None) -> str:
    """IMMPACT thresholds on the exact percent; negative is relief."""
    if percent is None:
        return "no clear change"
    if percent <= -50:
        return "substantial improvement"
    if percent <= -30:
        return "moderately important improvement"
    if percent >= 30:
        return "worse"
    return "no clear change"


def change(current, current_n: int, reference, reference_n: int) -> Change:
    current, reference = display.exact(current), display.exact(reference)
    points = current - reference
    percent = points / reference * 100 if reference else None
    if min(current_n, reference_n) < ENOUGH_RATINGS:
        return Change(points=points, percent=percent, label=None)
    # From no pain at all any rise is a real rise, though no percentage can say how big.
    label = "worse" if reference == 0 and current > 0 else change_label(percent)
    return Change(points=points, percent=percent, label=label)


@dataclass(frozen=True)
class Summary:
    this_week: Week | None
    last_week: Week | None
    baseline: Week | None
    latest: Week | None
    against_last_week: Change | None
    against_baseline: Change | None


def summarize(
    weeks: list[Week], baseline: Week | None = None, latest: Week | None = None
) -> Summary:
    """This week against last week, and the latest week with usual pain against the first one.

    When `weeks` are only the last few, the caller passes the baseline and the latest rated week
    (`rated_weeks`); otherwise they are found among `weeks`.
    """
    this_week = weeks[-1] if weeks else None
    last_week = weeks[-2] if len(weeks) > 1 else None
    rated = [w for w in weeks if w.usual_pain is not None]
    enough = [w for w in rated if w.usual_pain_n >= ENOUGH_RATINGS]
    baseline = baseline or (enough[0] if enough else None)
    latest = latest or (rated[-1] if rated else None)
    against_last_week = None
    if (
        this_week
        and last_week
        and this_week.usual_pain is not None
        and last_week.usual_pain is not None
    ):
        against_last_week = change(
            this_week.usual_pain,
            this_week.usual_pain_n,
            last_week.usual_pain,
            last_week.usual_pain_n,
        )
    against_baseline = None
    if baseline and latest and latest.week != baseline.week:
        against_baseline = change(
            latest.usual_pain, latest.usual_pain_n, baseline.usual_pain, baseline.usual_pain_n
        )
    return Summary(this_week, last_week, baseline, latest, against_last_week, against_baseline)


def summary_of(
    person, shown: list[Week], since: date | None = None, until: date | None = None
) -> Summary:
    """The summary of the weeks shown, against the first and latest rated weeks of the whole
    history (or of a share link's range), which are looked up rather than read week by week."""
    first, latest = rated_weeks(person, since, until)
    return summarize(shown, first, latest)


LABEL_PHRASES = {
    "substantial improvement": "a substantial improvement",
    "moderately important improvement": "a moderately important improvement",
    "no clear change": "no clear change",
    "worse": "worse",
}


def size_of(result: Change) -> str:
    """How big a change is: points, and the percent when the ratings allow a label."""
    size = f"{display.one_decimal(abs(result.points))} points"
    if result.label is not None and result.percent is not None:
        size += f" ({display.percent(result.percent)})"
    return size


def verdict(result: Change) -> str:
    if result.label is None:
        return f"too few ratings yet to say (fewer than {ENOUGH_RATINGS} in a week)"
    return LABEL_PHRASES[result.label]


def sentence(summary: Summary, this_week_start: date, whose: str = "your") -> str:
    """The one plain sentence at the top of the trends; a clinician reads "their" for "your"."""
    if summary.baseline is None:
        return (
            f"Rate your pain in a session or the journal on a few days: once a week holds "
            f"{ENOUGH_RATINGS} ratings, later weeks are compared with it."
        )
    result = summary.against_baseline
    if result is None:
        return f"This is {whose} first week with enough ratings: later weeks are compared with it."
    latest = summary.latest.week
    when = (
        "this week"
        if latest == this_week_start
        else f"in the week of {week_name(latest, this_week_start)}"
    )
    if result.direction == "unchanged":
        return f"Usual pain {when} is the same as in {whose} first week: {verdict(result)}."
    return (
        f"Usual pain {when} is {result.direction} {size_of(result)} from {whose} first week: "
        f"{verdict(result)}."
    )


def week_name(week: date, this_week_start: date) -> str:
    """ "23 Nov", with the year when it is not this year's."""
    return (
        f"{week.day} {week:%b}" if week.year == this_week_start.year else f"{week.day} {week:%b %Y}"
    )
