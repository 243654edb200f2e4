"""The calendar feed as calendar apps read it: icalendar and vobject (both on dateutil) and
Mozilla's ical.js (Thunderbird's, through tests/sessions/expand_feed.mjs), each through the feed's
own VTIMEZONE, never a zone database of its own."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time, timedelta
from itertools import takewhile
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from dateutil.rrule import rrulestr
from django.test import Client

from sessions.reminders import time_zones
from tests.factories import CalendarFeedFactory, CheckInReminderFactory, SessionReminderFactory

pytestmark = pytest.mark.django_db
TOKEN = "time-zone-feed-token"
# A Monday; the two years after it hold two changes each way in every zone below.
SET_ON = datetime(2026, 11, 30, 12, tzinfo=UTC)
END = SET_ON + timedelta(days=731)
ZONES = [
    "Europe/London",  # 01:00 to 02:00 skipped in March, repeated in October
    "America/New_York",  # 02:00 to 03:00 skipped in March, 01:00 to 02:00 repeated in November
    "Australia/Sydney",  # 02:00 to 03:00 skipped in October, repeated in April
    "Australia/Lord_Howe",  # half an hour: 02:00 to 02:30 skipped, 01:30 to 02:00 repeated
    "Africa/Casablanca",  # changes around Ramadan, on no weekday rule
    "Europe/Dublin",  # zoneinfo has its winter as the daylight time (a negative save)
]
# In, at the edges of and beside every change above, and one far from all of them.
TIMES = [time(hour, minute) for hour in (0, 1, 2, 3) for minute in (0, 30)] + [
    time(1, 45),
    time(2, 15),
    time(7, 30),
]
EVERY_DAY = list(range(7))
SUNDAYS = [6]  # the day every zone above changes on
EXPAND_WITH_ICAL_JS = Path(__file__).with_name("expand_feed.mjs")
MINUTE = timedelta(minutes=1)


def feed_of(person, key: str, weekdays: list[int]) -> tuple[bytes, dict[str, tuple]]:
    """The feed of a person in `key` with a reminder at every one of TIMES on `weekdays` and a
    Sunday check-in; and each event's time and days by its UID."""
    person.time_zone = key
    person.save()
    with time_machine.travel(SET_ON):
        series = {
            f"session-{reminder.pk}@testserver": (reminder.at, weekdays)
            for reminder in (
                SessionReminderFactory(person=person, weekdays=weekdays, at=at) for at in TIMES
            )
        }
        check_in = CheckInReminderFactory(person=person, weekday=6, at=time(2, 30))
        series[f"check-in-{check_in.pk}@testserver"] = (check_in.at, [6])
        CalendarFeedFactory(person=person, token=TOKEN)
        body = Client().get(f"/calendar/{TOKEN}.ics").content
    return body, series


def local_times(at: time, weekdays: list[int], zone: ZoneInfo) -> list[datetime]:
    """Every instant of the series to END. zoneinfo's fold 0 is RFC 5545's reading: a repeated
    time is its first instant, a skipped one is read in the offset before the gap (later by it)."""
    found, day = [], SET_ON.astimezone(zone).date()
    while (local := datetime.combine(day, at, zone)) < END:
        if day.weekday() in weekdays:
            found.append(local.astimezone(UTC))
        day += timedelta(days=1)
    return found


def until_end(instants: Iterable[datetime]) -> Iterator[datetime]:
    return takewhile(lambda instant: instant < END, instants)


def read_with_icalendar(body: bytes) -> dict[str, list[datetime]]:
    """icalendar has no expansion of its own: dateutil repeats the wall time, and icalendar's
    reading of the VTIMEZONE places each one."""
    calendar = icalendar.Calendar.from_ical(body)
    (vtimezone,) = calendar.timezones
    # Without lookup_tzid=False icalendar takes a known TZID from the zone database instead.
    zone = vtimezone.to_tz(lookup_tzid=False)
    found = {}
    for event in calendar.events:
        (rule,) = event.rrules
        start = event.DTSTART.replace(tzinfo=None)
        excluded = {moved.replace(tzinfo=None) for moved in event.exdates}
        placed = (
            wall.replace(tzinfo=zone)
            for wall in rrulestr(rule.to_ical().decode(), dtstart=start)
            if wall not in excluded
        )
        instants = [*until_end(placed), *(instant for instant, _ in event.rdates if instant < END)]
        found[str(event.uid)] = sorted(instant.astimezone(UTC) for instant in instants)
    return found


def read_with_vobject(body: bytes, key: str) -> dict[str, list[datetime]]:
    # vobject keeps the first VTIMEZONE it reads for a TZID as long as the process runs: forgotten
    # here, so this feed's own is read.
    vobject.icalendar.registerTzid(key, None)
    # A validating read: vobject checks each component's required and allowed properties.
    calendar = vobject.readOne(body.decode(), validate=True)
    return {
        event.uid.value: [
            instant.astimezone(UTC) for instant in until_end(event.getrruleset(addRDate=True))
        ]
        for event in calendar.vevent_list
    }


