"""The whole release session in a real Chromium on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sessions.models import ReleaseSession, Step
from tests.browser.conftest import log_in
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_role("radio", name=option, exact=True).check()


def test_it_guides_a_whole_session_on_a_phone(live_server, page: Page, csp_violations):
    person = UserFactory(time_zone="Europe/Berlin")
    log_in(page, live_server.url, person.username)

    page.get_by_role("link", name="Start a session").click()
    expect(page.get_by_role("heading", name="Your first release session")).to_be_visible()
    page.get_by_role("button", name="I understand, start").click()
    expect(page.get_by_role("heading", name="How much does your back hurt")).to_be_visible()
    session_url = page.url
    # A value set now survives only if the steps below swap in place instead of loading pages.
    page.evaluate("window.stillThisPage = true")

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Choose your pain right now")).to_be_visible()

    pick(page, "Pain now, 0 to 10", "7")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Breathe into your belly")).to_be_focused()
    expect(page.locator("[data-pacer-cue]")).to_have_text(re.compile("Breathe in|Out, with"))

    page.get_by_role("button", name="I'm ready, next").click()
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    pick(
        page,
        "How much of your hand fits, legs straight?",
        "3: A flat hand slides in with room to spare",
    )
    page.get_by_role("button", name="Next").click()

    pick(page, "Which set-up?", "One ball")
    page.get_by_role("button", name="Start the 5 minutes").click()
    countdown = page.locator("[data-countdown-time]")
    expect(countdown).to_have_text(re.compile(r"^4:5\d|^5:00$"))
    assert page.evaluate("window.stillThisPage") is True

    page.reload()
    expect(page.get_by_role("heading", name="Relax into the ball")).to_be_visible()
    expect(countdown).to_have_text(re.compile(r"^4:[45]\d$"))

    page.get_by_role("button", name="Knees lifted: no").click()
    expect(page.get_by_role("button", name="Knees lifted: yes")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="I'm done, roll off").click()

    pick(page, "How much of your hand fits, legs straight?", "1: Only my fingertips slide in")
    pick(page, "Pain now, 0 to 10", "4")
    page.get_by_role("button", name="Save").click()
    page.get_by_label("A note for yourself").fill("Felt the arch soften.")
    page.get_by_role("button", name="Finish").click()

    expect(page.get_by_role("heading", name="Well done")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("pain 7 → 4")
    expect(page.locator(".summary")).to_contain_text("arch 3 → 1")
    assert page.url == session_url
    assert csp_violations == []

    session = ReleaseSession.objects.get(person=person)
    assert (session.step, session.pain_before, session.pain_after) == (Step.DONE, 7, 4)
    assert (session.arch_before, session.arch_after, session.knees_lifted) == (3, 1, True)
    assert session.note == "Felt the arch soften."


def test_reposition_brings_back_the_ball_step_with_the_set_up_chosen(live_server, page: Page):
    person = UserFactory()
    session = ReleaseSessionFactory(
        person=person, step=Step.BALL, pain_before=6, arch_before=3, breathing_skipped=True
    )
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    pick(page, "Which set-up?", "Two balls, one each side")
    page.get_by_role("button", name="Start the 5 minutes").click()
    expect(page.get_by_role("heading", name="Relax into the ball")).to_be_visible()
    page.get_by_role("button", name="Reposition").click()
    expect(page.get_by_role("heading", name="Ball under the sacrum")).to_be_visible()
    setup = page.get_by_role("group", name="Which set-up?")
    # Its name ends in the ✓ the page draws beside a chosen set-up.
    expect(setup.get_by_role("radio", name="Two balls, one each side")).to_be_checked()
    # "Back to relaxing (m:ss left)", or "Start the 5 minutes" when under a second was relaxed.
    page.get_by_role("button", name=re.compile(r"^(Back to relaxing|Start the 5 minutes)")).click()
    expect(page.get_by_role("heading", name="Relax into the ball")).to_be_visible()
    session.refresh_from_db()
    assert (session.step, session.ball_setup, session.repositions) == (Step.RELAX, "two", 1)
