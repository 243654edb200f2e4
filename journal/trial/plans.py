"""A person's trial plan: starting and stopping it, its schedule in their local days, the evening
rating, and its result, recomputed from the rows each time it is asked for.

The design and the statistics are pure (`design.py`, `analysis.py`); this module reads and writes
the rows they work on. Views call it and render.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backrelease.common import local_time
from backrelease.common.period import Period
from journal import display, usual_pain
from journal.trial import analysis, design
from journal.trial.models import Status, TrialPlan, TrialRating
from sessions.models import Instrument, RatingWording, ReleaseSession
from sessions.wording import shown

# A rating given this soon after a session may still carry its relief: it is marked.
AFTER_SESSION = timedelta(hours=3)
# A rating of how a day was, given the next morning at the latest: later, memory blurs it.
LATE_DAYS = 1


class Refused(Exception):
    """The plan or rating cannot be changed so; the message says why, in the person's words."""


class AlreadyRunning(Refused):
    pass


class NotRunning(Refused):
    pass


class OutsidePlan(Refused):
    pass


class AlreadyRated(Refused):
    pass


@dataclass(frozen=True)
class Choices:
    """What the person picks before a plan starts."""

    pairs: int
    block_days: int
    baseline_week: bool
    sessions_per_week: int
    rating_time: time

    @property
    def design(self) -> design.Design:
        return design.Design(
            pairs=self.pairs,
            block_days=self.block_days,
            baseline_week=self.baseline_week,
            sessions_per_week=self.sessions_per_week,
        )


def design_of(plan: TrialPlan) -> design.Design:
    return design.Design(plan.pairs, plan.block_days, plan.baseline_week, plan.sessions_per_week)


def blocks_of(plan: TrialPlan) -> list[design.Block]:
    """The fixed schedule: it follows from the stored start day and orders alone."""
    return design.schedule(design_of(plan), plan.starts_on, list(plan.orders))


def last_day(plan: TrialPlan, blocks: list[design.Block]) -> date:
    """The last day the plan counts: the schedule's, or the day it was stopped."""
    return plan.stopped_on or blocks[-1].last_day


def today_of(person, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), person.zone).date()


def _finish_ended(person, today: date) -> None:
    """A running plan whose last day is over becomes finished (kept, shown, no longer running)."""
    for plan in TrialPlan.objects.of(person).running():
        if last_day(plan, blocks_of(plan)) < today:
            TrialPlan.objects.filter(pk=plan.pk, status=Status.RUNNING).update(
                status=Status.FINISHED
            )


def running(person, today: date | None = None) -> TrialPlan | None:
    """The person's running plan, if any (one whose days are over is finished first)."""
    today = today or today_of(person)
    plan = TrialPlan.objects.of(person).running().first()
    if plan is None:
        return None
    if last_day(plan, blocks_of(plan)) < today:
        _finish_ended(person, today)
        return None
    return plan


def latest(person, today: date | None = None) -> TrialPlan | None:
    """The plan running now, or else the last one to have run: one query, and a write when it is
    the running plan and its days are over (it becomes finished). A person runs one plan at a time
    (`trial_one_running_plan`) and starts it today, after every earlier one, so a running plan is
    their latest."""
    plan = TrialPlan.objects.of(person).first()
    if plan is None:
        return None
    plan.person = person
    if plan.status == Status.RUNNING and last_day(plan, blocks_of(plan)) < (
        today or today_of(person)
    ):
        TrialPlan.objects.filter(pk=plan.pk, status=Status.RUNNING).update(status=Status.FINISHED)
        plan.status = Status.FINISHED
    return plan


def start(person, choices: Choices, submission_key: uuid.UUID | None = None, now=None) -> TrialPlan:
    """Draws each pair's order with `secrets`, fixes the start at today (the person's local day)
    and saves the plan. A plan running already refuses it; the same form sent twice starts one."""
    now = now or timezone.now()
    today = today_of(person, now)
    _finish_ended(person, today)
    try:
        with transaction.atomic():
            return TrialPlan.objects.create(
                person=person,
                pairs=choices.pairs,
                block_days=choices.block_days,
                baseline_week=choices.baseline_week,
                sessions_per_week=choices.sessions_per_week,
                rating_time=choices.rating_time,
                orders=design.draw_orders(choices.pairs),
                starts_on=today,
                started_at=now,
                submission_key=submission_key,
            )
    except IntegrityError as error:
        if submission_key is not None:
            sent_before = TrialPlan.objects.of(person).filter(submission_key=submission_key)
            if sent_before.exists():
                return sent_before.get()
        raise AlreadyRunning(
            _("You already have a trial plan running. Stop it first to start a new one.")
        ) from error


def stop(person, now: datetime | None = None) -> TrialPlan:
    """Stops the running plan early: it is kept, marked stopped, and counts up to today."""
    now = now or timezone.now()
    plan = running(person, today_of(person, now))
    stopped = (
        TrialPlan.objects.filter(pk=plan.pk, status=Status.RUNNING).update(
            status=Status.STOPPED,
            stopped_at=now,
            # A person who moved west since the start may be a day before it in their new zone.
            stopped_on=max(today_of(person, now), plan.starts_on),
        )
        if plan
        else 0
    )
    if not stopped:
        raise NotRunning(_("No trial plan is running, so there is nothing to stop."))
    plan.refresh_from_db()
    return plan


