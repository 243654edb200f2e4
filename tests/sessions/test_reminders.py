"""Reminders at /reminders/: the person's days and times, and the calendar feed that carries them
to the phone's own calendar, held to a share link's guarantees."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from backrelease.capability import budget, tokens
from journal.models import CheckInReminder
from sessions.reminders import calendar_feed as reminders
from sessions.reminders.forms import MAX_SESSION_REMINDERS
from sessions.reminders.models import CalendarFeed, SessionReminder
from tests.factories import (
    CalendarFeedFactory,
    CheckInReminderFactory,
    JournalEntryFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
)

pytestmark = pytest.mark.django_db
PAGE = reverse("reminders:page")
TOKEN = tokens.new_token()
FEED = f"/calendar/{TOKEN}.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def new_feed_url(response) -> str:
    return response.text.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]


def test_it_shows_the_page_in_the_persons_zone(person_client, person):
    page = person_client.get(PAGE)
    assert page.status_code == 200
    assert "<h1>Reminders</h1>" in page.text
    assert "Europe/London" in page.text
    assert "Get my calendar address" in page.text


def test_it_renders_each_section_as_its_own_partial(person_client, htmx_headers):
    added = person_client.post(PAGE, {"weekdays": ["1"], "at": "08:00"}, **htmx_headers)
    assert added.text.lstrip().startswith('<section id="session-reminders"')
    assert "<h1>" not in added.text
    check_in = person_client.post(
        reverse("reminders:check-in"),
        {"check_in-weekday": "6", "check_in-at": "19:00"},
        **htmx_headers,
    )
    assert check_in.text.lstrip().startswith('<section id="check-in-reminder"')
    feed = person_client.post(reverse("reminders:new-feed"), **htmx_headers)
    assert feed.text.lstrip().startswith('<section id="calendar-feed"')


def test_it_adds_a_session_reminder_and_says_so(person_client, person, htmx_headers):
    response = person_client.post(
        PAGE, {"weekdays": ["4", "0", "2", "0"], "at": "07:30"}, **htmx_headers
    )
    assert response.status_code == 200
    assert "Added: Monday, Wednesday, Friday at 07:30." in response.text
    reminder = SessionReminder.objects.get(person=person)
    assert (reminder.weekdays, reminder.at) == ([0, 2, 4], time(7, 30))


def test_it_allows_several_reminders_a_day(person_client, person):
    for at in ("07:30", "13:00", "21:15"):
        assert person_client.post(PAGE, {"weekdays": ["0"], "at": at}).status_code == 302
    assert SessionReminder.objects.of(person).count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"at": "07:30"}, "Pick at least one day."),
        ({"weekdays": ["7"], "at": "07:30"}, "Pick days of the week from the list."),
        ({"weekdays": ["x"], "at": "07:30"}, "Pick days of the week from the list."),
        ({"weekdays": ["0"], "at": ""}, "Pick a time."),
        ({"weekdays": ["0"], "at": "25:00"}, "Enter a time such as 07:30."),
        ({"weekdays": ["0"], "at": "07:30\x00"}, "Enter a time such as 07:30."),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(person_client, htmx_headers, data, message):
    response = person_client.post(PAGE, data, **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert not SessionReminder.objects.exists()


def test_it_refuses_a_second_reminder_at_the_same_time(person_client, person, htmx_headers):
    SessionReminderFactory(person=person, at=time(7, 30))
    response = person_client.post(PAGE, {"weekdays": ["5"], "at": "07:30"}, **htmx_headers)
    assert response.status_code == 422
    assert "You already have a reminder at that time" in response.text
    assert SessionReminder.objects.get().weekdays == [0, 2, 4]


def test_it_caps_the_number_of_reminders(person_client, person, htmx_headers):
    for hour in range(MAX_SESSION_REMINDERS):
        SessionReminderFactory(person=person, at=time(hour + 6))
    response = person_client.post(PAGE, {"weekdays": ["0"], "at": "23:00"}, **htmx_headers)
    assert response.status_code == 422
    assert "12 reminders is the most" in response.text
    assert SessionReminder.objects.count() == MAX_SESSION_REMINDERS


def test_the_database_refuses_days_outside_the_week(person):
    for days in ([], [7]):
        with pytest.raises(IntegrityError), transaction.atomic():
            SessionReminder.objects.create(person=person, weekdays=days, at=time(7))


def test_it_removes_a_reminder_and_says_which(person_client, person, htmx_headers):
    reminder = SessionReminderFactory(person=person, at=time(7, 30))
    response = person_client.post(reverse("reminders:remove", args=[reminder.pk]), **htmx_headers)
    assert "Deleted the 07:30 reminder." in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert not SessionReminder.objects.exists()


def test_it_never_removes_another_persons_reminder(person_client, other_person):
    theirs = SessionReminderFactory(person=other_person)
    response = person_client.post(reverse("reminders:remove", args=[theirs.pk]))
    assert response.status_code == 404
    assert SessionReminder.objects.filter(pk=theirs.pk).exists()


def test_it_sets_changes_and_turns_off_the_check_in_reminder(person_client, person, htmx_headers):
    url = reverse("reminders:check-in")
    first = person_client.post(
        url, {"check_in-weekday": "6", "check_in-at": "19:00"}, **htmx_headers
    )
    assert "Saved: Sundays at 19:00." in first.text
    person_client.post(url, {"check_in-weekday": "5", "check_in-at": "10:00"}, **htmx_headers)
    assert CheckInReminder.objects.values_list("weekday", "at").get() == (5, time(10))
    off = person_client.post(url, {"action": "remove"}, **htmx_headers)
    assert "Deleted the check-in reminder." in off.text
    assert ">Undo</button>" in off.text
    assert not CheckInReminder.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"check_in-weekday": "9", "check_in-at": "19:00"}, "Pick a day of the week"),
        ({"check_in-weekday": "6", "check_in-at": "nine"}, "Enter a time such as 07:30."),
    ],
)
def test_it_refuses_a_bad_check_in_reminder(person_client, htmx_headers, data, message):
    response = person_client.post(reverse("reminders:check-in"), data, **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert not CheckInReminder.objects.exists()


def test_it_shows_the_feed_address_once_and_stores_only_its_hash(person_client, person):
    response = person_client.post(reverse("reminders:new-feed"), HTTP_HX_REQUEST="true")
    url = new_feed_url(response)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits in urlsafe base64
    assert f'href="webcal://testserver/calendar/{token}.ics"' in response.text
    assert "<svg" in response.text  # the QR code
    assert response["Content-Encoding"] == "identity"
    assert CalendarFeed.objects.get(person=person).token_hash == tokens.hash_token(token)
    assert token not in str(CalendarFeed.objects.values().get())
    assert token not in person_client.get(PAGE).text
    assert Client().get(f"/calendar/{token}.ics").status_code == 200


def test_a_new_address_replaces_the_old_one(person_client, person):
    old = new_feed_url(person_client.post(reverse("reminders:new-feed")))
    new = new_feed_url(person_client.post(reverse("reminders:new-feed")))
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_a_withdrawn_address_stops_working(person_client, person, htmx_headers):
    CalendarFeedFactory(person=person, token=TOKEN)
    response = person_client.post(reverse("reminders:stop-feed"), **htmx_headers)
    assert (
        "Deleted your calendar address: calendars subscribed to it stop updating." in response.text
    )
    assert Client().get(FEED).status_code == 404


def test_the_feed_repeats_weekly_in_the_persons_zone_with_an_alarm(person):
    SessionReminderFactory(person=person, weekdays=[0, 2, 4], at=time(7, 30))
    CheckInReminderFactory(person=person, weekday=6, at=time(19))
    CalendarFeedFactory(person=person, token=TOKEN)
    feed = parse(Client().get(FEED))
    events = {str(event["SUMMARY"]): event for event in feed.events}
    assert set(events) == {"Back Release session", "Back Release check-in"}
    session = events["Back Release session"]
    assert session["DTSTART"].params["TZID"] == "Europe/London"
    assert session["RRULE"]["FREQ"] == ["WEEKLY"]
    assert session["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    assert session.start.time() == time(7, 30)
    assert session.start.weekday() in (0, 2, 4)
    assert str(session["URL"]) == "http://testserver/sessions/new/"
    assert events["Back Release check-in"]["RRULE"]["BYDAY"] == ["SU"]
    for event in events.values():
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["TRIGGER"].dt.total_seconds() == 0
    assert [zone["TZID"] for zone in feed.walk("VTIMEZONE")] == ["Europe/London"]


def test_the_feeds_reminders_keep_their_local_time_across_summer_time(person):
    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime(2027, 3, 20, 12, tzinfo=UTC)):
        SessionReminderFactory(person=person, weekdays=[0, 2, 4], at=time(7, 30))
        CalendarFeedFactory(person=person, token=TOKEN)
        (event,) = parse(Client().get(FEED)).events
    assert event.start == datetime(2027, 3, 22, 7, 30, tzinfo=london)
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.start)
    before, *_, after = rule.between(
        datetime(2027, 3, 26, tzinfo=london), datetime(2027, 3, 30, tzinfo=london)
    )
    # Friday before the clocks go forward, Monday after: 07:30 both, an hour apart in UTC.
    assert (before.date(), after.date()) == (date(2027, 3, 26), date(2027, 3, 29))
    assert before.time() == after.time() == time(7, 30)
    assert before.astimezone(UTC).hour == 7
    assert after.astimezone(UTC).hour == 6


def test_the_feed_follows_the_persons_zone(person):
    person.time_zone = "America/New_York"
    person.save()
    SessionReminderFactory(person=person)
    CalendarFeedFactory(person=person, token=TOKEN)
    (event,) = parse(Client().get(FEED)).events
    assert event["DTSTART"].params["TZID"] == "America/New_York"


def test_the_feed_shows_changes_at_once(person, person_client):
    CalendarFeedFactory(person=person, token=TOKEN)
    assert parse(Client().get(FEED)).events == []
    person_client.post(PAGE, {"weekdays": ["1"], "at": "06:45"})
    (event,) = parse(Client().get(FEED)).events
    assert event.start.time() == time(6, 45)


def test_the_feed_says_nothing_about_health(person):
    ReleaseSessionFactory(person=person, finished=True, note="numb left foot after")
    JournalEntryFactory(person=person, pain=9, note="awful night", tags=["flare"])
    person.display_name = "Ana"
    person.save()
    SessionReminderFactory(person=person)
    CheckInReminderFactory(person=person)
    CalendarFeedFactory(person=person, token=TOKEN)
    text = Client().get(FEED).text
    for private in ("numb", "awful", "flare", "Ana", person.username, "pain", "Pain"):
        assert private not in text
    assert {line.split(":", 1)[1] for line in text.splitlines() if line.startswith("SUMMARY")} == {
        "Back Release session",
        "Back Release check-in",
    }


def test_the_feed_is_private_and_sets_no_cookie(person):
    CalendarFeedFactory(person=person, token=TOKEN)
    for response in (Client().get(FEED), Client().head(FEED), Client().get("/calendar/wrong.ics")):
        assert response["Cache-Control"] == "no-store"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "no-referrer"
        assert not response.cookies
    assert "Disallow: /calendar/" in Client().get("/robots.txt").text


def test_the_page_says_when_a_calendar_last_fetched_the_feed(person, person_client):
    CalendarFeedFactory(person=person, token=TOKEN)
    assert "No calendar has fetched it yet." in person_client.get(PAGE).text
    Client().head(FEED)
    assert CalendarFeed.objects.get().last_fetched_at is None
    Client().get(FEED)
    assert "A calendar last fetched it" in person_client.get(PAGE).text


def test_it_limits_guessing_like_share_links_but_never_a_valid_feed(person):
    CalendarFeedFactory(person=person, token=TOKEN)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(budget.WRONG_TOKENS_PER_MINUTE):
        assert client.get(f"/calendar/wrong-{n}.ics").status_code == 404
    limited = client.get("/calendar/wrong-again.ics")
    assert limited.status_code == 429
    assert "Too many tries" in limited.text
    assert client.get(FEED).status_code == 200
    # One budget for every capability URL: share-link guesses count against it too.
    assert client.get("/shared/wrong/").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").get("/calendar/wrong.ics").status_code == 404


def test_it_writes_no_feed_token_into_the_logs(person, caplog):
    caplog.set_level(logging.INFO)
    CalendarFeedFactory(person=person, token=TOKEN)
    Client().get("/calendar/no-such-token-at-all.ics")
    Client().post(FEED)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/calendar/[token]" in logged
    assert TOKEN not in logged
    assert "no-such-token-at-all" not in logged


def test_the_first_event_falls_on_a_chosen_day():
    saturday = date(2026, 11, 28)
    assert reminders.first_on_or_after(saturday, [5]) == saturday
    assert reminders.first_on_or_after(saturday, [0, 2]) == date(2026, 11, 30)
    assert reminders.first_on_or_after(saturday, [4]) == date(2026, 12, 4)
