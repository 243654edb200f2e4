"""A service worker keeps the app shell and the session page: reloading without a connection shows
the step the person was on, and an answer given offline is kept until it can be sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from sessions.models import ReleaseSession, Step
from tests.browser.conftest import ANSWERS_BEFORE, log_in, wait_until
from tests.factories import PASSWORD, ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until_kept(page: Page, path: str, text: str) -> None:
    """Until the service worker's copy of `path` shows `text`."""
    script = f"""caches.open("pages").then(c => c.match("{path}"))
        .then(r => r ? r.text() : "").then(t => t.includes("{text}"))"""
    for _ in range(100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was never kept showing {text!r}")


def test_a_reload_offline_shows_the_step_and_keeps_the_unsent_answer(
    live_server, page: Page, context: BrowserContext
):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person)
    log_in(page, live_server.url, person.username)
    path = session.get_absolute_url()
    page.goto(f"{live_server.url}{path}")
    page.evaluate("navigator.serviceWorker.ready")
    # Reloaded once the worker controls the page, so its first copy is kept.
    page.reload()
    page.get_by_role("radio", name="6", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Breathe into your belly")).to_be_visible()
    wait_until_kept(page, path, "Breathe into your belly")

    context.set_offline(True)
    page.get_by_role("button", name="I'm ready, next").click()
    expect(page.get_by_role("alert")).to_contain_text("No connection")
    page.reload()
    expect(page.get_by_role("heading", name="Breathe into your belly")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("No connection")
    session.refresh_from_db()
    assert session.step == Step.BREATHE

    context.set_offline(False)
    expect(page.get_by_role("heading", name="Lie down and feel the arch")).to_be_visible(
        timeout=15000
    )
    expect(page.get_by_role("alert")).to_be_hidden()
    session.refresh_from_db()
    assert session.step == Step.ARCH_BEFORE
    assert ReleaseSession.objects.filter(person=person).count() == 1


def test_other_pages_offline_show_the_offline_page(live_server, page: Page, context):
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    context.set_offline(True)
    page.goto(f"{live_server.url}/journal/")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    context.set_offline(False)


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
def test_the_offline_page_speaks_the_language_last_chosen(
    live_server, page: Page, context: BrowserContext, signed_in
):
    if signed_in:
        log_in(page, live_server.url, UserFactory().username)
    else:
        page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    # The worker keeps the offline page as it installs, while the pages are still in English.
    page.evaluate("navigator.serviceWorker.ready")
    # A page loaded before the worker was active stays outside it: the reload comes under it.
    page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null", "the worker controls the page")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    context.set_offline(True)
    page.goto(f"{live_server.url}/journal/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Keine Verbindung")).to_be_visible()
    expect(page.get_by_role("link", name="Noch einmal versuchen")).to_be_visible()
    context.set_offline(False)


def test_signing_out_removes_the_kept_pages(live_server, page: Page):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person, step=Step.BREATHE, pain_before=5)
    log_in(page, live_server.url, person.username)
    page.evaluate("navigator.serviceWorker.ready")
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    wait_until_kept(page, session.get_absolute_url(), "Breathe into your belly")
    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("caches.has('pages')") is False


@pytest.mark.parametrize("way", ["signing out", "deleting the account"])
def test_no_unsent_answer_stays_on_the_phone_after(
    live_server, page: Page, context: BrowserContext, way
):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person, step=Step.EXTRAS, **ANSWERS_BEFORE[Step.EXTRAS])
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_label("A note for yourself").fill("A's private note")
    context.set_offline(True)
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("alert")).to_contain_text("No connection")
    assert "A's private note" in page.evaluate("JSON.stringify(localStorage)")
    # Away from the session page, so nothing sends the answer when the connection is back.
    page.goto("about:blank")
    context.set_offline(False)
    session.refresh_from_db()
    assert session.step == Step.EXTRAS
    leave_by(way, page, context, live_server)
    if way == "signing out":
        page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("Object.keys(localStorage)") == []


def keep_a_finished_session(page: Page, live_server, person) -> str:
    """Person A's finished session page, kept by the service worker: their ratings and note."""
    session = ReleaseSessionFactory(
        person=person, finished=True, pain_before=9, pain_after=2, note="A's private note"
    )
    log_in(page, live_server.url, person.username)
    page.evaluate("navigator.serviceWorker.ready")
    path = session.get_absolute_url()
    page.goto(f"{live_server.url}{path}")
    page.reload()
    wait_until_kept(page, path, "A&#x27;s private note")
    return path


def leave_by(way: str, page: Page, context: BrowserContext, live_server) -> None:
    if way == "signing out":
        page.goto(f"{live_server.url}/accounts/settings/")
        page.get_by_role("button", name="Log out").click()
    elif way == "deleting the account":
        page.goto(f"{live_server.url}/accounts/delete/")
        page.get_by_label("Your password, to confirm").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account and all my data").click()
        expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    elif way == "clearing the cookies":
        context.clear_cookies()
    # "walking away": nothing at all; the next person signs in over A's login.


@pytest.mark.parametrize(
    "way", ["walking away", "signing out", "deleting the account", "clearing the cookies"]
)
def test_the_next_person_on_the_phone_sees_nothing_kept_of_the_last(
    live_server, page: Page, context: BrowserContext, way
):
    first, second = UserFactory(), UserFactory()
    path = keep_a_finished_session(page, live_server, first)
    leave_by(way, page, context, live_server)
    log_in(page, live_server.url, second.username)
    page.evaluate("navigator.serviceWorker.ready")
    context.set_offline(True)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    body = page.content()
    assert "private note" not in body and "9 → 2" not in body
    assert page.evaluate(f"caches.match('{path}').then(r => r === undefined)")
    context.set_offline(False)


def test_the_person_still_finds_their_own_session_offline(
    live_server, page: Page, context: BrowserContext
):
    person = UserFactory()
    path = keep_a_finished_session(page, live_server, person)
    context.set_offline(True)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_text("A's private note")).to_be_visible()
    context.set_offline(False)
