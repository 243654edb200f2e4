"""The workspace's list: every patient who granted the practice access, one row each, computed in
one query whatever their history (the list's whole cost is that query and the page's own three:
session and person, second factor, membership).

Figures follow the rest of the app: usual pain (`journal.usual_pain`) in the patient's own ISO
weeks, the baseline as the first week with enough ratings, change labels decided on exact values
(`journal.trends.change`), the interval of this week against the baseline from the insights'
Welch difference (`journal.insights.difference`), which needs 5 ratings on each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _

from journal import display, insights, trends
from journal.clinic.models import DataRevision, Grant, Membership, Review
from journal.models import JournalEntry, WeeklyCheckIn
from journal.trial import analysis, design
from journal.trial.models import Status, TrialPlan, TrialRating
from sessions.models import ReleaseSession

# Worse against baseline by this much, on exact values (points or percent).
WORSE_POINTS = 2
WORSE_PERCENT = 30
QUIET_DAYS = 7
SEVERE = 9

FLAGS = {
    "worse": gettext_lazy("Worse than baseline"),
    "quiet": gettext_lazy("No rating for 7 days"),
    "severe": gettext_lazy("A rating of 9 or 10"),
    "trial": gettext_lazy("Trial result ready"),
}

# The trial column: a running plan's state, and a plan's result once it is over (finished, or
# stopped early), as the verdict of `journal.trial.analysis` in a few words.
TRIAL_STATES = {
    Status.RUNNING: pgettext_lazy("trial plan", "running"),
}
TRIAL_RESULTS = {
    (Status.FINISHED, analysis.HELPED): pgettext_lazy("trial plan", "finished: helped"),
    (Status.FINISHED, analysis.UNCLEAR): pgettext_lazy("trial plan", "finished: unclear"),
    (Status.FINISHED, analysis.NO_SIGN): pgettext_lazy("trial plan", "finished: no sign it helped"),
    (Status.FINISHED, analysis.NOT_ENOUGH): pgettext_lazy(
        "trial plan", "finished: not enough ratings to tell"
    ),
    (Status.STOPPED, analysis.HELPED): pgettext_lazy("trial plan", "stopped early: helped"),
    (Status.STOPPED, analysis.UNCLEAR): pgettext_lazy("trial plan", "stopped early: unclear"),
    (Status.STOPPED, analysis.NO_SIGN): pgettext_lazy(
        "trial plan", "stopped early: no sign it helped"
    ),
    (Status.STOPPED, analysis.NOT_ENOUGH): pgettext_lazy(
        "trial plan", "stopped early: not enough ratings to tell"
    ),
}

NOW = "%(now)s::timestamptz"
WEEK_AGO = f"({NOW} - interval '{QUIET_DAYS} days')"
SESSIONS = ReleaseSession._meta.db_table
ENTRIES = JournalEntry._meta.db_table


def _ratings(since: str, until: str) -> str:
    """The grant's patient's ratings at `since` up to `until` (instants): index range scans."""
    return f"""
        SELECT started_at AS at, pain_before AS pain, pain_after AS after, TRUE AS session
        FROM {SESSIONS}
        WHERE person_id = g.person_id AND started_at >= {since} AND started_at < {until}
        UNION ALL
        SELECT recorded_at, pain, NULL, FALSE FROM {ENTRIES}
        WHERE person_id = g.person_id AND recorded_at >= {since} AND recorded_at < {until}"""


def _first_rated_week(since: str) -> str:
    """The local week of the first pain rating at or after `since` within the grant's dates: two
    index lookups, however long the history."""
    first = f"""least(
        (SELECT min(started_at) FROM {SESSIONS} WHERE person_id = g.person_id
            AND pain_before IS NOT NULL AND started_at >= {since} AND started_at < g.until),
        (SELECT min(recorded_at) FROM {ENTRIES} WHERE person_id = g.person_id
            AND recorded_at >= {since} AND recorded_at < g.until))"""
    return f"date_trunc('week', {first} AT TIME ZONE g.time_zone)::date"


def _week_start(week: str) -> str:
    return f"greatest(g.since, {week}::timestamp AT TIME ZONE g.time_zone)"


def _week_end(week: str) -> str:
    return f"least(g.until, ({week} + 7)::timestamp AT TIME ZONE g.time_zone)"


def _pains_of(week: str) -> str:
    ratings = _ratings(_week_start(week), _week_end(week))
    return f"ARRAY(SELECT pain FROM ({ratings}) AS r WHERE pain IS NOT NULL)"


# Each patient's row costs index lookups only: the last seven days, the latest rating, and the
# baseline found by stepping from one rated week to the next until a week has enough ratings (the
# first weeks, as a rule; at worst one step a rated week, never a read of every rating).
ROWS_SQL = f"""
SET LOCAL jit = off;
WITH g AS (
    SELECT gr.id, gr.person_id, gr.shown_name, u.time_zone, gr.shows_from, gr.shows_until,
           date_trunc('week', {NOW} AT TIME ZONE u.time_zone)::date AS this_week,
           coalesce(gr.shows_from::timestamp AT TIME ZONE u.time_zone, '-infinity') AS since,
           coalesce((gr.shows_until + 1)::timestamp AT TIME ZONE u.time_zone, 'infinity')
             AS until
    FROM {Grant._meta.db_table} gr JOIN backrelease_user u ON u.id = gr.person_id
    WHERE gr.practice_id = %(practice)s AND gr.revoked_at IS NULL AND gr.expires_at > {NOW}
)
SELECT g.id, g.person_id, g.shown_name, g.this_week,
       last.at, last.rated_at, coalesce(recent.sessions_7d, 0),
       coalesce(recent.ratings_7d, 0), recent.highest_7d,
       recent.this_week_pains, baseline.week, baseline.pains,
       peg.week_start, peg.score,
       plan.status, plan.starts_on,
       review.reviewer_name, review.reviewed_at,
       review.revision IS NOT NULL AND review.revision = coalesce(rev.number, 0),
       ({NOW} AT TIME ZONE g.time_zone)::date, g.shows_until,
       plan.stopped_on, plan.pairs, plan.block_days, plan.baseline_week, plan.orders,
       plan.days, plan.pains