def ratable_days(plan: TrialPlan, today: date) -> list[date]:
    """The days a rating can be given for now: today and, the morning after, yesterday; only
    days of the plan, up to its last."""
    end = last_day(plan, blocks_of(plan))
    return [
        day
        for day in (today - timedelta(days=n) for n in range(LATE_DAYS + 1))
        if plan.starts_on <= day <= end
    ]


def came_after_session(person, now: datetime) -> bool:
    return (
        ReleaseSession.objects.of(person)
        .filter(finished_at__gt=now - AFTER_SESSION, finished_at__lte=now, relax_seconds__gt=0)
        .exists()
    )


def record(
    plan: TrialPlan,
    day: date,
    usual_pain: int,
    unusual: str = "",
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
    wording: RatingWording | None = None,
) -> TrialRating:
    """Saves a day's rating. A day outside the plan, or one rated already, is refused; the same
    form sent twice saves one."""
    now = now or timezone.now()
    person = plan.person
    if day not in ratable_days(plan, today_of(person, now)):
        raise OutsidePlan(
            _("Only today, or yesterday the morning after, can be rated, within your plan's days.")
        )
    try:
        with transaction.atomic():
            return TrialRating.objects.create(
                plan=plan,
                day=day,
                usual_pain=usual_pain,
                usual_pain_wording=wording or shown(Instrument.TRIAL_DAILY),
                unusual=unusual,
                after_session=came_after_session(person, now),
                recorded_at=now,
                submission_key=submission_key,
            )
    except IntegrityError as error:
        if submission_key is not None:
            sent_before = plan.ratings.filter(submission_key=submission_key)
            if sent_before.exists():
                return sent_before.get()
        raise AlreadyRated(
            _("That day already has a rating. Change it from the list below instead.")
        ) from error


def correct(
    rating: TrialRating,
    usual_pain: int,
    unusual: str,
    now=None,
    wording: RatingWording | None = None,
) -> TrialRating:
    """A rating changed afterwards: it says so (`corrected_at`); the result follows at once. A
    changed number records the wording its scale was shown in; an unchanged one keeps its own."""
    if usual_pain != rating.usual_pain:
        rating.usual_pain_wording = wording or shown(Instrument.TRIAL_DAILY)
    rating.usual_pain = usual_pain
    rating.unusual = unusual
    rating.corrected_at = now or timezone.now()
    rating.save(
        update_fields=[
            "usual_pain",
            "usual_pain_wording",
            "unusual",
            "corrected_at",
            "updated_at",
        ]
    )
    return rating


def block_on(blocks: list[design.Block], day: date) -> design.Block | None:
    return design.block_on(blocks, day)


def block_title(block: design.Block, plan: TrialPlan) -> str:
    """What a block asks, in a few words: the calendar's event, the strip, the start page."""
    two_weeks = plan.block_days == 14
    if block.arm == "baseline":
        return _("Baseline week: as usual, rate each evening")
    if block.arm == "A":
        if two_weeks:
            return _("Block %(number)s: no ball these two weeks") % {"number": block.number}
        return _("Block %(number)s: no ball this week") % {"number": block.number}
    values = {"number": block.number, "days": plan.sessions_per_week}
    if two_weeks:
        return (
            _("Block %(number)s: the ball these two weeks, on %(days)s days a week or more")
            % values
        )
    return _("Block %(number)s: the ball this week, on %(days)s days or more") % values


def block_label(block: design.Block) -> str:
    """A block in two words, for a table's row."""
    if block.arm == "baseline":
        return _("Baseline")
    if block.arm == "A":
        return _("%(number)s, no ball") % {"number": block.number}
    return _("%(number)s, ball") % {"number": block.number}


