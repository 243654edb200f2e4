"""The reminders as a calendar feed a phone's calendar subscribes to.

The feed is a capability URL (`backrelease.capability`), and it says nothing about the person's
health: each event is
"Back Release session" or "Back Release check-in" and a link, so a calendar shared with family or
synced to a work account gives nothing away. Its words are in the language active as it is
written (the view chooses the person's).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy
from icalendar import Alarm, Calendar, Event

from backrelease.capability import tokens
from journal.models import CheckInReminder
from journal.trial import plans
from journal.trial.models import TrialPlan
from sessions.reminders import time_zones
from sessions.reminders.models import CalendarFeed, SessionReminder

# Translators: the title of a reminder in the person's calendar.
SESSION_TITLE = gettext_lazy("Back Release session")
# Translators: the title of a reminder in the person's calendar.
CHECK_IN_TITLE = gettext_lazy("Back Release check-in")
# Translators: the title of a reminder in the person's calendar, for a trial plan's daily rating.
RATING_TITLE = gettext_lazy("Back Release evening rating")
EVERY_DAY = list(range(7))
# Long enough to see in a day view; the alarm rings at the start.
EVENT_LENGTH = timedelta(minutes=15)
# Calendar apps poll at their own pace; this asks them to look at least hourly.
REFRESH_EVERY = timedelta(hours=1)
# The VTIMEZONE written with the events covers this many years from the earliest one, and so do
# the times moved for a change of the clocks.
ZONE_YEARS = 20


def first_on_or_after(day: date, weekdays: Iterable[int]) -> date:
    """The first of the chosen weekdays on or after `day`: a recurrence's true first event."""
    return next(
        day + timedelta(days=n) for n in range(7) if (day + timedelta(days=n)).weekday() in weekdays
    )


def _first_day(reminder, weekdays: list[int], zone: ZoneInfo) -> date:
    """A series starts on the day the reminder was set, or the first chosen day after it."""
    return first_on_or_after(timezone.localtime(reminder.created_at, zone).date(), weekdays)


def _skipped_or_repeated(
    reminder, weekdays: list[int], first: date, zone: ZoneInfo, years: tuple[int, int]
) -> Iterator[datetime]:
    """The series' times that a change of the clocks skips or repeats, from its first day."""
    for start, end in time_zones.skipped_or_repeated(zone.key, *years):
        for day in sorted({start.date(), end.date()}):
            wall = datetime.combine(day, reminder.at)
            if start <= wall < end and day >= first and day.weekday() in weekdays:
                yield wall.replace(tzinfo=zone)


def _event(
    uid: str,
    title: str,
    link: str,
    reminder,
    weekdays: list[int],
    zone: ZoneInfo,
    years: tuple[int, int],
    days: tuple[date, date] | None = None,
) -> Event:
    """A weekly series from the day the reminder was set, at its local time in `zone`; or, with
    `days`, from the first of them to the last (a trial's evening rating)."""
    first = days[0] if days else _first_day(reminder, weekdays, zone)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", reminder.updated_at)
    event.add("dtstart", datetime.combine(first, reminder.at, zone))
    event.add("duration", EVENT_LENGTH)
    rule = {"freq": "weekly", "byday": [time_zones.BYDAY[day] for day in sorted(weekdays)]}
    if days:
        # COUNT rather than UNTIL: a count of local days needs no instant in UTC to end on.
        rule["count"] = sum(
            (first + timedelta(days=n)).weekday() in weekdays
            for n in range((days[1] - first).days + 1)
        )
    event.add("rrule", rule)
    # RFC 5545 puts a skipped time later by the gap and a repeated one at its first instant, as
    # zoneinfo does (fold 0); calendar apps differ (dateutil, under icalendar and vobject, puts a
    # skipped time before the gap, ical.js a repeated one at its second), so such a time leaves the
    # rule and comes back as its instant in UTC. One date a line: some readers take only the first
    # of a list.
    for wall in _skipped_or_repeated(reminder, weekdays, first, zone, years):
        if days and wall.date() > days[1]:
            continue
        event.add("exdate", wall)
        event.add("rdate", wall.astimezone(UTC))
    event.add("summary", str(title))
    event.add("url", link)
    event.add("description", link)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))
    alarm.add("description", str(title))
    event.add_component(alarm)
    return event


def _block_start(uid: str, title: str, link: str, day: date, stamp: datetime) -> Event:
    """A trial block's first day, as a day-long event: a date has no time zone to move it."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", str(title))
    event.add("url", link)
    event.add("description", link)
    return event


def calendar(
    zone: ZoneInfo,
    session_reminders: Iterable[SessionReminder],
    check_in_reminder: CheckInReminder | None,
    *,
    session_link: str,
    check_in_link: str,
    host: str,
    trial: TrialPlan | None = None,
    trial_link: str = "",
    rating_link: str = "",
) -> bytes:
    """The iCalendar feed: weekly recurring events in the person's zone (TZID), so a summer-time
    change keeps each reminder at its local time; while a trial plan runs, its evening rating each
    day of the plan and the first day of each block."""
    series = [
        (
            f"session-{reminder.pk}@{host}",
            SESSION_TITLE,
            session_link,
            reminder,
            reminder.weekdays,
            None,
        )
        for reminder in session_reminders
    ]
    if check_in_reminder is not None:
        series.append(
            (
                f"check-in-{check_in_reminder.pk}@{host}",
                CHECK_IN_TITLE,
                check_in_link,
                check_in_reminder,
                [check_in_reminder.weekday],
                None,
            )
        )
    blocks = plans.blocks_of(trial) if trial else []
    if trial:
        days = (trial.starts_on, plans.last_day(trial, blocks))
        series.append(
            (f"trial-{trial.pk}@{host}", RATING_TITLE, rating_link, trial, EVERY_DAY, days)
        )
    feed = Calendar()
    feed.add("prodid", "-//Back Release//Reminders//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", "Back Release")
    feed.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    if series:
        earliest = min(
            days[0] if days else _first_day(reminder, weekdays, zone)
            for *_, reminder, weekdays, days in series
        )
        # From the year before the earliest event, so the zone begins before it in every offset,
        # to as many years ahead of today, however long ago the earliest event was.
        this_year = timezone.localdate(timezone=zone).year
        years = (
            (earliest - timedelta(days=1)).year,
            max(earliest.year, this_year) + ZONE_YEARS - 1,
        )
        for uid, title, link, reminder, weekdays, days in series:
            feed.add_component(_event(uid, title, link, reminder, weekdays, zone, years, days))
        feed.add_component(time_zones.vtimezone(zone.key, *years))
    for block in blocks:
        title = plans.block_title(block, trial)
        uid = f"trial-{trial.pk}-block-{block.number}@{host}"
        feed.add_component(_block_start(uid, title, trial_link, block.first_day, trial.updated_at))
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
