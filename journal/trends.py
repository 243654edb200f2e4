"""Weekly trends: one SQL query for all the weeks, and pure functions for what follows from them.

The rules are written down in docs/computation.md: an ISO week of the person's local days
(`backrelease.common.local_time`), usual pain as `journal.usual_pain` pools it, change labels on the
IMMPACT thresholds for chronic pain (Dworkin et al., 2008).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from backrelease.common.local_time import day_end_sql, day_start_sql, week_sql
from backrelease.common.period import Period, in_check_in_weeks, in_period
from journal import display, usual_pain
from journal.models import WeeklyCheckIn
from journal.usual_pain import COUNT, ENTRIES, MEAN, SESSION_RATED, SESSIONS

# A mean from fewer ratings is marked uncertain, and no comparison with it is labelled.
ENOUGH_RATINGS = 3
# A label given to a week with fewer ratings than this says it is only an early sign: a week's
# mean of 9 ratings of spread 1.5 is still uncertain by a point either way (95%).
SURE_RATINGS = 10
RANGES = {"4w": 4, "12w": 12, "all": None}
DEFAULT_RANGE = "12w"


def chosen_range(asked: str | None) -> str:
    """The range asked for in the address, or the default for anything else."""
    return asked if asked in RANGES else DEFAULT_RANGE


def _week(edge: str, column: str, table: str, rated: str = "TRUE") -> str:
    """The first (`min`) or latest (`max`) local week of a person's rows: an index lookup."""
    return f"""(SELECT {week_sql(f"{edge}({column})")}
        FROM {table} WHERE person_id = %(person)s AND {rated}
        AND {in_period(column, shown=False)})"""


CHECK_INS = WeeklyCheckIn._meta.db_table

# The series runs from the first week with any data (or the first week shown) to the current week,
# so empty weeks come back as rows of NULLs (gaps), never as zeros and never skipped.
WEEKLY_SQL = f"""
WITH session_weeks AS (
    SELECT {week_sql("started_at")} AS week,
           count(*) FILTER (
               WHERE finished_at IS NOT NULL AND stopped_early_reason = ''
           ) AS sessions_completed,
           avg(pain_before) AS pain_before, count(pain_before) AS pain_before_n,
           avg(pain_after) AS pain_after, count(pain_after) AS pain_after_n,
           avg(pain_before - pain_after) AS relief,
           count(pain_before - pain_after) AS relief_n,
           avg(arch_before) AS arch_before, count(arch_before) AS arch_before_n,
           avg(arch_after) AS arch_after, count(arch_after) AS arch_after_n
    FROM {SESSIONS}
    WHERE person_id = %(person)s
      AND {in_period("started_at")}
    GROUP BY 1
), journal_weeks AS (
    SELECT {week_sql("recorded_at")} AS week,
           avg(pain) AS journal_pain, count(*) AS journal_pain_n
    FROM {ENTRIES}
    WHERE person_id = %(person)s
      AND {in_period("recorded_at")}
    GROUP BY 1
), usual_weeks AS (
    SELECT {week_sql("at")} AS week, {MEAN} AS usual_pain, {COUNT} AS usual_pain_n
    FROM ({usual_pain.ratings(shown=True)}) AS ratings
    GROUP BY 1
), check_in_weeks AS (
    SELECT week_start AS week,
           (pain_average + enjoyment_interference + activity_interference) / 3.0 AS peg
    FROM {CHECK_INS}
    WHERE person_id = %(person)s AND {in_check_in_weeks()}
), bounds AS (
    SELECT CASE WHEN first_data.week IS NOT NULL
                THEN greatest(first_data.week, %(from_week)s::date) END AS first_week,
           least(
               {week_sql("%(now)s")},
               date_trunc('week', %(until)s::date)::date
           ) AS this_week
    FROM (
        SELECT least(
                   {_week("min", "started_at", SESSIONS)},
                   {_week("min", "recorded_at", ENTRIES)},
                   (SELECT min(week_start) FROM {CHECK_INS} WHERE person_id = %(person)s
                      AND {in_check_in_weeks(shown=False)})
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
       u.usual_pain, coalesce(u.usual_pain_n, 0) AS usual_pain_n,
       c.peg
FROM bounds
CROSS JOIN LATERAL generate_series(
    bounds.first_week, greatest(bounds.first_week, bounds.this_week), interval '1 week'
) AS w(week)
LEFT JOIN session_weeks s ON s.week = w.week
LEFT JOIN journal_weeks j ON j.week = w.week
LEFT JOIN usual_weeks u ON u.week = w.week
LEFT JOIN check_in_weeks c ON c.week = w.week
ORDER BY w.week
"""


