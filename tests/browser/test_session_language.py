"""The session in another language in the browser: the voice speaks the page's words with the
page's language, and the words scripts write come from the JavaScript catalog."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sessions.models import Step
from tests.browser.conftest import log_in, wait_until
from tests.factories import ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_voice_reads_the_next_step_in_the_pages_language(
    live_server, page: Page, pseudo_locale
):
    person = UserFactory(voice_guidance=True)
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    log_in(page, live_server.url, person.username)
    person.language = pseudo_locale
    person.save(update_fields=["language"])
    page.add_init_script(
        """window.__spoken = [];
        window.speechSynthesis.speak = (u) => window.__spoken.push([u.lang, u.text]);"""
    )
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    # What session.js writes and says comes from the page's catalog.
    assert page.evaluate("gettext('One minute left.')") != "One minute left."

    page.locator("#step button[value=next]").click()
    expect(page.locator("#step")).to_have_attribute("data-step", Step.ARCH_BEFORE)
    wait_until(page, "window.__spoken.some(([lang, text]) => text.length > 40)", "a step said")

    lang, text = page.evaluate("window.__spoken.find(([lang, text]) => text.length > 40)")
    assert lang == pseudo_locale
    assert "Lie down and feel the arch" not in text
    assert page.locator("#step-title").inner_text() in text
