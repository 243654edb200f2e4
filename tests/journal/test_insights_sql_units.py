"""The insights' three queries (journal/insights.py `read`) on one small history, counted and split
at the settled weeks exactly; and `compute` over a period whatever weeks it shows. A database,
one person; `make mutation` runs these right after tests/journal/test_insights_units.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import time_machine

from backrelease.common.period import Period
from journal import insights
from journal.insights import SessionGroup
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db
# Wednesday 25 Nov 2026: the last four ISO weeks start on Monday 2 Nov, and the settled ratings
# end on Monday 28 Sep (`recent_from`).
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RECENT = date(2026, 9, 28)


def session(person, at: datetime, before: int, after: int, balls: str, knees: bool, skipped: bool):
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=at,
        pain_before=before,
        pain_after=after,
        ball_setup=balls,
        knees_lifted=knees,
        breathing_skipped=skipped,
    )


@pytest.fixture
def history():
    """Berlin: summer time (UTC+2) until Sunday 25 Oct 2026, UTC+1 after."""
    person = UserFactory(time_zone="Europe/Berlin")
    # Sunday 27 Sep 23:30 local: settled, in the evening.
    session(person, datetime(2026, 9, 27, 21, 30, tzinfo=UTC), 6, 6, "one", False, True)
    # Monday 28 Sep 00:30 local, the first moment after the settled ones, and 5 Oct 09:00.
    session(person, datetime(2026, 9, 27, 22, 30, tzinfo=UTC), 7, 4, "two", True, False)
    session(person, datetime(2026, 10, 5, 7, 0, tzinfo=UTC), 7, 4, "two", True, False)
    # Sunday 1 Nov 23:30 local, just before the last four weeks; Monday 2 Nov 09:00, in them.
    session(person, datetime(2026, 11, 1, 22, 30, tzinfo=UTC), 5, 5, "one", True, True)
    session(person, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), 8, 3, "two", False, False)
    for at, pain in [
        (datetime(2026, 9, 20, 10, 0, tzinfo=UTC), 4),  # Sunday 20 Sep, no session
        (datetime(2026, 9, 27, 10, 0, tzinfo=UTC), 3),  # Sunday 27 Sep, a session day
        (datetime(2026, 9, 27, 15, 0, tzinfo=UTC), 6),
        (datetime(2026, 9, 28, 6, 0, tzinfo=UTC), 6),  # Monday 28 Sep, a session day
        (datetime(2026, 10, 10, 10, 0, tzinfo=UTC), 2),
        (datetime(2026, 10, 11, 10, 0, tzinfo=UTC), 3),
    ]:
        JournalEntryFactory(person=person, pain=pain, recorded_at=at)
    return person


LATER = insights.Ratings(
    sessions={
        SessionGroup(7, 4, "two", True, False, True, False): 2,
        SessionGroup(5, 5, "one", True, True, False, False): 1,
        SessionGroup(8, 3, "two", False, False, True, True): 1,
    },
    days={(6.0, True): 1, (2.0, False): 1, (3.0, False): 1},
    day_ratings=3,
    weeks=(
        (date(2026, 9, 28), 6.5, 2),
        (date(2026, 10, 5), 4.0, 3),
        (date(2026, 10, 26), 5.0, 1),
        (date(2026, 11, 2), 8.0, 1),
    ),
)


def test_the_ratings_are_counted_and_split_at_the_settled_weeks(history):
    settled, later = insights.read(Period.of(history, now=NOW), RECENT)
    assert settled == insights.Ratings(
        sessions={SessionGroup(6, 6, "one", False, True, False, False): 1},
        days={(4.5, True): 1, (4.0, False): 1},
        day_ratings=3,
        weeks=((date(2026, 9, 14), 4.0, 1), (date(2026, 9, 21), 5.0, 3)),
    )
    assert later == LATER
    assert all(type(pain) is float for _, pain, _ in later.weeks)
    assert all(type(pain) is float for pain, _ in later.days)


def test_only_the_weeks_shown_are_read_when_a_period_shows_the_last_ones(history):
    period = replace(Period.of(history, now=NOW), shown_from=RECENT)
    assert insights.read(period, RECENT) == (insights.Ratings({}, {}, 0, ()), LATER)


@time_machine.travel(NOW, tick=False)
def test_the_answers_are_the_whole_periods_whatever_weeks_it_shows(history):
    period = Period.of(history, now=NOW)
    whole = insights.compute(period)
    assert insights.compute(period.last_weeks(4)) == whole
    assert whole.relief_all.sessions == 5
    assert whole.trend_all.weeks == 6
