"""On a phone: choose reminder times, get the calendar address, and subscribe to it."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_sets_reminders_and_subscribes_on_a_phone(live_server, page: Page, csp_violations):
    person = UserFactory(time_zone="Europe/Paris")
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/reminders/")
    expect(page.locator("main").get_by_text("Europe/Paris")).to_be_visible()

    days = page.locator("#session-reminders fieldset")
    for day in ("Tuesday", "Thursday", "Saturday", "Sunday"):
        days.get_by_label(day, exact=True).uncheck()
    page.locator("#session-reminders").get_by_label("Time").fill("07:30")
    page.get_by_role("button", name="Add the reminder").click()
    saved = page.get_by_role("status").filter(has_text="Added: Monday, Wednesday, Friday at 07:30.")
    expect(saved).to_be_visible()
    expect(saved).to_be_in_viewport()

    page.locator("#check-in-reminder").get_by_label("Time").fill("19:00")
    page.get_by_role("button", name="Add the check-in reminder").click()
    expect(page.get_by_text("Saved: Sundays at 19:00.")).to_be_in_viewport()

    page.get_by_role("button", name="Get my calendar address").click()
    subscribe = page.get_by_role("link", name="Subscribe on this phone")
    expect(subscribe).to_be_visible()
    webcal = subscribe.get_attribute("href")
    https = page.locator("#feed-url").input_value()
    assert webcal.startswith("webcal://") and webcal.split("://")[1] == https.split("://")[1]
    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= 360

    feed = page.request.get(https)
    assert feed.status == 200
    events = Calendar.from_ical(feed.body()).events
    assert sorted(str(event["SUMMARY"]) for event in events) == [
        "Back Release check-in",
        "Back Release session",
    ]
    assert {event["DTSTART"].params["TZID"] for event in events} == {"Europe/Paris"}
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert csp_violations == []
