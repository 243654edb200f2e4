"""The VTIMEZONE of a zone, written from the zone database (`zoneinfo`) as RFC 5545 asks.

Each onset's DTSTART is the local time just before the change, in the offset it changes from
(London's summer time starts at 01:00 GMT, written 01:00 with TZOFFSETFROM +0000). icalendar 7.3's
own `add_missing_timezones` writes summer-time onsets in the wall time after the change, an hour
late, so the feed writes its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

# Zones change their offset on whole quarter hours at the finest; a day is searched to the minute.
STEP = timedelta(days=1)


@dataclass(frozen=True)
class Onset:
    at: datetime  # the instant, in UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


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
            found.append(
                Onset(
                    at, _offset(zone, instant), local.utcoffset(), local.tzname(), bool(local.dst())
                )
            )
        instant = following
    return found


@lru_cache(maxsize=64)
def vtimezone(key: str, first: date, last: date) -> Timezone:
    zone = ZoneInfo(key)
    start = datetime.combine(first, time.min, UTC).astimezone(zone)
    component = Timezone()
    component.add("tzid", key)
    initial = TimezoneDaylight() if start.dst() else TimezoneStandard()
    initial.add("dtstart", start.replace(tzinfo=None))
    initial.add("tzoffsetfrom", start.utcoffset())
    initial.add("tzoffsetto", start.utcoffset())
    initial.add("tzname", start.tzname())
    component.add_component(initial)
    groups: dict[tuple, list[Onset]] = {}
    for onset in onsets(zone, first, last):
        kind = (onset.offset_from, onset.offset_to, onset.name, onset.daylight)
        groups.setdefault(kind, []).append(onset)
    for (offset_from, offset_to, name, daylight), group in groups.items():
        part = TimezoneDaylight() if daylight else TimezoneStandard()
        # The local time just before the change, in the offset it changes from.
        local = [(onset.at + offset_from).replace(tzinfo=None) for onset in group]
        part.add("dtstart", local[0])
        if local[1:]:
            part.add("rdate", local[1:])
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("tzname", name)
        component.add_component(part)
    return component