FROM g
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE session AND at > {WEEK_AGO}) AS sessions_7d,
           count(pain) FILTER (WHERE at > {WEEK_AGO})
             + count(after) FILTER (WHERE at > {WEEK_AGO}) AS ratings_7d,
           greatest(max(pain) FILTER (WHERE at > {WEEK_AGO}),
                    max(after) FILTER (WHERE at > {WEEK_AGO})) AS highest_7d,
           array_agg(pain) FILTER (
               WHERE pain IS NOT NULL
                 AND date_trunc('week', at AT TIME ZONE g.time_zone)::date = g.this_week
           ) AS this_week_pains
    FROM ({
    _ratings(
        f"greatest(g.since, least({WEEK_AGO}, {_week_start('g.this_week')}))",
        f"least(g.until, {NOW})",
    )
}) AS r
) AS recent
CROSS JOIN LATERAL (
    SELECT greatest(
             (SELECT max(started_at) FROM {SESSIONS} WHERE person_id = g.person_id
                AND started_at >= g.since AND started_at < g.until),
             (SELECT max(recorded_at) FROM {ENTRIES} WHERE person_id = g.person_id
                AND recorded_at >= g.since AND recorded_at < g.until)) AS at,
           greatest(
             (SELECT max(started_at) FROM {SESSIONS} WHERE person_id = g.person_id
                AND (pain_before IS NOT NULL OR pain_after IS NOT NULL)
                AND started_at >= g.since AND started_at < g.until),
             (SELECT max(recorded_at) FROM {ENTRIES} WHERE person_id = g.person_id
                AND recorded_at >= g.since AND recorded_at < g.until)) AS rated_at
) AS last
LEFT JOIN LATERAL (
    WITH RECURSIVE probe(week, pains) AS (
        SELECT first.week, {_pains_of("first.week")}
        FROM (SELECT {_first_rated_week("g.since")} AS week) AS first
        WHERE first.week IS NOT NULL
        UNION ALL
        SELECT next.week, {_pains_of("next.week")}
        FROM probe
        CROSS JOIN LATERAL (
            SELECT {_first_rated_week(_week_end("probe.week"))} AS week
        ) AS next
        WHERE cardinality(probe.pains) < {trends.ENOUGH_RATINGS} AND next.week IS NOT NULL
    )
    SELECT week, pains FROM probe
    WHERE cardinality(pains) >= {trends.ENOUGH_RATINGS}
    LIMIT 1
) AS baseline ON TRUE
LEFT JOIN LATERAL (
    SELECT week_start,
           (pain_average + enjoyment_interference + activity_interference)::numeric / 3 AS score
    FROM {WeeklyCheckIn._meta.db_table} c
    WHERE c.person_id = g.person_id
      AND (g.shows_from IS NULL OR c.week_start >= g.shows_from)
      AND (g.shows_until IS NULL OR c.week_start <= g.shows_until)
    ORDER BY week_start DESC LIMIT 1
) AS peg ON TRUE
LEFT JOIN LATERAL (
    SELECT p.status, p.starts_on, p.stopped_on, p.pairs, p.block_days, p.baseline_week,
           p.orders, over.days, over.pains
    FROM {TrialPlan._meta.db_table} p
    -- The ratings only of a plan whose days may be over (a running plan's last day is at least
    -- 2 x pairs x block days after its start): the result is worked out from them (`_verdict`).
    LEFT JOIN LATERAL (
        SELECT array_agg(day ORDER BY day) AS days, array_agg(usual_pain ORDER BY day) AS pains
        FROM {TrialRating._meta.db_table} r
        WHERE r.plan_id = p.id
    ) AS over ON p.status <> 'running'
        OR p.starts_on + 2 * p.pairs * p.block_days
           <= ({NOW} AT TIME ZONE g.time_zone)::date
    -- A whole plan or none of it, as a share link shows them (`trial.plans.shown_between`):
    -- the end of one within the dates is checked in `_trial`.
    WHERE p.person_id = g.person_id
      AND (g.shows_from IS NULL OR p.starts_on >= g.shows_from)
      AND (g.shows_until IS NULL OR p.starts_on <= g.shows_until)
    ORDER BY p.started_at DESC LIMIT 1
) AS plan ON TRUE
LEFT JOIN {Review._meta.db_table} review
    ON review.practice_id = %(practice)s AND review.person_id = g.person_id
