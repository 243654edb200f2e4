"""The calendar feed's VTIMEZONE, read back by an independent reader (vobject, on dateutil)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from django.test import Client

from sessions.reminders import time_zones
from tests.factories import CalendarFeedFactory, CheckInReminderFactory, SessionReminderFactory

pytestmark = pytest.mark.django_db
ZONES = ["Europe/London", "Australia/Sydney", "America/New_York", "Australia/Lord_Howe"]
TOKEN = "time-zone-feed-token"
SET_ON = datetime(2026, 11, 30, 12, tzinfo=UTC)


MINUTE = timedelta(minutes=1)


def body_of(calendar) -> str:
    return calendar.serialize()


def feed_of(person) -> vobject.base.Component:
    with time_machine.travel(SET_ON):
        SessionReminderFactory(person=person, weekdays=[0, 2, 4, 6], at=time(7, 30))
        CheckInReminderFactory(person=person, weekday=5, at=time(21, 15))
        CalendarFeedFactory(person=person, token=TOKEN)
        body = Client().get(f"/calendar/{TOKEN}.ics").text
    # A validating read: vobject checks each component's required and allowed properties.
    return vobject.readOne(body, validate=True)


def zoneinfo_onsets(zone: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """Every instant the zone changes its offset, found hour by hour: a route apart from the
    feed's own."""
    found, instant = [], first
    while instant < last:
        following = instant + timedelta(minutes=30)
        if following.astimezone(zone).utcoffset() != instant.astimezone(zone).utcoffset():
            found.append(following)
        instant = following
    return found


@pytest.mark.parametrize("key", ZONES)
def test_every_onset_and_reminder_falls_at_the_right_instant_for_two_years(person, key):
    person.time_zone = key
    person.save()
    zone = ZoneInfo(key)
    calendar = feed_of(person)
    (vtimezone,) = calendar.contents["vtimezone"]
    assert vtimezone.tzid.value == key
    read = vtimezone.gettzinfo()
    first, last = SET_ON, SET_ON + timedelta(days=731)
    onsets = zoneinfo_onsets(zone, first, last)
    assert len(onsets) >= 4
    also_read = icalendar.Calendar.from_ical(body_of(calendar)).walk("VTIMEZONE")[0].to_tz()
    for onset in onsets:
        # dateutil reads an instant in the repeated local half hour of Lord Howe Island's change
        # as after it; so it is asked just outside the repeated time, icalendar just inside.
        repeated = abs(
            onset.astimezone(zone).utcoffset() - (onset - MINUTE).astimezone(zone).utcoffset()
        )
        for instant in (onset - repeated - MINUTE, onset, onset + MINUTE):
            assert instant.astimezone(read).utcoffset() == instant.astimezone(zone).utcoffset()
        for instant in (onset - MINUTE, onset, onset + MINUTE):
            assert instant.astimezone(also_read).utcoffset() == instant.astimezone(zone).utcoffset()
    occurrences = 0
    for event in calendar.contents["vevent"]:
        for start in event.getrruleset(addRDate=True).between(first, last):
            # The wall time the event repeats at, converted through the feed's own VTIMEZONE.
            wall = start.replace(tzinfo=None)
            assert wall.replace(tzinfo=read).astimezone(UTC) == wall.replace(
                tzinfo=zone
            ).astimezone(UTC)
            assert wall.time() in (time(7, 30), time(21, 15))
            occurrences += 1
    assert occurrences > 4 * 104


def test_summer_time_starts_at_one_in_the_morning_gmt_in_london():
    (onset, *_) = [
        o for o in time_zones.onsets(ZoneInfo("Europe/London"), date(2027, 1, 1), date(2028, 1, 1))
    ]
    assert onset.at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    component = time_zones.vtimezone("Europe/London", date(2027, 1, 1), date(2028, 1, 1))
    text = component.to_ical().decode()
    assert "BEGIN:DAYLIGHT\r\nDTSTART:20270328T010000" in text
    assert "BEGIN:STANDARD\r\nDTSTART:20271031T020000" in text
