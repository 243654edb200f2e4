"""Local days are cut at local midnight, 23 or 25 hours apart across summer-time changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from backrelease.common import local_time

LONDON = ZoneInfo("Europe/London")


def sql(expression: str, zone: str = "Europe/London", **params):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression}", {"zone": zone, **params})
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)]
)
def test_it_cuts_a_local_day_of_23_24_or_25_hours_in_sql(day, hours):
    start = sql(local_time.day_start_sql("%(day)s::date"), day=day)
    end = sql(local_time.day_end_sql("%(day)s::date"), day=day)
    assert end - start == timedelta(hours=hours)
    assert start == local_time.day_start(day, LONDON)
    assert end == local_time.day_end(day, LONDON)


@pytest.mark.django_db
def test_it_puts_an_instant_in_its_local_day_and_week():
    # London is on GMT until 01:00 on 29 March: 23:30 UTC the night before is still Saturday.
    saturday_night = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert sql(local_time.day_sql("%(at)s"), at=saturday_night) == date(2026, 3, 28)
    sydney_monday = datetime(2026, 3, 29, 14, 0, tzinfo=UTC)
    assert sql(local_time.day_sql("%(at)s"), "Australia/Sydney", at=sydney_monday) == date(
        2026, 3, 30
    )
    assert sql(local_time.week_sql("%(at)s"), "Australia/Sydney", at=sydney_monday) == date(
        2026, 3, 30
    )
    assert sql(local_time.week_sql("%(at)s"), at=sydney_monday) == date(2026, 3, 23)


def test_a_week_starts_on_monday():
    assert local_time.week_start(date(2026, 11, 29)) == date(2026, 11, 23)
    assert local_time.week_start(date(2026, 11, 30)) == date(2026, 11, 30)
