"""What only a browser on the floor shows: stopping early, losing the network, a sleeping phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from sessions.models import ReleaseSession, Step
from tests.browser.conftest import PHONE, log_in
from tests.browser.test_offline_session import on_the_ball_since
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_stops_a_session_early_with_a_reason(live_server, page: Page, csp_violations):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=6, arch_before=3)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_text("Stop early").click()
    page.get_by_role("radio", name="Dizziness").check()
    page.get_by_role("button", name="Stop the session").click()
    expect(page.get_by_role("heading", name="Session stopped")).to_be_focused()
    expect(page.get_by_text("Stopped early: dizziness").first).to_be_visible()
    session.refresh_from_db()
    assert (session.step, session.stopped_early_reason) == (Step.DONE, "dizziness")
    assert csp_violations == []


def test_it_keeps_an_answer_given_offline_and_saves_it_once(
    live_server, page: Page, context: BrowserContext
):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("radio", name="6", exact=True).check()
    context.set_offline(True)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_contain_text("No connection")
    # On screen, by the button that was pressed.
    expect(page.get_by_role("alert")).to_be_in_viewport()
    session.refresh_from_db()
    assert session.pain_before is None
    context.set_offline(False)
    expect(page.get_by_role("heading", name="Breathe into your belly")).to_be_visible(timeout=15000)
    expect(page.get_by_role("alert")).to_be_hidden()
    session.refresh_from_db()
    assert (session.pain_before, session.step) == (6, Step.BREATHE)
    assert ReleaseSession.objects.filter(person=person).count() == 1


def test_it_ends_the_countdown_right_after_the_phone_sleeps(live_server, page: Page):
    person = UserFactory()
    started = timezone.now() - timedelta(seconds=30)
    session = ReleaseSessionFactory(
        person=person,
        step=Step.RELAX,
        started_at=started,
        step_started_at=started,
        pain_before=6,
        arch_before=3,
    )
    log_in(page, live_server.url, person.username)
    page.clock.install()
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    countdown = page.locator("[data-countdown-time]")
    expect(countdown).to_have_text(re.compile(r"^4:[23]\d$"))
    # Asleep for four minutes: no timers ran, then the page wakes and catches up at once.
    page.clock.pause_at(timezone.now() + timedelta(seconds=20))
    page.clock.fast_forward("04:00")
    page.clock.resume()
    expect(countdown).to_have_text(re.compile(r"^0:[0-1]\d$"))
    page.clock.fast_forward("00:30")
    expect(countdown).to_have_text("0:00")
    expect(page.locator("[data-countdown-status]")).to_have_text(re.compile("Five minutes are up"))


def test_the_end_of_the_countdown_is_told_in_24_hour_time_in_any_language(
    live_server, browser: Browser
):
    # An afternoon start tells 24-hour time from 12-hour; yesterday's if today's is still to come.
    started = timezone.now().replace(hour=13, minute=56, second=0)
    if started > timezone.now():
        started -= timedelta(days=1)
    session = on_the_ball_since(started)
    context = browser.new_context(**PHONE, locale="en-US", timezone_id="UTC")
    page = context.new_page()
    log_in(page, live_server.url, session.person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    # session.js has written its own "until" by the load event that goto waits for.
    expect(page.locator("[data-countdown-until]")).to_have_text("until 14:01")
    context.close()


@pytest.mark.parametrize(
    "viewport",
    [{"width": 320, "height": 640}, {"width": 360, "height": 740}, {"width": 740, "height": 360}],
    ids=["320px", "360px", "landscape"],
)
def test_it_fits_a_small_phone_and_landscape_without_sideways_scrolling(
    live_server, page: Page, viewport
):
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    page.set_viewport_size(viewport)
    for step in (Step.PAIN_BEFORE, Step.RELAX, Step.ROLL_OFF):
        session = ReleaseSessionFactory(person=person, step=step, pain_before=6, arch_before=3)
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        smallest = page.evaluate(
            """[...document.querySelectorAll('#step button, #step .rating-option > span')]
                 .map(e => e.getBoundingClientRect()).filter(r => r.width)
                 .reduce((m, r) => Math.min(m, r.width, r.height), 1e9)"""
        )
        assert smallest >= 48
        session.delete()
