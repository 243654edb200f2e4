from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.db import connection

from backrelease.common.period import Period, in_check_in_weeks, in_period

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PERSON = SimpleNamespace(pk=7, time_zone="Europe/London")


def test_a_running_period_ends_now_and_its_last_weeks_end_this_week():
    period = Period.of(PERSON, now=NOW)
    assert (period.last_day, period.end) == (date(2026, 11, 30), NOW)
    assert period.last_weeks(4).shown_from == date(2026, 11, 9)
    assert period.last_weeks(None) == period


def test_a_past_period_ends_with_its_last_day():
    period = Period.of(PERSON, since=date(2026, 5, 1), until=date(2026, 6, 30), now=NOW)
    assert period.last_day == date(2026, 6, 30)
    # The end of 30 June in London (summer time): 23:00 UTC.
    assert period.end == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert period.last_weeks(4).shown_from == date(2026, 6, 8)
    params = period.last_weeks(4).sql_params()
    assert params["since_at"] == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)
    assert params["from_at"] == datetime(2026, 6, 7, 23, 0, tzinfo=UTC)
    assert (params["person"], params["zone"]) == (7, "Europe/London")


def test_the_weeks_shown_never_start_before_the_period():
    period = Period.of(PERSON, since=date(2026, 11, 20), now=NOW)
    params = period.last_weeks(12).sql_params()
    assert params["from_at"] == params["since_at"]


@pytest.mark.django_db
def test_a_check_in_counts_when_its_week_overlaps_the_period():
    # 1 May 2026 is a Friday: the check-in of the week from Monday 27 April runs into the period.
    period = Period.of(PERSON, since=date(2026, 5, 1), until=date(2026, 6, 30), now=NOW)
    mondays = [date(2026, 4, 20), date(2026, 4, 27), date(2026, 6, 29), date(2026, 7, 6)]
    sql = f"SELECT day FROM unnest(%(days)s::date[]) AS day WHERE {in_check_in_weeks('day')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, {**period.sql_params(), "days": mondays})
        inside = [day for (day,) in cursor.fetchall()]
    assert inside == [date(2026, 4, 27), date(2026, 6, 29)]


def inside(condition: str, period: Period, values: list) -> list:
    """The values (days or instants) that an SQL condition on `value` keeps for a period."""
    sql = f"SELECT value FROM unnest(%(values)s) AS value WHERE {condition} ORDER BY value"
    with connection.cursor() as cursor:
        cursor.execute(sql, {**period.sql_params(), "values": values})
        return [value for (value,) in cursor.fetchall()]


@pytest.mark.django_db
def test_a_row_counts_in_the_shown_weeks_or_in_the_whole_period():
    # The last two weeks of a period from 1 May: shown from Monday 22 June, London summer time.
    period = Period.of(PERSON, since=date(2026, 5, 1), until=date(2026, 6, 30), now=NOW)
    shown = period.last_weeks(2)
    may = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    before_monday = datetime(2026, 6, 21, 22, 59, tzinfo=UTC)
    monday = datetime(2026, 6, 21, 23, 0, tzinfo=UTC)
    july = datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    times = [may, before_monday, monday, july]
    assert inside(in_period("value"), shown, times) == [monday]
    assert inside(in_period("value", shown=False), shown, times) == [may, before_monday, monday]


@pytest.mark.django_db
def test_a_check_in_before_the_shown_weeks_counts_only_for_the_whole_period():
    period = Period.of(PERSON, since=date(2026, 5, 1), until=date(2026, 6, 30), now=NOW)
    shown = period.last_weeks(2)
    mondays = [date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22), date(2026, 6, 29)]
    assert inside(in_check_in_weeks("value"), shown, mondays) == mondays[2:]
    assert inside(in_check_in_weeks("value", shown=False), shown, mondays) == mondays


def test_the_orm_bounds_are_the_periods_instants():
    period = Period.of(PERSON, since=date(2026, 5, 1), until=date(2026, 6, 30), now=NOW)
    assert period.orm_bounds("at") == {
        "at__gte": datetime(2026, 4, 30, 23, 0, tzinfo=UTC),
        "at__lt": datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
    }
    assert Period.of(PERSON, now=NOW).orm_bounds("at") == {}
