"""A period of a person's history: what the trend page, the clinician's report, the weekly CSV and
the insights all take, so "the last four weeks" means the same thing in each of them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from backrelease.common import local_time


@dataclass(frozen=True)
class Period:
    """From `since` to `until` (local dates, both inclusive, either open) in the person's `zone`,
    as seen at `now`. `shown_from` narrows what is shown to the weeks from that Monday on (the
    range switch), while the period itself, and so its baseline, stays whole."""

    person: Any
    since: date | None = None
    until: date | None = None
    now: datetime = field(default_factory=timezone.now)
    shown_from: date | None = None

    @classmethod
    def of(
        cls,
        person,
        since: date | None = None,
        until: date | None = None,
        now: datetime | None = None,
    ) -> Period:
        return cls(person, since, until, now or timezone.now())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.person.time_zone)

    @property
    def today(self) -> date:
        return timezone.localtime(self.now, self.zone).date()

    @property
    def last_day(self) -> date:
        """The period's last day: its `until`, or today while it is still running."""
        return min(self.today, self.until) if self.until else self.today

    @property
    def starts_at(self) -> datetime | None:
        return local_time.day_start(self.since, self.zone) if self.since else None

    @property
    def ends_at(self) -> datetime | None:
        return local_time.day_end(self.until, self.zone) if self.until else None

    @property
    def end(self) -> datetime:
        """The instant the period's record ends: now, or the end of `until` if that came first."""
        return min(self.now, self.ends_at) if self.ends_at else self.now

    def last_weeks(self, weeks: int | None) -> Period:
        """The last `weeks` ISO weeks of the period, up to its last day (None: all of it)."""
        if not weeks:
            return self
        last_monday = local_time.week_start(self.last_day)
        return replace(self, shown_from=last_monday - timedelta(weeks=weeks - 1))

    def orm_bounds(self, field: str) -> dict[str, datetime]:
        """The ORM's filter for rows of `field` (an instant) inside the period, as `in_period`."""
        bounds = {}
        if self.starts_at:
            bounds[f"{field}__gte"] = self.starts_at
        if self.ends_at:
            bounds[f"{field}__lt"] = self.ends_at
        return bounds

    def sql_params(self) -> dict:
        """The named parameters every query of a period takes (see `in_period`)."""
        shown_at = local_time.day_start(self.shown_from, self.zone) if self.shown_from else None
        return {
            "person": self.person.pk,
            "zone": self.zone.key,
            "now": self.now,
            "since": self.since,
            "until": self.until,
            "from_week": self.shown_from,
            "since_at": self.starts_at,
            "from_at": max(filter(None, [self.starts_at, shown_at]), default=None),
            "until_at": self.ends_at,
        }


def in_period(column: str, *, shown: bool = True) -> str:
    """SQL: rows of `column` (an instant) inside the period, and inside its shown weeks unless
    `shown` is False.

    The bounds arrive as instants (`Period.sql_params`) and are compared with the column as stored,
    so PostgreSQL reads only those rows from the (person, time) index, however long the history.
    """
    start = "from_at" if shown else "since_at"
    return (
        f"(%({start})s::timestamptz IS NULL OR {column} >= %({start})s::timestamptz)"
        f" AND (%(until_at)s::timestamptz IS NULL OR {column} < %(until_at)s::timestamptz)"
    )


def in_check_in_weeks(column: str = "week_start", *, shown: bool = True) -> str:
    """SQL: weekly check-ins, by the Monday in `column`, whose week overlaps the period (a week
    that starts before `since` still counts when it runs into it), and lies inside its shown weeks
    unless `shown` is False."""
    clause = (
        f"(%(since)s::date IS NULL OR {column} >= date_trunc('week', %(since)s::date)::date)"
        f" AND (%(until)s::date IS NULL OR {column} <= %(until)s::date)"
    )
    if shown:
        clause += f" AND (%(from_week)s::date IS NULL OR {column} >= %(from_week)s::date)"
    return clause
