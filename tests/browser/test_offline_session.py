"""On the floor without a signal: the countdown keeps time from facts, and the last answer given
offline is the one sent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from sessions.models import ReleaseSession, Step
from tests.browser.conftest import ANSWERS_BEFORE, brought_on_screen, log_in, wholly_on_screen
from tests.browser.test_offline import wait_until_kept
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = [{"width": 360, "height": 740}, {"width": 320, "height": 640}]


@pytest.fixture
def script_errors(page: Page) -> list[str]:
    """Uncaught errors and console errors of the page (a resource that cannot load offline is the
    browser's report, not an error of ours)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    return errors


def shown_seconds(page: Page) -> int:
    minutes, seconds = page.locator("[data-countdown-time]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def true_seconds_left(session: ReleaseSession) -> float:
    return (session.relax_ends_at - timezone.now()).total_seconds()


def assert_on_time(page: Page, session: ReleaseSession) -> None:
    # The first tick replaces the rendered figure at once; give it a moment.
    page.wait_for_timeout(300)
    assert abs(shown_seconds(page) - true_seconds_left(session)) <= 2


def on_the_ball_for(seconds: int) -> ReleaseSession:
    """A session whose relax countdown began `seconds` ago."""
    return on_the_ball_since(timezone.now() - timedelta(seconds=seconds))


def on_the_ball_since(started: datetime) -> ReleaseSession:
    """A session whose relax countdown began at `started`."""
    return ReleaseSessionFactory(
        person=UserFactory(),
        step=Step.RELAX,
        started_at=started,
        step_started_at=started,
        pain_before=6,
        arch_before=3,
        ball_setup="one",
    )


def open_kept(page: Page, live_server, session: ReleaseSession, text: str) -> None:
    log_in(page, live_server.url, session.person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    wait_until_kept(page, session.get_absolute_url(), text)


def test_an_offline_reload_keeps_the_countdown_on_time(
    live_server, page: Page, context: BrowserContext, script_errors
):
    session = on_the_ball_for(seconds=23)
    open_kept(page, live_server, session, "data-countdown")
    assert_on_time(page, session)
    # The kept copy grows older while the person lies on the ball.
    page.wait_for_timeout(6000)
    context.set_offline(True)
    page.reload()
    expect(page.locator("[data-countdown-time]")).to_have_text(re.compile(r"^4:\d\d$"))
    assert_on_time(page, session)
    context.set_offline(False)
    page.reload()
    assert_on_time(page, session)
    assert script_errors == []


def test_the_end_cue_comes_on_time_after_an_offline_reload(
    live_server, page: Page, context: BrowserContext, script_errors
):
    session = on_the_ball_for(seconds=290)
    open_kept(page, live_server, session, "data-countdown")
    page.wait_for_timeout(2000)
    context.set_offline(True)
    page.reload()
    status = page.locator("[data-countdown-status]")
    expect(status).to_have_text(re.compile("Five minutes are up"), timeout=12000)
    assert true_seconds_left(session) <= 1
    context.set_offline(False)
    assert script_errors == []


@pytest.mark.parametrize("size", SIZES, ids=["360x740", "320x640"])
def test_the_last_answer_given_offline_is_the_one_sent(
    live_server, page: Page, context: BrowserContext, script_errors, size
):
    page.set_viewport_size(size)
    session = ReleaseSessionFactory(person=UserFactory(), step=Step.PAIN_BEFORE)
    open_kept(page, live_server, session, "Pain now")
    page.get_by_role("radio", name="2", exact=True).check()
    context.set_offline(True)
    page.get_by_role("button", name="Next").click()
    note = page.locator("[data-offline-note]")
    expect(note).to_be_visible()
    # The note covers no control: not the button that moves on, not an option.
    note_box = note.bounding_box()
    for control in [page.get_by_role("button", name="Next"), page.get_by_role("radio").first]:
        box = control.bounding_box()
        overlaps = not (
            box["y"] >= note_box["y"] + note_box["height"]
            or box["y"] + box["height"] <= note_box["y"]
        )
        assert not overlaps
    page.get_by_role("radio", name="4", exact=True).check()
    page.reload()
    expect(page.get_by_role("radio", name=re.compile(r"^4\b"))).to_be_checked()
    expect(note).to_be_visible()
    context.set_offline(False)
    expect(page.get_by_role("heading", name="Breathe into your belly")).to_be_visible(timeout=15000)
    session.refresh_from_db()
    assert (session.pain_before, session.step) == (4, Step.BREATHE)
    assert ReleaseSession.objects.filter(person=session.person).count() == 1
    assert script_errors == []


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def test_stop_early_opens_on_screen(live_server, page: Page, size):
    """Its first reason, its pain scale and its button, whole and uncovered, with no scrolling by
    the person."""
    page.set_viewport_size(size)
    session = ReleaseSessionFactory(person=UserFactory(), step=Step.BREATHE, pain_before=5)
    log_in(page, live_server.url, session.person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_text("Stop early").click()
    stop = page.get_by_role("button", name="Stop the session")
    expect(stop).to_be_in_viewport()
    wholly_on_screen(page.locator(".stop-early label.choice").first)
    scale = page.locator(".stop-early .rating-option")
    for index in range(scale.count()):
        wholly_on_screen(scale.nth(index))
    wholly_on_screen(stop)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
@pytest.mark.parametrize(("step", "button"), [(Step.ROLL_OFF, "Save"), (Step.EXTRAS, "Finish")])
def test_the_offline_note_comes_by_the_button_and_pushes_no_choice_under_the_bar(
    live_server, page: Page, context: BrowserContext, size, step, button
):
    page.set_viewport_size(size)
    session = ReleaseSessionFactory(person=UserFactory(), step=step, **ANSWERS_BEFORE[step])
    log_in(page, live_server.url, session.person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    context.set_offline(True)
    page.get_by_role("button", name=button, exact=True).click()
    note = page.locator("[data-offline-note]")
    expect(note).to_contain_text("No connection")
    wholly_on_screen(note)
    wholly_on_screen(page.get_by_role("button", name=button, exact=True))
    if step == Step.ROLL_OFF:
        # Where the person changes the answer while it waits: every choice, as the page stands.
        options = page.locator("#step form > fieldset .rating-option")
        assert options.count() == 16
        for index in range(options.count()):
            wholly_on_screen(options.nth(index))
    else:
        controls = page.locator("#step form > fieldset .rating-option, #step textarea")
        assert controls.count() == 23
        for index in range(controls.count()):
            brought_on_screen(controls.nth(index))
    context.set_offline(False)
