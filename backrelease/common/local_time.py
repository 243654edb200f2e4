"""The person's local days and ISO weeks: the one place that cuts time by the person's zone.

Times are stored in UTC. A local day runs from one local midnight to the next, so across a
summer-time change it lasts 23 or 25 hours; a week is the ISO week (Monday to Sunday) of local days.
SQL cuts them with `AT TIME ZONE %(zone)s`: a `timestamptz` read at a zone is its local wall time,
and a local `timestamp` read at a zone is the instant it names. Never by adding 24 hours to an
instant, and never by shifting times in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def day_sql(column: str) -> str:
    """The local date of an instant column."""
    return f"({column} AT TIME ZONE %(zone)s)::date"


def week_sql(column: str) -> str:
    """The Monday of the local ISO week of an instant column."""
    return f"date_trunc('week', {column} AT TIME ZONE %(zone)s)::date"


def hour_sql(column: str) -> str:
    """The local hour (0–23) of an instant column."""
    return f"extract(hour FROM {column} AT TIME ZONE %(zone)s)::int"


def iso_sql(column: str) -> str:
    """An instant column as Python's `isoformat()` writes it in the person's zone:
    2026-11-23T20:00:00+11:00, with microseconds only when there are any; NULL stays NULL."""
    local = f"({column} AT TIME ZONE %(zone)s)"
    offset = f"({local} - ({column} AT TIME ZONE 'UTC'))"
    return (
        f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {local})::bigint %% 1000000 <> 0"
        f" THEN to_char({local}, '.US') ELSE '' END"
        f" || CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END"
        f" || to_char(CASE WHEN {offset} < interval '0' THEN -{offset} ELSE {offset} END,"
        " 'HH24:MI'))"
    )


def day_start_sql(day: str) -> str:
    """The instant a local date (an SQL expression of type date) begins."""
    return f"({day}::timestamp AT TIME ZONE %(zone)s)"


def day_end_sql(day: str, days: int = 1) -> str:
    """The instant `days` local days after `day` begins: the end of that day (or week, with 7)."""
    return f"(({day} + {days})::timestamp AT TIME ZONE %(zone)s)"


def week_start(day: date) -> date:
    """The Monday of the ISO week that holds `day`."""
    return day - timedelta(days=day.weekday())


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of a local day (where midnight is skipped, the moment the day begins)."""
    return datetime.combine(day, time.min, zone)


def day_end(day: date, zone: tzinfo) -> datetime:
    """The first instant after a local day: the start of the next one."""
    return day_start(day + timedelta(days=1), zone)
