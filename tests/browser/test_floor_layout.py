"""On the floor, nothing to scroll: at 360×740 and 320×640 every step's question, its whole scale
and the button that moves on are on the first screen, and nothing of the site but a way out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sessions.models import Step
from tests.browser.conftest import ANSWERS_BEFORE, PHONE, log_in
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(360, 740), (320, 640)]
# What must be on the first screen of each step, beside its title: the choices, then the button.
STEPS = {
    Step.PAIN_BEFORE: ("#step form > fieldset .rating-option", "Next"),
    Step.BREATHE: (None, "I'm ready, next"),
    Step.ARCH_BEFORE: ("#step form > fieldset .rating-option", "Next"),
    Step.BALL: ("#step form > fieldset .choice", "Start the 5 minutes"),
    Step.RELAX: (None, "I'm done, roll off"),
    Step.ROLL_OFF: ("#step form > fieldset .rating-option", "Save"),
    Step.EXTRAS: (None, "Finish"),
}


def on_first_screen(locator, height: int) -> None:
    """Inside the first screen, and not covered: the element itself takes a tap at its centre."""
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (locator, box, height)
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    on_top = locator.evaluate(
        "(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", centre
    )
    assert on_top, (locator, "is covered")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=lambda v: str(v))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_step_fits_the_first_screen(live_server, browser: Browser, width, height, scheme):
    person = UserFactory()
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": width, "height": height}}, color_scheme=scheme
    )
    page = context.new_page()
    log_in(page, live_server.url, person.username)
    for step, (choices, button) in STEPS.items():
        session = ReleaseSessionFactory(person=person, step=step, **ANSWERS_BEFORE[step])
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        expect(page.locator(".site-header nav")).to_have_count(0)
        expect(page.get_by_role("link", name="Leave the session")).to_be_visible()
        on_first_screen(page.locator("#step-title"), height)
        if choices:
            options = page.locator(choices)
            assert options.count() >= 2
            for index in range(options.count()):
                on_first_screen(options.nth(index), height)
        on_first_screen(page.get_by_role("button", name=button, exact=True), height)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        session.delete()
    context.close()
