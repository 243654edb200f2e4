"""The clinician's list of patients on a 360 px phone: the page never scrolls sideways, the table
does inside its region, and no word in it is broken across lines; the flag filters are separate
choices, the current one marked, and it stays marked when htmx swaps the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from journal.clinic import workspace
from tests.browser.conftest import PHONE, log_in
from tests.clinic.factories import GrantFactory, MemberFactory, code_now
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, TrialPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The words of the cells' text nodes that the browser laid out over more than one line (a line may
# end at a space or after a hyphen).
BROKEN_WORDS = """cells => cells.flatMap(cell => {
  const broken = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      if (range.getClientRects().length > 1) broken.push(word[0]);
    }
  }
  return broken;
})"""
# Each header cell's height against one line of its text.
HEADER_LINES = """cells => cells.map(cell => {
  const style = getComputedStyle(cell);
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  const content = cell.clientHeight - padding;
  return [cell.textContent.trim(), content / parseFloat(style.lineHeight)];
})"""


def practice_with_patients():
    member = MemberFactory()
    now = timezone.now()
    rated = GrantFactory(practice=member.practice, shown_name="Ann Bright")
    for n, pain in enumerate([4, 4, 5, 4, 5]):
        JournalEntryFactory(
            person=rated.person, pain=pain, recorded_at=now - timedelta(days=21, hours=n)
        )
    for n, pain in enumerate([6, 6, 7, 6, 9]):
        JournalEntryFactory(person=rated.person, pain=pain, recorded_at=now - timedelta(minutes=n))
    ReleaseSessionFactory(person=rated.person, finished=True)
    trial = GrantFactory(practice=member.practice, shown_name="Bob Castle-Whitfield")
    JournalEntryFactory(person=trial.person, pain=5)
    TrialPlanFactory(person=trial.person)
    reviewed = GrantFactory(practice=member.practice, shown_name="Cleo Dunmore")
    workspace.mark_reviewed(member, reviewed.person)
    return member


def sign_in(page: Page, base: str, member) -> None:
    log_in(page, base, member.person.username)
    page.goto(base + reverse("clinic:two-factor"))
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        code_now(TOTPDevice.objects.get(user=member.person))
    )
    page.get_by_role("button", name="Confirm").click()


@pytest.fixture
def patients_page(live_server, browser: Browser) -> Page:
    """The list of patients on a phone, a member signed in with the second factor."""
    member = practice_with_patients()
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, live_server.url, member)
    page.goto(live_server.url + reverse("clinic:patients"))
    return page


def test_it_scrolls_the_table_not_the_page_and_breaks_no_word(patients_page: Page):
    page = patients_page
    region = page.get_by_role("region", name="Patients")
    expect(region.get_by_role("link", name="Bob Castle-Whitfield")).to_be_visible()
    expect(region.get_by_role("button", name="Mark reviewed")).to_have_count(2)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    headers = region.locator("thead th").evaluate_all(HEADER_LINES)
    assert len(headers) == 8
    assert [name for name, lines in headers if lines > 1.5] == [], headers
    assert region.locator("th, td").evaluate_all(BROKEN_WORDS) == []
    # The region scrolls sideways, and its first column (the patient) stays in view as it does.
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    name = region.get_by_role("link", name="Ann Bright")
    before = name.bounding_box()
    region.evaluate("el => { el.scrollLeft = 200; }")
    assert region.evaluate("el => el.scrollLeft") == 200
    assert name.bounding_box()["x"] == pytest.approx(before["x"], abs=1)
    assert page.evaluate("window.scrollX") == 0


def test_it_shows_the_filters_as_separate_choices_and_marks_the_current_one(patients_page: Page):
    page = patients_page
    filters = page.get_by_role("navigation", name="Filter by flag")
    expect(filters.get_by_role("listitem")).to_have_count(5)
    links = filters.get_by_role("link")
    boxes = [links.nth(n).bounding_box() for n in range(5)]
    # Apart from each other, on a row or on the next, and all on screen.
    for before, after in zip(boxes, boxes[1:], strict=False):
        assert after["x"] >= before["x"] + before["width"] + 4 or after["y"] >= (
            before["y"] + before["height"] + 4
        ), (before, after)
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 360 for box in boxes), boxes
    everyone = filters.get_by_role("link", name="All")
    expect(everyone).to_have_attribute("aria-current", "page")

    severe = filters.get_by_role("link", name="A rating of 9 or 10")
    severe.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**?flag=severe")
    region = page.get_by_role("region", name="Patients")
    expect(region.get_by_role("link", name="Ann Bright")).to_be_visible()
    expect(region.get_by_role("link", name="Cleo Dunmore")).to_have_count(0)
    # The rows came by htmx, and the mark moved with them; the focus stays on the choice.
    expect(severe).to_have_attribute("aria-current", "page")
    expect(everyone).not_to_have_attribute("aria-current", "page")
    expect(severe).to_be_focused()