def _usual_pain_of(week: str) -> str:
    """Usual pain of one local week and the count of ratings behind it."""
    within = (day_start_sql(week), day_end_sql(week, 7))
    return f"(SELECT {MEAN} AS mean, {COUNT} AS n FROM ({usual_pain.ratings(within=within)}) AS r)"


# The first and the latest week with a pain rating and their usual pain: index lookups, however
# long the history, so the baseline need not come from reading every week.
RATED_WEEKS_SQL = f"""
WITH edges AS (
    SELECT least({_week("min", "started_at", SESSIONS, SESSION_RATED)},
                 {_week("min", "recorded_at", ENTRIES)}) AS first_week,
           greatest({_week("max", "started_at", SESSIONS, SESSION_RATED)},
                    {_week("max", "recorded_at", ENTRIES)}) AS latest_week
)
SELECT edges.first_week, first.mean, first.n, edges.latest_week, latest.mean, latest.n
FROM edges
CROSS JOIN LATERAL {_usual_pain_of("edges.first_week")} AS first
CROSS JOIN LATERAL {_usual_pain_of("edges.latest_week")} AS latest
"""


# The first week with enough pain ratings, when it is not the first rated week: reads every rating.
BASELINE_SQL = f"""
SELECT week, mean, n FROM (
    SELECT {week_sql("at")} AS week, {MEAN} AS mean, {COUNT} AS n
    FROM ({usual_pain.ratings()}) AS ratings
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
    row, since a long history has hundreds of weeks."""

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


# The trend table shows this many recent weeks at first, as many as the default range; the earlier
# ones come on request (or in the weekly CSV), so a long history does not make every view of the
# page render and send a table of hundreds of rows under charts that already show every week.
TABLE_WEEKS = 12
WHOLE_TABLE = "whole"


def table(weeks: list[Week], asked: str | None) -> dict:
    """The trend table's context: its rows (the recent ones, or all when `asked` is "whole"), how
    many earlier weeks are left out, and the title of the mark on a mean from too few ratings."""
    whole = asked == WHOLE_TABLE or len(weeks) <= TABLE_WEEKS
    shown = weeks if whole else weeks[-TABLE_WEEKS:]
    return {
        "rows": table_rows(shown),
        "earlier_weeks": len(weeks) - len(shown),
        "uncertain_title": ngettext(
            "Uncertain: fewer than %(count)s rating",
            "Uncertain: fewer than %(count)s ratings",
            ENOUGH_RATINGS,
        )
        % {"count": ENOUGH_RATINGS},
    }


def partial_for(asked: str | None) -> str:
    """The part of the trend page an htmx request gets: the whole table when it asked for it,
    the body of the range it chose otherwise."""
    return "trend-table" if asked == WHOLE_TABLE else "trend-body"


# Where each mean and its count sit in a week's row.
MEAN_POSITIONS = [(Week._fields.index(value), Week._fields.index(count)) for value, count in MEANS]


def table_rows(weeks: list[Week]) -> list[dict]:
    """The trend table's rows as printed text, for its template: each week's date, sessions, PEG
    and means in column order, each mean with the number of ratings behind it and whether they
    are too few to trust. Dictionaries, since the template language reads a key at once where an
    attribute costs it a failed lookup first, and the table may have hundreds of rows."""
    separator = display.decimal_separator()
    return [
        {
            "week": display.day(week.week),
            "empty": week.is_empty,
            "sessions": str(week.sessions_completed),
            "peg": display.one_decimal(week.peg, separator),
            "means": [
                {
                    "shown": None
                    if week[value] is None
                    else display.one_decimal(week[value], separator),
                    "count": str(week[count]),
                    "uncertain": week[count] < ENOUGH_RATINGS,
                }
                for value, count in MEAN_POSITIONS
            ],
        }
        for week in weeks
    ]


def weekly(period: Period) -> list[Week]:
    """Every week of the period shown, from the first week with data to its last week, in one
    query; only the rows of the weeks shown are read."""
    with connection.cursor() as cursor:
        cursor.execute(WEEKLY_SQL, period.sql_params())
        return [Week(*row) for row in cursor.fetchall()]


