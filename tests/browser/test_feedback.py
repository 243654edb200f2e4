"""Every action answers where the person looks: sign-up lands on a whole page, saves and refusals
appear next to the control on screen, focus stays put, deletes can be undone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from backrelease.accounts.models import User
from journal.models import JournalEntry
from sessions.models import Step
from tests.browser.conftest import PHONE_SIZES, log_in, wholly_on_screen
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_lands_on_the_whole_home_page(live_server, page: Page, csp_violations):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill("slow-breath-on-the-ball")
    page.get_by_label("Password confirmation").fill("slow-breath-on-the-ball")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("#signup-form")).to_have_count(0)
    assert csp_violations == []


@pytest.mark.parametrize(
    ("password", "again", "why"),
    [
        (
            "slow-breath-on-the-ball",
            "slow-breath-on-the-bal",
            "The two password fields didn’t match.",
        ),
        ("password123", "password123", "This password is too common."),
    ],
    ids=["mismatched", "common"],
)
def test_a_refused_sign_up_shows_why_on_screen_and_focuses_the_field(
    live_server, page: Page, password, again, why
):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password confirmation").fill(again)
    button = page.get_by_role("button", name="Create my account")
    button.click()
    summary = page.locator("#signup-form [role=alert]")
    expect(summary).to_have_text(f"Not saved: {why}")
    # The field to put right has focus and is on screen with its message, not Username up top.
    confirmation = page.get_by_label("Password confirmation")
    expect(confirmation).to_be_focused()
    wholly_on_screen(page.locator("#password2-error"))
    wholly_on_screen(confirmation)
    assert summary.bounding_box()["y"] > button.bounding_box()["y"]
    assert not User.objects.exists()


def test_a_journal_save_and_refusal_show_beside_the_button(live_server, page: Page):
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/journal/new/")
    save = page.get_by_role("button", name="Save")
    save.click()
    error = page.locator("#entry-form [role=alert]")
    expect(error).to_be_visible()
    # The first wrong field and its message come on screen, and the field takes focus.
    expect(page.locator("#entry-form fieldset.rating .error")).to_be_in_viewport()
    expect(page.locator("#entry-form").get_by_role("radio", name="0", exact=True)).to_be_focused()
    page.locator("#entry-form").get_by_role("radio", name="3", exact=True).check()
    page.get_by_role("button", name="Save").click()
    saved = page.get_by_role("status").filter(has_text="Saved: pain 3")
    expect(saved).to_be_in_viewport()
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    assert JournalEntry.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("size", PHONE_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_an_empty_quick_entry_on_home_shows_the_pain_scale_and_why(live_server, page: Page, size):
    """Its extra fields stay folded (nothing wrong there), the pain scale and its message are on
    screen and the scale has focus; the line beside Save names the pain first."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    log_in(page, live_server.url, UserFactory().username)
    page.goto(f"{live_server.url}/")
    form = page.locator("#entry-form")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("[role=alert]")).to_contain_text("Not saved: Choose your pain right now")
    expect(form.locator("details.more")).not_to_have_attribute("open", "")
    wholly_on_screen(form.locator("fieldset.rating .error"))
    wholly_on_screen(form.locator(".rating-option").first)
    expect(form.get_by_role("radio", name="0", exact=True)).to_be_focused()


# Every control of the page that the message lies over, in the viewport as it stands.
UNDER_THE_MESSAGE = """() => {
  const message = document.querySelector("#snackbar .snackbar-message").getBoundingClientRect();
  return [...document.querySelectorAll(
    "main a[href], main button, main input:not([type=hidden]), main summary, main textarea")]
    .map((el) => [el.textContent.trim() || el.name, el.getBoundingClientRect()])
    .filter(([, r]) => r.width && r.bottom > message.top && r.top < message.bottom)
    .map(([name]) => name);
}"""


