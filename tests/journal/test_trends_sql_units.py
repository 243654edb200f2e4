"""The trends' SQL pieces (journal/trends.py) each on its own: the first rated week, one week's
usual pain, the baseline and latest week looked up. A database, but a person or two each; `make
mutation` runs these right after tests/journal/test_trends_units.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from backrelease.common.period import Period
from journal import trends
from journal.usual_pain import ENTRIES
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
THIS_MONDAY = date(2026, 11, 23)


def one_row(sql: str, params: dict) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def rated(person, pain: int, at: datetime, count: int = 1) -> None:
    for minutes in range(count):
        JournalEntryFactory(person=person, pain=pain, recorded_at=at + timedelta(minutes=minutes))


def test_the_first_week_of_a_persons_rows_is_read_over_the_whole_period_not_the_weeks_shown():
    person = UserFactory(time_zone="UTC")
    rated(person, 5, datetime(2026, 6, 3, 9, tzinfo=UTC))
    rated(person, 5, NOW)
    # Before the period's start: not counted.
    rated(person, 5, datetime(2026, 1, 7, 9, tzinfo=UTC))
    period = Period.of(person, since=date(2026, 3, 1), now=NOW).last_weeks(4)
    first = one_row(f"SELECT {trends._week('min', 'recorded_at', ENTRIES)}", period.sql_params())
    assert first == (date(2026, 6, 1),)
    latest = one_row(f"SELECT {trends._week('max', 'recorded_at', ENTRIES)}", period.sql_params())
    assert latest == (THIS_MONDAY,)


def test_the_first_week_of_a_persons_rows_is_a_local_week():
    person = UserFactory(time_zone="Pacific/Auckland")
    # Monday 00:30 in Auckland is still Sunday in UTC.
    rated(person, 5, datetime(2026, 11, 22, 11, 30, tzinfo=UTC))
    period = Period.of(person, now=NOW)
    found = one_row(f"SELECT {trends._week('min', 'recorded_at', ENTRIES)}", period.sql_params())
    assert found == (THIS_MONDAY,)


def test_one_weeks_usual_pain_takes_the_seven_local_days_of_that_week():
    person = UserFactory(time_zone="Europe/Berlin")
    # Berlin is UTC+1 in November: local Monday 00:10 is Sunday 23:10 UTC.
    rated(person, 2, datetime(2026, 11, 15, 23, 10, tzinfo=UTC))  # Mon 16 Nov 00:10
    rated(person, 6, datetime(2026, 11, 18, 12, 0, tzinfo=UTC))  # Wed 18 Nov
    rated(person, 7, datetime(2026, 11, 22, 22, 50, tzinfo=UTC))  # Sun 22 Nov 23:50
    rated(person, 9, datetime(2026, 11, 15, 22, 50, tzinfo=UTC))  # Sun 15 Nov 23:50, before
    rated(person, 9, datetime(2026, 11, 22, 23, 10, tzinfo=UTC))  # Mon 23 Nov 00:10, after
    params = Period.of(person, now=NOW).sql_params() | {"monday": date(2026, 11, 16)}
    mean, n = one_row(
        f"SELECT week.mean, week.n FROM {trends._usual_pain_of('%(monday)s::date')} AS week",
        params,
    )
    assert (mean, n) == (Decimal(5), 3)


def test_the_baseline_and_latest_week_in_one_query_when_the_first_week_has_3_ratings(
    django_assert_num_queries,
):
    person = UserFactory(time_zone="UTC")
    rated(person, 8, datetime(2026, 9, 1, 9, tzinfo=UTC), count=3)
    rated(person, 6, datetime(2026, 10, 6, 9, tzinfo=UTC), count=5)
    rated(person, 3, datetime(2026, 11, 3, 9, tzinfo=UTC), count=2)
    with django_assert_num_queries(1):
        baseline, latest = trends.rated_weeks(Period.of(person, now=NOW))
    assert baseline == trends._usual_pain_week(date(2026, 8, 31), Decimal(8), 3)
    assert latest == trends._usual_pain_week(date(2026, 11, 2), Decimal(3), 2)


def test_the_baseline_is_looked_for_further_when_the_first_rated_week_has_too_few(
    django_assert_num_queries,
):
    person = UserFactory(time_zone="UTC")
    rated(person, 9, datetime(2026, 9, 1, 9, tzinfo=UTC), count=2)
    ReleaseSessionFactory(
        person=person, pain_before=7, started_at=datetime(2026, 10, 6, 8, tzinfo=UTC)
    )
    rated(person, 6, datetime(2026, 10, 6, 9, tzinfo=UTC), count=3)
    rated(person, 4, datetime(2026, 11, 3, 9, tzinfo=UTC), count=4)
    with django_assert_num_queries(2):
        baseline, latest = trends.rated_weeks(Period.of(person, now=NOW))
    assert baseline == trends._usual_pain_week(date(2026, 10, 5), Decimal("6.25"), 4)
    assert latest == trends._usual_pain_week(date(2026, 11, 2), Decimal(4), 4)


def test_without_a_week_of_3_ratings_there_is_a_latest_week_and_no_baseline():
    person = UserFactory(time_zone="UTC")
    rated(person, 9, datetime(2026, 9, 1, 9, tzinfo=UTC), count=2)
    rated(person, 4, datetime(2026, 11, 3, 9, tzinfo=UTC), count=1)
    baseline, latest = trends.rated_weeks(Period.of(person, now=NOW))
    assert baseline is None
    assert latest == trends._usual_pain_week(date(2026, 11, 2), Decimal(4), 1)


def test_without_ratings_neither():
    assert trends.rated_weeks(Period.of(UserFactory(), now=NOW)) == (None, None)


def test_the_summary_of_the_weeks_shown_compares_with_weeks_before_them():
    person = UserFactory(time_zone="UTC")
    rated(person, 8, datetime(2026, 5, 5, 9, tzinfo=UTC), count=4)
    rated(person, 4, datetime(2026, 9, 8, 9, tzinfo=UTC), count=3)
    period = Period.of(person, now=NOW)
    # The last four weeks hold no rating: the latest rated week lies before them.
    shown = trends.weekly(period.last_weeks(4))
    summary = trends.summary_of(period, shown)
    assert summary.this_week.week == THIS_MONDAY
    assert summary.baseline.week == date(2026, 5, 4)
    assert summary.latest.week == date(2026, 9, 7)
    assert summary.against_baseline == trends.change(Decimal(4), 3, Decimal(8), 4)