def daily_spread(person, now: datetime | None = None) -> tuple[float, bool]:
    """The person's day-to-day spread of usual pain (journal pain and pain before sessions, by
    local day: `design.daily_sd_of` reads the last half year of it), or the default when there is
    too little; and whether it came from their history."""
    today = Period.of(person, now=now).today
    since = today - timedelta(weeks=design.HISTORY_WEEKS + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {local_time.day_sql("at")}, pain
                FROM ({usual_pain.ratings()}) AS rated""",
            Period.of(person, since=since, now=now).sql_params(),
        )
        spread = design.daily_sd_of(cursor.fetchall())
    if spread is None:
        return design.DEFAULT_DAILY_SD, False
    return spread, True


@dataclass(frozen=True)
class Promise:
    """What a design can show for this person, said before it starts."""

    sentence: str
    # The shortest plan is the shortest of these blocks, and the page says so.
    block_days: int
    shortest: design.Design | None


def promise(person, choices: Choices, now: datetime | None = None) -> Promise:
    spread, from_history = daily_spread(person, now)
    return Promise(
        sentence=analysis.promise_sentence(choices.design, spread, from_history),
        block_days=choices.block_days,
        # Of the block length chosen: 7-day blocks are often shorter, but their washout is too short
        # for relief that takes a week to come and go, so they are not proposed over 14.
        shortest=design.shortest_design(spread, block_days=(choices.block_days,)),
    )


def session_days(person, first: date, last: date) -> set[date]:
    """The local days with time on the ball (a session that reached the ball), from `first` to
    `last`: what adherence counts in release blocks, and deviations in no-ball blocks."""
    zone = person.zone
    starts = ReleaseSession.objects.of(person).filter(
        relax_seconds__gt=0,
        started_at__gte=local_time.day_start(first, zone),
        started_at__lt=local_time.day_end(last, zone),
    )
    return {
        timezone.localtime(at, zone).date() for at in starts.values_list("started_at", flat=True)
    }


@dataclass(frozen=True)
class PairRow:
    pair: int
    # B − A, None when the pair is left out or not over.
    difference: float | None
    left_out: bool
    unfinished: bool


@dataclass(frozen=True)
class Outcome:
    """A plan with its schedule and its result, as the pages, the report and the exports show it."""

    plan: TrialPlan
    blocks: list[design.Block]
    result: analysis.Result
    # The plan's rating rows, in day order; None when they were not asked for (`outcome`).
    ratings: list[TrialRating] | None
    # Everything the result follows from, as a key: the plan as stored, each rating's day and
    # value, the days with a session, and the day it is computed for.
    facts: tuple = ()

    @property
    def design(self) -> design.Design:
        return design_of(self.plan)

    @property
    def last_day(self) -> date:
        return last_day(self.plan, self.blocks)

    @property
    def method_version(self) -> int:
        return analysis.METHOD_VERSION

    @property
    def verdict(self) -> str:
        return analysis.verdict_sentence(self.result)

    @property
    def interval(self) -> str:
        """The mean pair difference and its 95% interval, printed as the sentences print them."""
        result = self.result
        if result.low is None or result.high is None:
            return ""
        value, low, high = display.figures(result.estimate, result.low, result.high)
        return _("%(estimate)s points (95%% interval %(low)s to %(high)s)") % {
            "estimate": display.signed(value),
            "low": display.signed(low),
            "high": display.signed(high),
        }

    @property
    def p_value(self) -> str:
        return analysis.p_value_sentence(self.result)

    @property
    def chances(self) -> str:
        return analysis.chances_sentence(self.result)

    @property
    def sensitivity(self) -> str:
        return analysis.sensitivity_sentence(self.result)

    @property
    def adherence(self) -> str:
        return analysis.adherence_sentence(self.result)

    @property
    def washout(self) -> str:
        return analysis.washout_sentence(self.design)

    @property
    def pairs(self) -> list[PairRow]:
        result = self.result
        numbers = sorted({block.pair for block in self.blocks if block.pair is not None})
        usable = [
            pair
            for pair in numbers
            if pair not in result.pairs_left_out and pair not in result.pairs_unfinished
        ]
        differences = dict(zip(usable, result.differences, strict=True))
        return [
            PairRow(
                pair,
                differences.get(pair),
                pair in result.pairs_left_out,
                pair in result.pairs_unfinished,
            )
            for pair in numbers
        ]

    @property
    def block_rows(self) -> list[tuple[analysis.BlockResult, str]]:
        return [(found, block_title(found.block, self.plan)) for found in self.result.blocks]

    @property
    def table_rows(self) -> list[tuple[analysis.BlockResult, str]]:
        return [(found, block_label(found.block)) for found in self.result.blocks]


def outcome(plan: TrialPlan, today: date | None = None, *, rows: bool = True) -> Outcome:
    """The result, from the rows as they stand: two queries, whatever the plan's length. Without
    `rows` (a page that shows the result alone), only each rating's day and value are read, not
    the rating rows the exports list."""
    today = today or today_of(plan.person)
    blocks = blocks_of(plan)
    end = last_day(plan, blocks)
    ordered = plan.ratings.order_by("day")
    ratings = list(ordered) if rows else None
    values = (
        {rating.day: rating.usual_pain for rating in ratings}
        if ratings is not None
        else dict(ordered.values_list("day", "usual_pain"))
    )
    days = session_days(plan.person, plan.starts_on, end)
    result = analysis.analyse(design_of(plan), blocks, values, days, min(today, end))
    facts = (
        plan.pk,
        design_of(plan),
        plan.starts_on,
        tuple(plan.orders),
        plan.status,
        plan.stopped_on,
        tuple(values.items()),
        frozenset(days),
        min(today, end),
    )
    return Outcome(plan, blocks, result, ratings, facts)


def shown_between(
    person, since: date | None, until: date | None, now: datetime | None = None
) -> list[Outcome]:
    """The plans whose days so far lie within a share link's dates, with their results: the
    clinician sees a whole plan or none of it."""
    today = today_of(person, now)
    found = []
    for plan in TrialPlan.objects.of(person).order_by("starts_on", "pk"):
        plan.person = person
        end = min(today, last_day(plan, blocks_of(plan)))
        if (since is None or plan.starts_on >= since) and (until is None or end <= until):
            found.append(outcome(plan, today))
    return found