-- Whether a Reviewed mark stands: any new data (a session, an entry, a check-in, a trial plan or
-- rating, written, corrected or deleted) bumps the patient's data revision, by triggers kept on
-- write (clinic migration 0005), and a mark stands only under the revision it was made at.
LEFT JOIN {DataRevision._meta.db_table} rev ON rev.person_id = g.person_id
ORDER BY g.shown_name, g.id
"""


@dataclass(frozen=True)
class Row:
    grant_id: int
    name: str
    last_activity: datetime | None
    sessions_7d: int
    ratings_7d: int
    this_week: trends.Change | None
    this_week_n: int
    this_week_mean: Decimal | None
    baseline_week: date | None
    baseline_mean: Decimal | None
    interval: insights.Difference | None
    peg_week: date | None
    peg: Decimal | None
    trial_status: str | None
    # The verdict (`journal.trial.analysis`: helped, unclear, ...) of a plan that is over.
    trial_verdict: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    flags: tuple[str, ...]

    @property
    def flag_labels(self) -> list[str]:
        return [FLAGS[flag] for flag in self.flags]

    @property
    def interval_text(self) -> str:
        return interval_text(self.interval)


def interval_text(found: insights.Difference | None) -> str:
    """This week against baseline by the insights' rules: an interval only from 5 ratings on each
    side, and never a zero-width one."""
    if found is None or (found.difference is None and found.means is None):
        return ""
    if found.difference is None:
        return _("every rating was the same within each week, so no interval")
    estimate = found.difference
    value, low, high = display.figures(estimate.value, estimate.low, estimate.high)
    if not estimate.has_width:
        # Translators: this week's usual pain minus the baseline's, e.g. "+0.9 points".
        return _("%(value)s points") % {"value": display.signed(value)}
    # Translators: e.g. "+0.9 points, 95% interval +0.1 to +1.7".
    return _("%(value)s points, 95%% interval %(low)s to %(high)s") % {
        "value": display.signed(value),
        "low": display.signed(low),
        "high": display.signed(high),
    }


def _mean(pains: tuple[int, ...]) -> Decimal | None:
    return Decimal(sum(pains)) / len(pains) if pains else None


def is_worse(change: trends.Change | None) -> bool:
    """Worse by 2 points or 30% against baseline, on exact values, only with enough ratings."""
    if change is None or change.label is None:
        return False
    percent = change.percent
    return change.points >= WORSE_POINTS or (percent is not None and percent >= WORSE_PERCENT)


def flags_of(
    change: trends.Change | None,
    last_rated_at: datetime | None,
    highest_7d: int | None,
    trial_status: str | None,
    now: datetime,
) -> tuple[str, ...]:
    found = []
    if is_worse(change):
        found.append("worse")
    if last_rated_at is None or (now - last_rated_at).days >= QUIET_DAYS:
        found.append("quiet")
    if highest_7d is not None and highest_7d >= SEVERE:
        found.append("severe")
    if trial_status == "finished":
        found.append("trial")
    return tuple(found)


# The columns of ROWS_SQL with this week's and the baseline week's pain ratings.
THIS_PAINS, BASELINE_PAINS = 9, 11


# Intervals worked out already, by the two weeks' ratings in the order the query gave them (the
# last bits follow it): a patient whose weeks have not changed since the list was last shown
# costs a lookup. Emptied whole when full.
_KNOWN_INTERVALS: dict[tuple[tuple[int, ...], tuple[int, ...]], insights.Difference] = {}
KNOWN_INTERVALS_AT_MOST = 20_000


def _intervals(fetched: list[tuple]) -> list[insights.Difference | None]:
    """This week against baseline for every patient rated in both; those not known already
    computed for all at once."""
    keys = [
        (tuple(values[THIS_PAINS]), tuple(values[BASELINE_PAINS]))
        if values[THIS_PAINS] and values[BASELINE_PAINS]
        else None
        for values in fetched
    ]
    known = {key: _KNOWN_INTERVALS.get(key) for key in keys if key}
    missing = [key for key, found in known.items() if found is None]
    if missing:
        computed = insights.differences(
            [(this, baseline, len(this) + len(baseline)) for this, baseline in missing]
        )
        known.update(zip(missing, computed, strict=True))
        if len(_KNOWN_INTERVALS) + len(missing) > KNOWN_INTERVALS_AT_MOST:
            _KNOWN_INTERVALS.clear()
        _KNOWN_INTERVALS.update(zip(missing, computed, strict=True))
    return [known[key] if key else None for key in keys]


@lru_cache(maxsize=20_000)
def _weeks(
    this_pains: tuple[int, ...], baseline_pains: tuple[int, ...]
) -> tuple[Decimal | None, Decimal | None, trends.Change | None]:
    """This week's mean and the baseline's, and the change between them: worked out once a
    process for each pair of weeks' ratings, as the interval is (`_intervals`)."""
    this_mean, baseline_mean = _mean(this_pains), _mean(baseline_pains)
    change = None
    if this_mean is not None and baseline_mean is not None:
        change = trends.change(this_mean, len(this_pains), baseline_mean, len(baseline_pains))
    return this_mean, baseline_mean, change