def test_a_deleted_entry_can_be_undone_from_the_snackbar(live_server, page: Page):
    person = UserFactory()
    entry = JournalEntryFactory(person=person, pain=6, note="after the long drive")
    # Enough entries for a page longer than the screen.
    JournalEntryFactory.create_batch(12, person=person, pain=3)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/journal/")
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="Delete").click()
    snackbar = page.locator("#snackbar")
    expect(snackbar).to_contain_text("Deleted the journal entry of")
    expect(snackbar.get_by_role("button", name="Undo")).to_be_in_viewport()
    # The deleted row took its button with it: focus is on Undo, not lost on the page.
    expect(snackbar.get_by_role("button", name="Undo")).to_be_focused()
    expect(page.get_by_text("after the long drive")).to_have_count(0)
    # The message has its own space: nothing lies under it, wherever the page stands.
    assert page.evaluate(UNDER_THE_MESSAGE) == []
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    assert page.evaluate(UNDER_THE_MESSAGE) == []
    snackbar.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("after the long drive")).to_be_visible()
    expect(page.locator("#snackbar")).to_contain_text("Restored the journal entry of")
    assert JournalEntry.objects.filter(person=person).count() == 13


def test_toggles_keep_focus_and_voice_reads_the_step_when_turned_on(live_server, page: Page):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=5, arch_before=2)
    log_in(page, live_server.url, person.username)
    page.add_init_script(
        """window.__spoken = [];
        window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);"""
    )
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    knees = page.get_by_role("button", name="Knees lifted: no")
    knees.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Knees lifted: yes")).to_be_focused()
    voice = page.get_by_role("button", name="Voice: off")
    voice.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Voice: on")).to_be_focused()
    for _ in range(50):
        spoken = page.evaluate("window.__spoken.join(' ')")
        if spoken:
            break
        page.wait_for_timeout(100)
    assert "Relax into the ball" in spoken


def test_a_device_in_another_zone_is_told_and_the_countdown_uses_its_clock(live_server, browser):
    person = UserFactory(time_zone="Europe/London")
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=5, arch_before=2)
    for device_zone, hinted in (("America/New_York", True), ("Europe/London", False)):
        context = browser.new_context(timezone_id=device_zone, locale="en-GB")
        page = context.new_page()
        log_in(page, live_server.url, person.username)
        hint = page.locator("[data-zone-hint]")
        if hinted:
            expect(hint).to_be_visible()
            expect(hint).to_contain_text("this device is set to America/New_York")
        else:
            expect(hint).to_be_hidden()
        page.goto(f"{live_server.url}{session.get_absolute_url()}")
        ends = session.relax_ends_at.astimezone(ZoneInfo(device_zone))
        expect(page.locator("[data-countdown-until]")).to_have_text(f"until {ends:%H:%M}")
        context.close()


def test_controls_are_big_enough_and_a_long_word_wraps(live_server, page: Page):
    person = UserFactory()
    JournalEntryFactory(person=person, note="x" * 400)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/journal/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server.url}/journal/new/")
    for selector in ("input[type=datetime-local]", "input[type=checkbox]", "textarea"):
        box = page.locator(f"#entry-form {selector}").first.bounding_box()
        assert box["height"] >= 28, (selector, box)
    assert page.locator("#entry-form input[type=datetime-local]").bounding_box()["height"] >= 48


def test_a_finished_session_is_corrected_from_the_history(live_server, page: Page):
    person = UserFactory()
    session = ReleaseSessionFactory(person=person, finished=True, pain_before=7, pain_after=4)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/sessions/")
    page.get_by_role("link", name="Correct").click()
    page.get_by_role("group", name="Pain after, 0 to 10").get_by_role(
        "radio", name="2", exact=True
    ).check()
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url(f"{live_server.url}{session.get_absolute_url()}")
    expect(page.locator("#snackbar")).to_contain_text("Corrected.")
    # "All sessions" and "Correct the ratings" stay clear of the message.
    assert page.evaluate(UNDER_THE_MESSAGE) == []
    expect(page.get_by_text("Corrected ", exact=False).first).to_be_visible()
    session.refresh_from_db()
    assert session.pain_after == 2 and session.corrected_at is not None
    page.goto(f"{live_server.url}/sessions/")
    page.get_by_role("button", name="Delete").click()
    expect(page.locator("#snackbar")).to_contain_text("Deleted the session of")
    expect(page.locator(f"#session-{session.pk}")).to_have_count(0)
