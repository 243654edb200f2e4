"""The weekly SQL: weeks in the person's zone, gaps, means and counts, and a fixed query count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from backrelease.common.period import Period
from journal import trends
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    WeeklyCheckInFactory,
    every,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def by_week(person, now=NOW) -> dict[date, trends.Week]:
    return {w.week: w for w in trends.weekly(Period.of(person, now=now))}


def test_it_puts_sunday_night_in_sydney_in_that_sundays_week():
    person = UserFactory(time_zone="Australia/Sydney")
    # Sunday 22 Nov 2026, 23:30 in Sydney (UTC+11) is 12:30 UTC on the same Sunday.
    ReleaseSessionFactory(
        person=person, finished=True, started_at=datetime(2026, 11, 22, 12, 30, tzinfo=UTC)
    )
    weeks = by_week(person)
    assert weeks[date(2026, 11, 16)].sessions_completed == 1
    assert weeks[date(2026, 11, 23)].sessions_completed == 0


def test_it_puts_monday_just_after_midnight_in_los_angeles_in_the_new_week():
    person = UserFactory(time_zone="America/Los_Angeles")
    # Monday 23 Nov, 00:30 in Los Angeles (UTC-8) is 08:30 UTC. Sunday 15 Nov, 23:30 there is
    # already Monday 16 Nov in UTC, yet belongs to the week of 9 Nov.
    JournalEntryFactory(
        person=person, pain=2, recorded_at=datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    )
    JournalEntryFactory(
        person=person, pain=8, recorded_at=datetime(2026, 11, 16, 7, 30, tzinfo=UTC)
    )
    weeks = by_week(person)
    assert weeks[date(2026, 11, 23)].journal_pain == 2
    assert weeks[date(2026, 11, 9)].journal_pain == 8
    assert weeks[date(2026, 11, 16)].journal_pain is None


def test_it_keeps_a_daylight_saving_week_whole():
    person = UserFactory(time_zone="Europe/London")
    # Clocks went back on Sunday 25 Oct 2026: Monday 19 Oct 00:10 BST and Sunday 25 Oct 23:50 GMT.
    JournalEntryFactory(
        person=person, pain=4, recorded_at=datetime(2026, 10, 18, 23, 10, tzinfo=UTC)
    )
    JournalEntryFactory(
        person=person, pain=6, recorded_at=datetime(2026, 10, 25, 23, 50, tzinfo=UTC)
    )
    JournalEntryFactory(
        person=person, pain=9, recorded_at=datetime(2026, 10, 26, 0, 10, tzinfo=UTC)
    )
    weeks = by_week(person)
    assert (weeks[date(2026, 10, 19)].journal_pain, weeks[date(2026, 10, 19)].journal_pain_n) == (
        5,
        2,
    )
    assert weeks[date(2026, 10, 26)].journal_pain == 9


def test_it_shows_weeks_without_data_as_gaps():
    person = UserFactory(time_zone="UTC")
    JournalEntryFactory(person=person, pain=6, recorded_at=datetime(2026, 11, 3, 9, tzinfo=UTC))
    JournalEntryFactory(person=person, pain=3, recorded_at=datetime(2026, 11, 24, 9, tzinfo=UTC))
    weeks = trends.weekly(Period.of(person, now=NOW))
    assert [w.week for w in weeks] == [date(2026, 11, 2) + timedelta(weeks=n) for n in range(4)]
    assert [w.journal_pain for w in weeks] == [6, None, None, 3]
    assert [w.usual_pain_n for w in weeks] == [1, 0, 0, 1]
    assert weeks[1].is_empty and weeks[2].is_empty


def test_it_runs_to_this_week_even_without_new_data():
    person = UserFactory(time_zone="UTC")
    JournalEntryFactory(person=person, recorded_at=datetime(2026, 11, 3, 9, tzinfo=UTC))
    assert trends.weekly(Period.of(person, now=NOW))[-1].week == date(2026, 11, 23)


def test_it_computes_every_weekly_mean_with_its_count():
    person = UserFactory(time_zone="UTC")
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=monday,
        pain_before=8,
        pain_after=4,
        arch_before=3,
        arch_after=1,
    )
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=monday + timedelta(days=1),
        pain_before=6,
        pain_after=5,
        arch_before=2,
        arch_after=2,
    )
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=monday + timedelta(days=2),
        pain_before=7,
        stopped_early_reason="dizziness",
        arch_after=None,
        pain_after=None,
    )
    JournalEntryFactory(person=person, pain=3, recorded_at=monday)
    WeeklyCheckInFactory(
        person=person,
        week_start=date(2026, 11, 23),
        pain_average=6,
        enjoyment_interference=5,
        activity_interference=1,
    )
    week = trends.weekly(Period.of(person, now=NOW))[-1]
    assert week.sessions_completed == 2
    assert (week.pain_before, week.pain_before_n) == (7, 3)
    assert (week.pain_after, week.pain_after_n) == (4.5, 2)
    assert (week.relief, week.relief_n) == (2.5, 2)
    assert (round(week.arch_before, 10), week.arch_after) == (Decimal("2.6666666667"), 1.5)
    assert (week.journal_pain, week.journal_pain_n) == (3, 1)
    assert (week.usual_pain, week.usual_pain_n) == (6, 4)
    assert week.peg == 4


def test_it_never_counts_another_persons_data():
    person, other = UserFactory(), UserFactory()
    JournalEntryFactory(person=person, pain=2, recorded_at=NOW)
    JournalEntryFactory(person=other, pain=9, recorded_at=NOW)
    ReleaseSessionFactory(person=other, finished=True, started_at=NOW)
    week = trends.weekly(Period.of(person, now=NOW))[-1]
    assert (week.journal_pain, week.usual_pain_n, week.sessions_completed) == (2, 1, 0)


def test_it_returns_nothing_for_a_person_without_data():
    assert trends.weekly(Period.of(UserFactory(), now=NOW)) == []


def test_it_uses_one_query_for_one_week_or_three_years(django_assert_num_queries):
    small, large = UserFactory(), UserFactory()
    JournalEntryFactory(person=small, recorded_at=NOW)
    start = NOW - timedelta(days=3 * 365)
    JournalEntryFactory.create_batch(
        3 * 365, person=large, recorded_at=every(start, timedelta(days=1), 3 * 365)
    )
    ReleaseSessionFactory.create_batch(
        3 * 365,
        person=large,
        finished=True,
        started_at=every(start + timedelta(hours=1), timedelta(days=1), 3 * 365),
    )
    with django_assert_num_queries(1):
        assert len(trends.weekly(Period.of(small, now=NOW))) == 1
    with django_assert_num_queries(1):
        assert len(trends.weekly(Period.of(large, now=NOW))) >= 156


def test_it_finds_the_same_baseline_from_a_window_as_from_every_week(person):
    person.time_zone = "Australia/Sydney"
    person.save()
    start = NOW - timedelta(weeks=30)
    JournalEntryFactory.create_batch(
        4, person=person, pain=8, recorded_at=every(start, timedelta(hours=7), 4)
    )
    ReleaseSessionFactory(person=person, finished=True, pain_before=9, started_at=start)
    JournalEntryFactory.create_batch(
        5, person=person, pain=3, recorded_at=every(NOW - timedelta(days=2), timedelta(hours=5), 5)
    )
    everything = trends.summarize(trends.weekly(Period.of(person, now=NOW)))
    window = trends.summary_of(
        Period.of(person, now=NOW), trends.weekly(Period.of(person, now=NOW).last_weeks(4))
    )
    assert window.baseline.week == everything.baseline.week
    assert window.baseline.usual_pain == everything.baseline.usual_pain == Decimal("8.2")
    assert window.against_baseline == everything.against_baseline
