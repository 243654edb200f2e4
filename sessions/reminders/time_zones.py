"""The VTIMEZONE of a zone, written from the zone database (`zoneinfo`) as RFC 5545 asks, and the
local times its changes skip or repeat.

Each change's DTSTART is the local time just before it, in the offset it changes from (London's
summer time starts at 01:00 GMT, written 01:00 with TZOFFSETFROM +0000). icalendar 7.3's own
`add_missing_timezones` writes summer-time onsets in the wall time after the change, an hour late,
so the feed writes its own.

Changes that follow a yearly rule ("the last Sunday of March at 01:00") are one sub-component with a
yearly RRULE, checked against zoneinfo for every year covered; any other change is a sub-component
of its own with one DTSTART. Never an RDATE list: Mozilla's ical.js (Thunderbird) reads only the
first date of a list, and skips the DTSTART beside it. The rules start in the year they began, as
in the zones calendar apps ship: vobject takes a zone that has UTC's offset all through 2000 to 2020
for UTC, and London has it when its summer time is first written in 2026.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

# Zones change their offset on whole quarter hours at the finest; a day is searched to the minute.
STEP = timedelta(days=1)
# How far back a rule is followed to the year it began: older changes never reach a reminder.
EARLIEST_YEAR = 1970
# RFC 5545's names of the weekdays, Monday first as in Python.
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Onset:
    at: datetime  # the instant, in UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str

    @property
    def daylight(self) -> bool:
        """A change that puts the clocks forward starts summer time, as in the zones calendar apps
        ship, where zoneinfo's Dublin has its winter as the daylight time (a negative save). ical.js
        picks the instant of a repeated hour by this flag, and after a change back flagged as
        daylight its pick shifts as it reads on, so an EXDATE misses the time it names."""
        return self.offset_to > self.offset_from

    @property
    def before(self) -> datetime:
        """The local time just before the change, in the offset it changes from (naive)."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def after(self) -> datetime:
        """The local time just after the change (naive)."""
        return (self.at + self.offset_to).replace(tzinfo=None)

    @property
    def rule(self) -> tuple:
        """What the changes of one yearly rule share: the offsets, the name, the month and time."""
        local = self.before
        return (self.offset_from, self.offset_to, self.name, local.month, local.time())

    @property
    def byday(self) -> frozenset[str]:
        """The two RRULE names of the change's day: the nth weekday of its month, and the nth from
        the month's end (the 4th Sunday can be the last)."""
        local = self.before
        weekday = BYDAY[local.weekday()]
        days_in_month = monthrange(local.year, local.month)[1]
        return frozenset(
            {
                f"{(local.day - 1) // 7 + 1}{weekday}",
                f"-{(days_in_month - local.day) // 7 + 1}{weekday}",
            }
        )


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset()


def _change_within(zone: ZoneInfo, start: datetime, end: datetime) -> datetime:
    """The first instant in (start, end] whose offset differs from start's, to the minute."""
    before = _offset(zone, start)
    while end - start > timedelta(minutes=1):
        middle = start + (end - start) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle <= start:
            middle = start + timedelta(minutes=1)
        if _offset(zone, middle) == before:
            start = middle
        else:
            end = middle
    return end


def onsets(zone: ZoneInfo, first: date, last: date) -> list[Onset]:
    """Every change of the zone's offset from `first` to `last`."""
    found = []
    instant = datetime.combine(first, time.min, UTC)
    end = datetime.combine(last, time.min, UTC)
    while instant < end:
        following = instant + STEP
        if _offset(zone, following) != _offset(zone, instant):
            at = _change_within(zone, instant, following)
            local = at.astimezone(zone)
            found.append(Onset(at, _offset(zone, instant), local.utcoffset(), local.tzname()))
        instant = following
    return found


def _of_years(zone: ZoneInfo, first_year: int, last_year: int) -> list[Onset]:
    return onsets(zone, date(first_year, 1, 1), date(last_year + 1, 1, 1))


def _same_rules(earlier: list[Onset], later: list[Onset]) -> bool:
    return len(earlier) == len(later) and all(
        a.rule == b.rule and a.byday & b.byday for a, b in zip(earlier, later, strict=True)
    )


def _year_the_rules_began(zone: ZoneInfo, year: int) -> int:
    """The first year whose changes follow the same yearly rules as `year`'s."""
    following = _of_years(zone, year, year)
    while following and year > EARLIEST_YEAR:
        earlier = _of_years(zone, year - 1, year - 1)
        if not _same_rules(earlier, following):
            break
        year, following = year - 1, earlier
    return year


def _yearly_runs(found: list[Onset]) -> list[tuple[list[Onset], frozenset[str]]]:
    """The changes in runs, one a year, that one yearly rule names, each with the BYDAY names that
    fit every change of it; a change no rule continues is a run of its own. Runs are traced from
    the latest change back, so the rules that go on without end are as long as they can be."""
    runs: list[tuple[list[Onset], frozenset[str]]] = []
    earliest: dict[tuple, int] = {}
    for onset in reversed(found):
        index = earliest.get(onset.rule)
        if index is not None:
            run, names = runs[index]
            if run[0].before.year - 1 == onset.before.year and names & onset.byday:
                runs[index] = ([onset, *run], names & onset.byday)
                continue
        earliest[onset.rule] = len(runs)
        runs.append(([onset], onset.byday))
    return sorted(runs, key=lambda run: run[0][0].at)


@lru_cache(maxsize=64)
def vtimezone(key: str, first_year: int, last_year: int) -> Timezone:
    """The zone from the year its present rules began (`first_year` at the latest) to the end of
    `last_year`; a rule that holds to then goes on without end, as the zone database's does."""
    zone = ZoneInfo(key)
    first_year = _year_the_rules_began(zone, first_year)
    start = datetime(first_year, 1, 1, tzinfo=UTC).astimezone(zone)
    component = Timezone()
    component.add("tzid", key)
    initial = TimezoneDaylight() if start.dst() > timedelta(0) else TimezoneStandard()
    initial.add("dtstart", start.replace(tzinfo=None))
    initial.add("tzoffsetfrom", start.utcoffset())
    initial.add("tzoffsetto", start.utcoffset())
    initial.add("tzname", start.tzname())
    component.add_component(initial)
    for run, names in _yearly_runs(_of_years(zone, first_year, last_year)):
        first, last = run[0], run[-1]
        part = TimezoneDaylight() if first.daylight else TimezoneStandard()
        part.add("dtstart", first.before)
        if len(run) > 1:
            rule = {"freq": "yearly", "bymonth": first.before.month, "byday": min(names)}
            if last.before.year < last_year:
                # A day after the last change, well before the next: dateutil reads UNTIL as local
                # time, hours off, so an UNTIL at the change itself would lose it east of Greenwich.
                rule["until"] = last.at + timedelta(days=1)
            part.add("rrule", rule)
        part.add("tzoffsetfrom", first.offset_from)
        part.add("tzoffsetto", first.offset_to)
        part.add("tzname", first.name)
        component.add_component(part)
    return component


@lru_cache(maxsize=64)
def skipped_or_repeated(
    key: str, first_year: int, last_year: int
) -> tuple[tuple[datetime, datetime], ...]:
    """The local times each change skips or repeats from `first_year` to the end of `last_year`, as
    naive [start, end): 01:00 to 02:00 on London's last Sundays of March and October."""
    return tuple(
        (min(onset.before, onset.after), max(onset.before, onset.after))
        for onset in _of_years(ZoneInfo(key), first_year, last_year)
    )