@lru_cache(maxsize=4096)
def _verdict(
    plan_design: design.Design,
    starts_on: date,
    orders: tuple[str, ...],
    end: date,
    ratings: tuple[tuple[date, int], ...],
) -> str:
    """The verdict of a plan that is over, as its page gives it (`trial.plans.outcome`): worked
    out once a process for each plan and its ratings, which are all of the key, so a rating
    written or corrected gives a new key. The session days count only for adherence, which the
    list does not show."""
    blocks = design.schedule(plan_design, starts_on, list(orders))
    return analysis.analyse(plan_design, blocks, dict(ratings), set(), end).verdict


def _trial(values: tuple) -> tuple[str | None, str | None]:
    """The latest plan's state, finished once its last day is over (as `trial.plans.latest`
    has it), and its verdict once it is over; no plan when it ends after the grant's dates."""
    (status, starts_on, today, shows_until, stopped_on, pairs, block_days, baseline_week, orders,
     days, pains) = values  # fmt: skip
    if status is None:
        return None, None
    plan_design = design.Design(pairs, block_days, baseline_week)
    blocks = design.schedule(plan_design, starts_on, list(orders))
    end = stopped_on or blocks[-1].last_day
    if shows_until is not None and min(today, end) > shows_until:
        return None, None
    if status == Status.RUNNING and end < today:
        status = Status.FINISHED
    if status == Status.RUNNING:
        return status, None
    ratings = tuple(zip(days or (), pains or (), strict=True))
    return status, _verdict(plan_design, starts_on, tuple(orders), min(today, end), ratings)


