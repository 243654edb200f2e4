"""The reminders as a calendar feed a phone's calendar subscribes to.

The feed is a capability URL (`backrelease.capability`), and it says nothing about the person's
health: each event is
"Back Release session" or "Back Release check-in" and a link, so a calendar shared with family or
synced to a work account gives nothing away.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from backrelease.capability import tokens
from sessions.models import CalendarFeed, CheckInReminder, SessionReminder
from sessions.reminders import time_zones

SESSION_TITLE = "Back Release session"
CHECK_IN_TITLE = "Back Release check-in"
# Long enough to see in a day view; the alarm rings at the start.
EVENT_LENGTH = timedelta(minutes=15)
# Calendar apps poll at their own pace; this asks them to look at least hourly.
REFRESH_EVERY = timedelta(hours=1)
# The VTIMEZONE written with the events covers this many years from the earliest one.
ZONE_YEARS = 20
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def first_on_or_after(day: date, weekdays: Iterable[int]) -> date:
    """The first of the chosen weekdays on or after `day`: a recurrence's true first event."""
    return next(
        day + timedelta(days=n) for n in range(7) if (day + timedelta(days=n)).weekday() in weekdays
    )


def _event(uid: str, title: str, link: str, reminder, weekdays: list[int], zone: tzinfo) -> Event:
    """A weekly series from the day the reminder was set, at its local time in `zone`."""
    first = first_on_or_after(timezone.localtime(reminder.created_at, zone).date(), weekdays)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", reminder.updated_at)
    event.add("dtstart", datetime.combine(first, reminder.at, zone))
    event.add("duration", EVENT_LENGTH)
    event.add("rrule", {"freq": "weekly", "byday": [BYDAY[day] for day in sorted(weekdays)]})
    event.add("summary", title)
    event.add("url", link)
    event.add("description", link)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))
    alarm.add("description", title)
    event.add_component(alarm)
    return event


def calendar(
    zone: tzinfo,
    session_reminders: Iterable[SessionReminder],
    check_in_reminder: CheckInReminder | None,
    *,
    session_link: str,
    check_in_link: str,
    host: str,
) -> bytes:
    """The iCalendar feed: weekly recurring events in the person's zone (TZID), so a summer-time
    change keeps each reminder at its local time."""
    feed = Calendar()
    feed.add("prodid", "-//Back Release//Reminders//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", "Back Release")
    feed.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    for reminder in session_reminders:
        feed.add_component(
            _event(
                f"session-{reminder.pk}@{host}",
                SESSION_TITLE,
                session_link,
                reminder,
                reminder.weekdays,
                zone,
            )
        )
    if check_in_reminder is not None:
        feed.add_component(
            _event(
                f"check-in-{check_in_reminder.pk}@{host}",
                CHECK_IN_TITLE,
                check_in_link,
                check_in_reminder,
                [check_in_reminder.weekday],
                zone,
            )
        )
    if feed.events:
        earliest = min(event.start.date() for event in feed.events)
        first, last = earliest - timedelta(days=1), date(earliest.year + ZONE_YEARS, 1, 1)
        feed.add_component(time_zones.vtimezone(zone.key, first, last))
    return feed.to_ical()


def create_feed(person) -> str:
    """A new feed address for the person, replacing any earlier one; returns the token."""
    token = tokens.new_token()
    CalendarFeed.objects.update_or_create(
        person=person,
        defaults={
            "token_hash": tokens.hash_token(token),
            "created_at": timezone.now(),
            "last_fetched_at": None,
        },
    )
    return token


def find_feed(token: str) -> CalendarFeed | None:
    return tokens.find(CalendarFeed.objects.select_related("person"), token)


def record_fetch(feed: CalendarFeed) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
