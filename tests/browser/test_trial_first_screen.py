"""A running trial on a phone, in the longer languages too: at 360×740 and 320×640, light and dark,
each of the trial's daily pages opens with its title or question, its whole scale and its primary
button wholly on the first screen. The session start page on a no-ball day with its notice, the
evening rating page, and Home with the evening rating card first; in English, in German (the real
catalog: a text not yet translated reads in English and the test still runs) and in the
pseudo-locale, whose every text is half as long again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, PHONE_SIZES, log_in, wholly_on_screen
from tests.factories import ReleaseSessionFactory, TrialPlanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RATING_OPTIONS = 11  # The evening rating: 0 to 10.


@pytest.fixture(params=["en-gb", "de", "pseudo"])
def language(request) -> str:
    return request.getfixturevalue("pseudo_locale") if request.param == "pseudo" else request.param


def no_sideways_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(
        "width => [...document.querySelectorAll('body *')].filter(e =>"
        " e.getBoundingClientRect().right > width + 1).map(e => e.outerHTML.slice(0, 150))",
        width,
    )


def whole_scale_on_screen(scope) -> None:
    """The rating's question, every one of its options and both of its ends."""
    wholly_on_screen(scope.locator("fieldset.rating > legend"))
    options = scope.locator("fieldset.rating .rating-option")
    expect(options).to_have_count(RATING_OPTIONS)
    for index in range(RATING_OPTIONS):
        wholly_on_screen(options.nth(index))
    wholly_on_screen(scope.locator("fieldset.rating .rating-ends"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", PHONE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_daily_trial_page_opens_whole_on_the_first_screen(
    live_server, browser: Browser, size, scheme, language
):
    # A long name, so Home's greeting takes the room it can take.
    person = UserFactory(language=language, display_name="Maximiliane")
    ReleaseSessionFactory(person=person, finished=True)
    # A plan started today, its first block a no-ball block: today is a no-ball day.
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    width, height = size
    context = browser.new_context(
        **{**PHONE, "viewport": {"width": width, "height": height}}, color_scheme=scheme
    )
    page = context.new_page()
    base = live_server.url
    log_in(page, base, person.username)

    # The session start page on a no-ball day: the title, the whole notice that today is a
    # no-ball day, read before starting, and the start button.
    page.goto(base + reverse("sessions:new"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".start-notice")).to_have_count(1)
    wholly_on_screen(page.locator("#start-title"))
    wholly_on_screen(page.locator(".start-notice"))
    wholly_on_screen(page.locator("#start form button.primary"))
    no_sideways_scroll(page)

    # The evening rating page: its title, the question and whole scale, and Save.
    page.goto(base + reverse("trial:rate"))
    form = page.locator("#rating-form")
    wholly_on_screen(page.locator("main h1"))
    whole_scale_on_screen(form)
    wholly_on_screen(form.locator("button.primary"))
    no_sideways_scroll(page)

    # Home with the evening rating card first: the card's title, the whole scale and Save.
    page.goto(base + reverse("home"))
    card = page.locator("section.card", has=page.locator("#trial-title"))
    expect(page.locator("main section.card").first).to_have_attribute(
        "aria-labelledby", "trial-title"
    )
    wholly_on_screen(card.locator("#trial-title"))
    whole_scale_on_screen(card)
    wholly_on_screen(card.locator("#rating-form button.primary"))
    no_sideways_scroll(page)
    context.close()