def _row(values: tuple, now: datetime, interval: insights.Difference | None) -> Row:
    (grant_id, _person, name, _week, last_at, last_rated_at, sessions_7d, ratings_7d, highest,
     this_pains, baseline_week, baseline_pains, peg_week, peg, _trial_status, trial_start,
     reviewer, reviewed_at, review_stands, today, shows_until, *plan) = values  # fmt: skip
    trial_status, trial_verdict = _trial((_trial_status, trial_start, today, shows_until, *plan))
    this_mean, baseline_mean, change = _weeks(tuple(this_pains or ()), tuple(baseline_pains or ()))
    return Row(
        grant_id=grant_id,
        name=name,
        last_activity=last_at,
        sessions_7d=sessions_7d,
        ratings_7d=ratings_7d,
        this_week=change,
        this_week_n=len(this_pains or []),
        this_week_mean=this_mean,
        baseline_week=baseline_week,
        baseline_mean=baseline_mean,
        interval=interval,
        peg_week=peg_week,
        peg=peg,
        trial_status=trial_status,
        trial_verdict=trial_verdict,
        reviewed_by=reviewer if review_stands else None,
        reviewed_at=reviewed_at if review_stands else None,
        flags=flags_of(change, last_rated_at, highest, trial_status, now),
    )


def rows(practice, flag: str | None = None, now: datetime | None = None) -> list[Row]:
    """One row a patient; only those carrying `flag` when it is one of FLAGS, flagged first."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, {"practice": practice.pk, "now": now})
        cursor.nextset()  # past the SET to the rows
        fetched = cursor.fetchall()
    found = [
        _row(values, now, interval)
        for values, interval in zip(fetched, _intervals(fetched), strict=True)
    ]
    if flag in FLAGS:
        found = [row for row in found if flag in row.flags]
    return sorted(found, key=lambda row: (not row.flags, row.name.casefold()))


class Wording:
    """Each row's words as the list shows them, in the active language and time zone
    (`journal/templatetags/workspace_tags.py` puts them in the table). The list's constant words
    and URLs are worked out once a page; each count, day and change once a process for each
    language, since they follow from the figures and the language alone: worked out in the
    template language, they were most of a long list's time (docs/benchmarks/bench-http.json,
    "clinic list"). Every text is escaped here as the template escaped it: a translated sentence's
    placeholders, never the sentence."""

    none = "–"

    def __init__(self) -> None:
        self.language = get_language()
        self.mark_reviewed = conditional_escape(_("Mark reviewed"))
        self.trial = {
            **{(state, None): conditional_escape(label) for state, label in TRIAL_STATES.items()},
            **{key: conditional_escape(label) for key, label in TRIAL_RESULTS.items()},
        }
        self.flags = {key: conditional_escape(label) for key, label in FLAGS.items()}
        self.patient_url = _url_of("clinic:patient")
        self.reviewed_url = _url_of("clinic:reviewed")

    def last_seven_days(self, row: Row) -> str:
        return _seven_days(self.language, row.sessions_7d, row.ratings_7d)

    def at(self, value: datetime, format_name: str) -> tuple[str, str]:
        """The local day (by `format_name`) and time ("H:i") of an instant, escaped."""
        local = timezone.localtime(value)
        return _day(self.language, local.date(), format_name), f"{local.hour:02}:{local.minute:02}"

    def last_activity(self, row: Row) -> str:
        if row.last_activity is None:
            return self.none
        day, time = self.at(row.last_activity, "DATE_FORMAT")
        return f"{day}, {time}"

    def change(self, row: Row) -> str:
        """This week against the baseline, as the list's fifth column says it."""
        if row.this_week is not None:
            return _change(
                self.language,
                row.this_week,
                row.this_week_mean,
                row.baseline_mean,
                row.baseline_week,
                row.interval,
            )
        if row.this_week_mean is not None:
            return _mean_alone(self.language, row.this_week_mean, row.this_week_n)
        return _no_rating(self.language)

    def peg(self, row: Row) -> tuple[str, str] | None:
        """The PEG score and its week, escaped, or None."""
        if row.peg is None:
            return None
        return _one_decimal(self.language, row.peg), _day(
            self.language, row.peg_week, "MONTH_DAY_FORMAT"
        )

    def trial_plan(self, row: Row) -> str:
        """The latest plan's state, or its result once it is over."""
        return self.trial.get((row.trial_status, row.trial_verdict), self.none)

    def reviewed(self, row: Row) -> str | None:
        if not row.reviewed_by:
            return None
        day, time = self.at(row.reviewed_at, "MONTH_DAY_FORMAT")
        return _("%(who)s, %(day)s, %(time)s") % {
            "who": conditional_escape(row.reviewed_by),
            "day": day,
            "time": time,
        }


