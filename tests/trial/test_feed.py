"""The trial in the calendar feed: the evening rating each day of the plan at its local time, read
alike by icalendar, vobject and ical.js across a change of the clocks; each block's first day."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from dateutil.rrule import rrulestr
from django.test import Client

from journal.trial import design
from tests.factories import CalendarFeedFactory, SessionReminderFactory, TrialPlanFactory

pytestmark = pytest.mark.django_db
TOKEN = "trial-feed-token"
KEY = "Europe/London"
ZONE = ZoneInfo(KEY)
# A Monday; London's clocks skip from 01:00 to 02:00 on Sunday 28 March 2027.
START = date(2027, 3, 22)
EXPAND_WITH_ICAL_JS = Path(__file__).parents[1] / "sessions" / "expand_feed.mjs"
END = datetime(2028, 1, 1, tzinfo=UTC)


@pytest.fixture
def feed(person):
    person.time_zone = KEY
    person.save()
    with time_machine.travel(datetime(2027, 3, 22, 12, tzinfo=UTC), tick=False):
        plan = TrialPlanFactory(
            person=person,
            pairs=2,
            block_days=7,
            orders=["AB", "BA"],
            starts_on=START,
            rating_time=time(1, 30),
        )
        SessionReminderFactory(person=person)
        CalendarFeedFactory(person=person, token=TOKEN)
        body = Client().get(f"/calendar/{TOKEN}.ics").content
    return plan, body


def expected(plan) -> list[datetime]:
    """zoneinfo's reading, RFC 5545's: a skipped time is later by the gap."""
    return [
        datetime.combine(START + timedelta(days=n), plan.rating_time, ZONE).astimezone(UTC)
        for n in range(28)
    ]


def read_with_icalendar(body: bytes, uid: str) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(body)
    (vtimezone,) = calendar.timezones
    zone = vtimezone.to_tz(lookup_tzid=False)
    (event,) = [event for event in calendar.events if str(event.uid) == uid]
    (rule,) = event.rrules
    excluded = {moved.replace(tzinfo=None) for moved in event.exdates}
    walls = rrulestr(rule.to_ical().decode(), dtstart=event.DTSTART.replace(tzinfo=None))
    placed = [wall.replace(tzinfo=zone) for wall in walls if wall not in excluded]
    return sorted(instant.astimezone(UTC) for instant in [*placed, *(i for i, _ in event.rdates)])


def read_with_vobject(body: bytes, uid: str) -> list[datetime]:
    vobject.icalendar.registerTzid(KEY, None)
    calendar = vobject.readOne(body.decode(), validate=True)
    (event,) = [event for event in calendar.vevent_list if event.uid.value == uid]
    return sorted(instant.astimezone(UTC) for instant in event.getrruleset(addRDate=True))


def read_with_ical_js(body: bytes, uid: str) -> list[datetime]:
    expanded = subprocess.run(
        ["node", EXPAND_WITH_ICAL_JS, END.isoformat()], input=body, capture_output=True
    )
    assert expanded.returncode == 0, expanded.stderr.decode()
    return [datetime.fromtimestamp(i, UTC) for i in json.loads(expanded.stdout)[uid]]


def test_every_reader_puts_the_evening_rating_on_each_day_of_the_plan(feed):
    plan, body = feed
    uid = f"trial-{plan.pk}@testserver"
    wanted = expected(plan)
    # The skipped 01:30 of 28 March is among them, read in the offset before the gap.
    assert wanted[6].astimezone(ZONE).time() == time(2, 30)
    assert read_with_icalendar(body, uid) == wanted
    assert read_with_vobject(body, uid) == wanted
    assert read_with_ical_js(body, uid) == wanted


def test_each_block_starts_with_a_day_long_event_saying_what_it_asks(feed):
    plan, body = feed
    calendar = icalendar.Calendar.from_ical(body)
    starts = sorted(
        (event.DTSTART, str(event.get("summary")))
        for event in calendar.events
        if str(event.uid).startswith(f"trial-{plan.pk}-block-")
    )
    blocks = design.schedule(design.Design(2, 7), START, ["AB", "BA"])
    assert [day for day, _ in starts] == [block.first_day for block in blocks]
    assert [title for _, title in starts] == [
        "Block 1: no ball this week",
        "Block 2: the ball this week, on 4 days or more",
        "Block 3: the ball this week, on 4 days or more",
        "Block 4: no ball this week",
    ]
    assert b"/trial/" in body


def test_a_stopped_plan_leaves_the_feed(person, feed):
    plan, _ = feed
    with time_machine.travel(datetime(2027, 3, 24, 12, tzinfo=UTC), tick=False):
        client = Client()
        client.force_login(person)
        client.post("/trial/stop/")
        body = Client().get(f"/calendar/{TOKEN}.ics").content
    assert b"trial-" not in body
    assert b"Back Release session" in body