def read_with_ical_js(body: bytes) -> dict[str, list[datetime]]:
    expanded = subprocess.run(
        ["node", EXPAND_WITH_ICAL_JS, END.isoformat()], input=body, capture_output=True
    )
    # No skip: `make test` installs node_modules with ical.js before it runs the tests.
    assert expanded.returncode == 0, expanded.stderr.decode()
    return {
        uid: [datetime.fromtimestamp(instant, UTC) for instant in instants]
        for uid, instants in json.loads(expanded.stdout).items()
    }


@pytest.mark.parametrize("weekdays", [EVERY_DAY, SUNDAYS], ids=["daily", "sundays"])
@pytest.mark.parametrize("key", ZONES)
def test_every_reader_puts_every_reminder_at_its_local_time_for_two_years(person, key, weekdays):
    body, series = feed_of(person, key, weekdays)
    zone = ZoneInfo(key)
    expected = {uid: local_times(at, days, zone) for uid, (at, days) in series.items()}
    readers = {
        "icalendar": read_with_icalendar(body),
        "vobject": read_with_vobject(body, key),
        "ical.js": read_with_ical_js(body),
    }
    for name, read in readers.items():
        assert read == expected, name
    skipped = repeated = 0
    for uid, (at, _) in series.items():
        for instant in expected[uid]:
            local = instant.astimezone(zone)
            if local.time() != at:
                skipped += 1
            elif local.replace(fold=1).astimezone(UTC) != instant:
                repeated += 1
    # Times the clocks skip and times they repeat are among them, in both years.
    assert skipped >= 4 and repeated >= 4


def zoneinfo_changes(zone: ZoneInfo) -> list[datetime]:
    """Every instant the zone changes its offset in the two years, found a quarter hour at a time:
    a route apart from the feed's own."""
    found, instant = [], SET_ON
    while instant < END:
        following = instant + timedelta(minutes=15)
        if following.astimezone(zone).utcoffset() != instant.astimezone(zone).utcoffset():
            found.append(following)
        instant = following
    return found


@pytest.mark.parametrize("key", ZONES)
def test_every_reader_gives_the_offset_around_every_change(key):
    zone = ZoneInfo(key)
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Back Release//Tests//EN")
    calendar.add_component(time_zones.vtimezone(key, SET_ON.year, SET_ON.year + 19))
    text = calendar.to_ical().decode()
    vobject.icalendar.registerTzid(key, None)
    readers = [
        icalendar.Calendar.from_ical(text).timezones[0].to_tz(lookup_tzid=False),
        vobject.readOne(text, validate=True).vtimezone.gettzinfo(),
    ]
    changes = zoneinfo_changes(zone)
    assert len(changes) >= 4
    for change in changes:
        for instant in (change - MINUTE, change, change + MINUTE):
            for read in readers:
                assert instant.astimezone(read).utcoffset() == instant.astimezone(zone).utcoffset()


def test_londons_zone_goes_on_as_two_yearly_rules_begun_before_2000():
    zone = time_zones.vtimezone("Europe/London", 2026, 2045)
    endless = [
        (part.name, part.DTSTART, part["RRULE"].to_ical().decode())
        for part in zone.subcomponents
        if "RRULE" in part and "UNTIL" not in part["RRULE"]
    ]
    # Summer time from the last Sunday of March at 01:00 GMT to the last of October at 02:00 BST;
    # written from before 2000, so vobject does not take the zone for UTC.
    assert [(name, start.time(), rule) for name, start, rule in endless] == [
        ("DAYLIGHT", time(1), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", time(2), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]
    assert all(start.year < 2000 for _, start, _ in endless)
    assert b"RDATE" not in zone.to_ical()


@pytest.mark.django_db
def test_a_reminder_set_long_ago_has_its_times_moved_for_years_ahead_of_today(person):
    """The zone and the skipped or repeated times reach as far ahead of today as of a new
    reminder's first day, however long ago the reminder was set."""
    person.time_zone = "Europe/London"
    person.save()
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC)):
        SessionReminderFactory(person=person, weekdays=[6], at=time(1, 30))
        CalendarFeedFactory(person=person, token=TOKEN)
    with time_machine.travel(datetime(2050, 1, 5, 12, tzinfo=UTC)):
        body = Client().get(f"/calendar/{TOKEN}.ics").content
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    moved = {when.dt.year for dates in event.get("EXDATE", []) for when in dates.dts}
    # 01:30 on the last Sunday of March is skipped every year in London, 2050 to 2069 included.
    assert set(range(2050, 2070)) <= moved
