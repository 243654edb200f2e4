"""On the floor, nothing to scroll: at 360×740 and 320×640 every step's question, its whole scale
and the button that moves on are on the first screen, whole and uncovered, and nothing of the site
but a way out; in English and in the pseudo-locale, whose every text is half as long again. The
extras step, with two optional scales and a note, scrolls: each of its controls
comes wholly clear of the button bar when brought into view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from sessions.models import Step
from tests.browser.conftest import (
    ANSWERS_BEFORE,
    PHONE,
    PHONE_SIZES,
    brought_on_screen,
    log_in,
    wholly_on_screen,
)
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What must be on the first screen of each step, beside its title: the choices, then the button.
STEPS = {
    Step.PAIN_BEFORE: "#step form > fieldset .rating-option",
    Step.BREATHE: None,
    Step.ARCH_BEFORE: "#step form > fieldset .rating-option",
    Step.BALL: "#step form > fieldset .choice",
    Step.RELAX: None,
    Step.ROLL_OFF: "#step form > fieldset .rating-option",
}
FORWARD = ".step-actions button[value=next]"
EXTRAS_CONTROLS = "#step form > fieldset .rating-option, #step textarea"


# English and the pseudo-locale at both sizes; German and Spanish, with their own wording of the
# scales (data, not in the pseudo-locale's catalog), on the smaller phone.
SIZES_BY_LANGUAGE = [
    *[("en-gb", size) for size in PHONE_SIZES],
    *[("pseudo", size) for size in PHONE_SIZES],
    ("de", PHONE_SIZES[-1]),
    ("es", PHONE_SIZES[-1]),
]


@pytest.mark.parametrize(
    ("language", "size"),
    SIZES_BY_LANGUAGE,
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else v,
)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_step_fits_the_first_screen(
    live_server, browser: Browser, size, scheme, language, request
):
    if language == "pseudo":
        language = request.getfixturevalue("pseudo_locale")
    width, height = size
    person = UserFactory(language=language)
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": width, "height": height}}, color_scheme=scheme
    )
    page = context.new_page()
    log_in(page, live_server.url, person.username)
    for step, choices in STEPS.items():
        session = ReleaseSessionFactory(person=person, step=step, **ANSWERS_BEFORE[step])
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        expect(page.locator(".site-header nav")).to_have_count(0)
        expect(page.locator("a.floor-leave")).to_be_visible()
        wholly_on_screen(page.locator("#step-title"))
        if choices:
            options = page.locator(choices)
            assert options.count() >= 2
            for index in range(options.count()):
                wholly_on_screen(options.nth(index))
        expect(page.locator("html")).to_have_attribute("lang", language)
        wholly_on_screen(page.locator(FORWARD))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(
            "width => [...document.querySelectorAll('body *')].filter(e =>"
            " e.getBoundingClientRect().right > width + 1).map(e => e.outerHTML.slice(0, 150))",
            width,
        )
        session.delete()
    session = ReleaseSessionFactory(person=person, step=Step.EXTRAS, **ANSWERS_BEFORE[Step.EXTRAS])
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    controls = page.locator(EXTRAS_CONTROLS)
    assert controls.count() == 23
    for index in range(controls.count()):
        brought_on_screen(controls.nth(index))
    brought_on_screen(page.locator(FORWARD))
    context.close()
