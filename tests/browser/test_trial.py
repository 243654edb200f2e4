"""The trial plan on a phone: each page's first screen at both phone sizes in both themes, and the
whole way through with the keyboard alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from journal.trial.models import TrialPlan, TrialRating
from tests.browser.conftest import PHONE, PHONE_SIZES, log_in, wholly_on_screen
from tests.factories import ReleaseSessionFactory, TrialPlanFactory, UserFactory
from tests.trial.test_result import finished_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone(browser: Browser, size: tuple[int, int], scheme: str) -> Page:
    width, height = size
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": width, "height": height}}, color_scheme=scheme
    )
    return context.new_page()


def no_sideways_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", PHONE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_trial_page_opens_with_what_matters_on_the_first_screen(
    live_server, browser: Browser, size, scheme, csp_violations
):
    person = UserFactory()
    ReleaseSessionFactory(person=person, finished=True)
    page = phone(browser, size, scheme)
    base = live_server.url
    log_in(page, base, person.username)

    # Before a plan: the question it answers and the first choice.
    page.goto(base + reverse("trial:plan"))
    wholly_on_screen(page.get_by_role("heading", name="Is it the ball? A trial plan"))
    wholly_on_screen(page.locator("#plan-form .rating-option").first)
    no_sideways_scroll(page)

    # A finished plan's result: the verdict first.
    finished_plan(person, pairs=3)
    page.goto(base + reverse("trial:result"))
    wholly_on_screen(page.locator(".verdict"))
    expect(page.locator(".verdict")).to_contain_text("Helped")
    no_sideways_scroll(page)

    # A running plan in a no-ball block: Home asks the evening rating first, and the start page
    # says it is a no-ball block with the start button still on the first screen.
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    page.goto(base + reverse("home"))
    card = page.locator("section", has=page.get_by_role("heading", name="Your trial"))
    wholly_on_screen(card.get_by_text("Your usual pain today"))
    wholly_on_screen(card.locator(".rating-option").first)
    no_sideways_scroll(page)

    page.goto(base + reverse("sessions:new"))
    notice = page.locator(".start-notice")
    expect(notice).to_contain_text("Today is in a no-ball block of your trial")
    wholly_on_screen(notice)
    wholly_on_screen(page.get_by_role("button", name="I'm ready, start"))

    page.goto(base + reverse("trial:rate"))
    wholly_on_screen(page.get_by_text("Your usual pain today: over the day as a whole"))
    no_sideways_scroll(page)
    page.context.close()
    assert csp_violations == []


def press_until_focused(page: Page, locator, key: str = "Tab", limit: int = 60) -> None:
    """Tabs through the page, as a keyboard user does, until `locator` has the focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{locator} never took the focus")


def test_a_plan_starts_and_a_day_is_rated_with_the_keyboard_alone(live_server, page: Page):
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    page.goto(live_server.url + reverse("trial:plan"))
    promise = page.locator("#promise")
    before = promise.inner_text()

    # Pairs: the radio group takes the arrow keys; the promise follows the change.
    press_until_focused(page, page.locator("input[name=pairs]:checked"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=pairs][value='5']")).to_be_checked()
    expect(promise).not_to_have_text(before)

    press_until_focused(page, page.get_by_role("button", name="Start the plan today"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Block 10:")).to_be_visible()
    plan = TrialPlan.objects.get(person=person)
    assert plan.pairs == 5

    page.goto(live_server.url + reverse("home"))
    card = page.locator("#rating-form")
    press_until_focused(page, card.locator("input[name=usual_pain]").first)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(card.locator("input[name=usual_pain][value='3']")).to_be_checked()
    press_until_focused(page, card.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved: 3 for")
    assert TrialRating.objects.get(plan=plan).usual_pain == 3


def test_the_plan_stops_early_with_the_keyboard_alone(live_server, page: Page):
    person = UserFactory()
    TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=2))
    log_in(page, live_server.url, person.username)
    page.goto(live_server.url + reverse("trial:plan"))
    summary = page.get_by_text("Stop the plan early")
    press_until_focused(page, summary)
    page.keyboard.press("Enter")
    stop = page.get_by_role("button", name="Stop it now")
    press_until_focused(page, stop)
    page.keyboard.press("Enter")
    expect(page.locator("#snackbar")).to_contain_text("Stopped early")
    expect(page.get_by_text("was stopped early on")).to_be_visible()
    assert TrialPlan.objects.get(person=person).status == "stopped"