# Reversed once a page with this in place of the primary key, which each row's own replaces.
_PK = 2_147_483_647


def _url_of(name: str):
    before, after = conditional_escape(reverse(name, args=[_PK])).split(str(_PK))
    return lambda pk: f"{before}{int(pk)}{after}"


# Each cache below is keyed by the language (its first argument), which its words are in.
@lru_cache(maxsize=4096)
def _day(language: str | None, day: date, format_name: str) -> str:
    return conditional_escape(date_format(day, format_name))


@lru_cache(maxsize=4096)
def _one_decimal(language: str | None, value: Decimal) -> str:
    return conditional_escape(display.one_decimal(value))


@lru_cache(maxsize=1024)
def _seven_days(language: str | None, sessions: int, ratings: int) -> str:
    return "{}, {}".format(
        ngettext("%(n)s session", "%(n)s sessions", sessions) % {"n": sessions},
        ngettext("%(n)s rating", "%(n)s ratings", ratings) % {"n": ratings},
    )


@lru_cache(maxsize=4)
def _no_rating(language: str | None) -> str:
    return conditional_escape(_("no rating this week"))


@lru_cache(maxsize=4096)
def _change(
    language: str | None,
    change: trends.Change,
    this_mean: Decimal,
    baseline_mean: Decimal,
    baseline_week: date,
    interval: insights.Difference | None,
) -> str:
    words = {
        "this": _one_decimal(language, this_mean),
        "baseline": _one_decimal(language, baseline_mean),
        "week": _day(language, baseline_week, "DATE_FORMAT"),
        "change": conditional_escape(trends.change_text(change)),
    }
    shown = interval_text(interval)
    if shown:
        # Translators: this week's usual pain against the baseline's, e.g. "5.2 against 4.3 (week
        # of 5 Oct 2026): worse by 0.9 points (21%), 6 ratings: …; +0.9 points, 95% interval
        # +0.1 to +1.7"
        return _("%(this)s against %(baseline)s (week of %(week)s): %(change)s; %(interval)s") % (
            words | {"interval": conditional_escape(shown)}
        )
    # Translators: this week's usual pain against the baseline's, e.g. "5.2 against 4.3 (week of
    # 5 Oct 2026): worse by 0.9 points (21%), 6 ratings: …"
    return _("%(this)s against %(baseline)s (week of %(week)s): %(change)s") % words


@lru_cache(maxsize=4096)
def _mean_alone(language: str | None, mean: Decimal, n: int) -> str:
    # Translators: this week's usual pain and its number of ratings, when no earlier week has 3
    # ratings
    return ngettext(
        "%(mean)s (%(n)s rating); no baseline yet: no week with 3 ratings",
        "%(mean)s (%(n)s ratings); no baseline yet: no week with 3 ratings",
        n,
    ) % {"mean": _one_decimal(language, mean), "n": n}


def mark_reviewed(membership: Membership, person) -> None:
    """Reviewed as of the patient's current data revision: new data clears it."""
    revision = DataRevision.objects.filter(person=person).values_list("number", flat=True)
    Review.objects.update_or_create(
        practice=membership.practice,
        person=person,
        defaults={
            "reviewer": membership.person,
            "reviewer_name": membership.person.name,
            "reviewed_at": timezone.now(),
            "revision": revision.first() or 0,
        },
    )
