"""A quick journal entry from the home page, and the trend charts drawn by plotly.js."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journal.models import JournalEntry
from tests.browser.conftest import log_in
from tests.factories import JournalEntryFactory, UserFactory, every

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_saves_a_quick_entry_in_two_taps(live_server, page: Page, csp_violations):
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    form = page.locator("#entry-form")
    form.get_by_role("radio", name="4", exact=True).check()
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: pain 4")
    assert JournalEntry.objects.get(person=person).pain == 4
    assert csp_violations == []


def test_it_draws_the_trend_charts_and_swaps_the_range(live_server, page: Page, csp_violations):
    person = UserFactory()
    start = timezone.now() - timedelta(weeks=19)
    JournalEntryFactory.create_batch(
        20, person=person, recorded_at=every(start, timedelta(weeks=1), 20), pain=5
    )
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/trends/")
    traces = page.locator("#chart-pain .scatterlayer .trace")
    expect(traces).to_have_count(3)
    expect(page.locator("#chart-sessions .barlayer")).to_have_count(1)
    expect(page.locator(".trend-table tbody tr")).to_have_count(12)

    page.get_by_role("link", name="Last 4 weeks").click()
    expect(page.locator(".trend-table tbody tr")).to_have_count(4)
    expect(page).to_have_url(f"{live_server.url}/trends/?range=4w")
    expect(traces).to_have_count(3)
    expect(traces.first.locator(".points path")).to_have_count(4)
    assert csp_violations == []
