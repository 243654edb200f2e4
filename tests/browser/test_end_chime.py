"""The end of the five minutes is heard, or the person is told: a browser sounds a page's audio only
after a tap, so a page that opens on the countdown with none (a reload, a kept copy offline) offers
one large button to allow the chime."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sessions.models import Step
from tests.browser.conftest import log_in, wholly_on_screen
from tests.browser.test_offline_session import on_the_ball_for, open_kept
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Counts the tones that sound: an oscillator started in a running audio context. A context the
# page made without a tap stays suspended, and its tones are silent. Records each vibration.
COUNT_TONES = """
window.__tones = 0;
window.__vibrations = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  if (this.context.state === "running") window.__tones += 1;
  return start.apply(this, args);
};
Navigator.prototype.vibrate = (pattern) => window.__vibrations.push(pattern) > 0;
"""
OFFER = "Tap to hear the end chime"


def reopened_on_the_ball(page: Page, live_server, context: BrowserContext, how: str) -> None:
    """The relax step, 30 seconds in, opened again with no tap in the page, on the page clock."""
    session = on_the_ball_for(seconds=30)
    page.add_init_script(COUNT_TONES)
    page.clock.install()
    if how == "offline reload":
        open_kept(page, live_server, session, "data-countdown")
        context.set_offline(True)
    else:
        log_in(page, live_server.url, session.person.username)
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.reload()


def run_to_the_end(page: Page) -> None:
    page.clock.fast_forward("05:00")
    expect(page.locator("[data-countdown-status]")).to_have_text(re.compile("Five minutes are up"))


@pytest.mark.parametrize(
    ("how", "size"),
    [("reload", {"width": 360, "height": 740}), ("offline reload", {"width": 320, "height": 640})],
    ids=["reload-360x740", "offline-reload-320x640"],
)
def test_a_reopened_countdown_offers_the_chime_and_sounds_it_after_a_tap(
    live_server, page: Page, context: BrowserContext, how, size
):
    page.set_viewport_size(size)
    reopened_on_the_ball(page, live_server, context, how)
    offer = page.get_by_role("button", name=OFFER)
    expect(offer).to_be_visible()
    wholly_on_screen(offer)
    wholly_on_screen(page.get_by_role("button", name="I'm done, roll off"))
    offer.tap()
    expect(offer).to_be_hidden()
    expect(page.locator("[data-countdown-status]")).to_have_text("The chime will sound at the end.")
    run_to_the_end(page)
    assert page.evaluate("window.__tones") == 3
    assert page.evaluate("window.__vibrations.length") == 1
    context.set_offline(False)


def test_without_a_tap_the_end_still_vibrates_and_says_the_time_is_up(
    live_server, page: Page, context: BrowserContext
):
    reopened_on_the_ball(page, live_server, context, "reload")
    expect(page.get_by_role("button", name=OFFER)).to_be_visible()
    run_to_the_end(page)
    # (Its tones are not counted: Playwright's own calls into the page count as taps, and Chromium
    # then starts a waiting context at its first tone.)
    assert page.evaluate("window.__vibrations.length") == 1
    # The chime can no longer be of use: the offer goes with the time.
    expect(page.get_by_role("button", name=OFFER)).to_be_hidden()


def test_resuming_from_home_sounds_the_chime(live_server, page: Page):
    """The tap on "Resume the session" allows the next page its audio, as in Chromium: no offer
    is needed, and the chime sounds."""
    session = on_the_ball_for(seconds=30)
    log_in(page, live_server.url, session.person.username)
    page.add_init_script(COUNT_TONES)
    page.clock.install()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Resume the session").click()
    expect(page.get_by_role("heading", name="Relax into the ball")).to_be_visible()
    expect(page.get_by_role("button", name=OFFER)).to_be_hidden()
    run_to_the_end(page)
    assert page.evaluate("window.__tones") == 3


def test_the_tap_that_starts_the_five_minutes_allows_the_chime(live_server, page: Page):
    session = ReleaseSessionFactory(person=UserFactory(), step=Step.BALL, pain_before=6)
    log_in(page, live_server.url, session.person.username)
    page.add_init_script(COUNT_TONES)
    page.clock.install()
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_role("radio", name="One ball").check()
    page.get_by_role("button", name="Start the 5 minutes").click()
    expect(page.get_by_role("heading", name="Relax into the ball")).to_be_visible()
    expect(page.get_by_role("button", name=OFFER)).to_be_hidden()
    run_to_the_end(page)
    assert page.evaluate("window.__tones") == 3