def rated_weeks(period: Period) -> tuple[Week | None, Week | None]:
    """The baseline (the first week with enough pain ratings) and the latest week with any, with
    their usual pain, over the whole period: one indexed query, and a second only when the very
    first rated week holds too few ratings to be the baseline."""
    params = period.sql_params()
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
    # The difference of the two means as printed, which is what a sentence shows beside them.
    shown_points: Decimal = Decimal(0)
    # How many ratings each mean rests on.
    current_n: int = 0
    reference_n: int = 0

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
    shown = display.difference(current, reference)
    counts = {"current_n": current_n, "reference_n": reference_n}
    if min(current_n, reference_n) < ENOUGH_RATINGS:
        return Change(points=points, percent=percent, label=None, shown_points=shown, **counts)
    # From no pain at all any rise is a real rise, though no percentage can say how big.
    label = "worse" if reference == 0 and current > 0 else change_label(percent)
    return Change(points=points, percent=percent, label=label, shown_points=shown, **counts)


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


def summary_of(period: Period, shown: list[Week]) -> Summary:
    """The summary of the weeks shown, against the first and latest rated weeks of the whole
    period, which are looked up rather than read week by week."""
    first, latest = rated_weeks(period)
    return summarize(shown, first, latest)


def size_of(result: Change) -> str:
    """How big a change is: points (the difference of the means as printed), and the percent when
    the ratings allow a label."""
    shown = abs(result.shown_points)
    labelled = result.label is not None and result.percent is not None
    if not shown:
        if labelled:
            # Translators: the size of a change too small to print, "less than 0.1 points (0%)".
            return _("less than %(tenth)s points (%(percent)s)") % {
                "tenth": display.number(display.TENTH),
                "percent": display.percent(result.percent),
            }
        return _("less than %(tenth)s points") % {"tenth": display.number(display.TENTH)}
    if labelled:
        # Translators: the size of a change in points of pain, then in percent: "1.2 points (13%)".
        return _("%(points)s points (%(percent)s)") % {
            "points": display.one_decimal(shown),
            "percent": display.percent(result.percent),
        }
    # Translators: the size of a change in points of pain, e.g. "1.2 points".
    return _("%(points)s points") % {"points": display.one_decimal(shown)}


def ratings_of(result: Change) -> str:
    """How many ratings the two means rest on, the later first: "12 ratings against 4"."""
    # Translators: how many ratings two weekly means rest on, the later week's first.
    return ngettext(
        "%(current)s rating against %(reference)s",
        "%(current)s ratings against %(reference)s",
        result.current_n,
    ) % {"current": result.current_n, "reference": result.reference_n}


# Each label in words, alone (from enough ratings to be sure) and with how sure it is when the
# fewer of its two weeks' ratings number less than `SURE_RATINGS`.
LABEL_WORDS = {
    "substantial improvement": (
        gettext_lazy("a substantial improvement"),
        lambda n: ngettext(
            "a substantial improvement (only %(count)s rating: an early sign)",
            "a substantial improvement (only %(count)s ratings: an early sign)",
            n,
        ),
    ),
    "moderately important improvement": (
        gettext_lazy("a moderately important improvement"),
        lambda n: ngettext(
            "a moderately important improvement (only %(count)s rating: an early sign)",
            "a moderately important improvement (only %(count)s ratings: an early sign)",
            n,
        ),
    ),
    "no clear change": (
        gettext_lazy("no clear change"),
        lambda n: ngettext(
            "no clear change (only %(count)s rating: too few to be sure)",
            "no clear change (only %(count)s ratings: too few to be sure)",
            n,
        ),
    ),
    "worse": (
        # Translators: a change label: pain got worse.
        pgettext_lazy("change", "worse"),
        lambda n: ngettext(
            "worse (only %(count)s rating: an early sign)",
            "worse (only %(count)s ratings: an early sign)",
            n,
        ),
    ),
}


def verdict(result: Change) -> str:
    """The label in words, and how sure it is when a week has fewer than `SURE_RATINGS`."""
    if result.label is None:
        return ngettext(
            "too few ratings yet to say (fewer than %(count)s in a week)",
            "too few ratings yet to say (fewer than %(count)s in a week)",
            ENOUGH_RATINGS,
        ) % {"count": ENOUGH_RATINGS}
    fewest = min(result.current_n, result.reference_n)
    sure, early = LABEL_WORDS[result.label]
    return str(sure) if fewest >= SURE_RATINGS else early(fewest) % {"count": fewest}


def change_text(result: Change) -> str:
    """A change in one clause: "down 1.2 points (13%), 12 ratings against 4: no clear change"."""
    words = {"size": size_of(result), "ratings": ratings_of(result), "verdict": verdict(result)}
    if result.direction == "down":
        # Translators: usual pain went down; size, then how many ratings, then the verdict.
        return _("down %(size)s, %(ratings)s: %(verdict)s") % words
    if result.direction == "up":
        # Translators: usual pain went up; size, then how many ratings, then the verdict.
        return _("up %(size)s, %(ratings)s: %(verdict)s") % words
    return _("unchanged, %(ratings)s: %(verdict)s") % words


# The sentence comparing the latest rated week with the first, whole for each case: the person
# reads "your", the clinician "their"; the latest week is this week or a named one; the change is
# down, up or none. Placeholders: the week's name, the size, the ratings and the verdict.
COMPARED = {
    ("your", True, "down"): gettext_lazy(
        "Usual pain this week is down %(size)s from your first week, %(ratings)s: %(verdict)s."
    ),
    ("your", True, "up"): gettext_lazy(
        "Usual pain this week is up %(size)s from your first week, %(ratings)s: %(verdict)s."
    ),
    ("your", True, "unchanged"): gettext_lazy(
        "Usual pain this week is the same as in your first week, %(ratings)s: %(verdict)s."
    ),
    ("your", False, "down"): gettext_lazy(
        "Usual pain in the week of %(week)s is down %(size)s from your first week, %(ratings)s: "
        "%(verdict)s."
    ),
    ("your", False, "up"): gettext_lazy(
        "Usual pain in the week of %(week)s is up %(size)s from your first week, %(ratings)s: "
        "%(verdict)s."
    ),
    ("your", False, "unchanged"): gettext_lazy(
        "Usual pain in the week of %(week)s is the same as in your first week, %(ratings)s: "
        "%(verdict)s."
    ),
    ("their", True, "down"): gettext_lazy(
        "Usual pain this week is down %(size)s from their first week, %(ratings)s: %(verdict)s."
    ),
    ("their", True, "up"): gettext_lazy(
        "Usual pain this week is up %(size)s from their first week, %(ratings)s: %(verdict)s."
    ),
    ("their", True, "unchanged"): gettext_lazy(
        "Usual pain this week is the same as in their first week, %(ratings)s: %(verdict)s."
    ),
    ("their", False, "down"): gettext_lazy(
        "Usual pain in the week of %(week)s is down %(size)s from their first week, "
        "%(ratings)s: %(verdict)s."
    ),
    ("their", False, "up"): gettext_lazy(
        "Usual pain in the week of %(week)s is up %(size)s from their first week, %(ratings)s: "
        "%(verdict)s."
    ),
    ("their", False, "unchanged"): gettext_lazy(
        "Usual pain in the week of %(week)s is the same as in their first week, %(ratings)s: "
        "%(verdict)s."
    ),
}


def sentence(summary: Summary, this_week_start: date, whose: str = "your") -> str:
    """The one plain sentence at the top of the trends; a clinician reads "their" for "your", and
    no instruction meant for the person."""
    yours = whose == "your"
    if summary.baseline is None:
        if not yours:
            return ngettext(
                "No week holds %(count)s pain rating yet, so there is no first week to compare "
                "later weeks with.",
                "No week holds %(count)s pain ratings yet, so there is no first week to compare "
                "later weeks with.",
                ENOUGH_RATINGS,
            ) % {"count": ENOUGH_RATINGS}
        return ngettext(
            "Rate your pain in a session or the journal on a few days: once a week holds "
            "%(count)s rating, later weeks are compared with it.",
            "Rate your pain in a session or the journal on a few days: once a week holds "
            "%(count)s ratings, later weeks are compared with it.",
            ENOUGH_RATINGS,
        ) % {"count": ENOUGH_RATINGS}
    result = summary.against_baseline
    if result is None:
        if yours:
            return _(
                "This is your first week with enough ratings: later weeks are compared with it."
            )
        return _("This is their first week with enough ratings: later weeks are compared with it.")
    latest = summary.latest.week
    words = {
        "week": week_name(latest, this_week_start),
        "size": size_of(result),
        "ratings": ratings_of(result),
        "verdict": verdict(result),
    }
    key = ("your" if yours else "their", latest == this_week_start, result.direction)
    return COMPARED[key] % words


def week_name(week: date, this_week_start: date) -> str:
    """ "23 Nov", with the year when it is not this year's, in the page's language."""
    return display.day(week, with_year=week.year != this_week_start.year)
