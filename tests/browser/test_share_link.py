"""A person makes a share link; a clinician with no account opens it in another browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    every,
    local_now,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shares_a_read_only_report(live_server, page: Page, browser: Browser, csp_violations):
    person = UserFactory(display_name="Ana")
    start = local_now(person) - timedelta(weeks=5)
    JournalEntryFactory.create_batch(
        6, person=person, recorded_at=every(start, timedelta(weeks=1), 6)
    )
    ReleaseSessionFactory(person=person, finished=True, started_at=start)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/sharing/")
    page.get_by_label("Label").fill("Dr Lee, physio")
    page.get_by_role("button", name="Create the link").click()
    url = page.locator("#new-link-url").input_value()
    assert url.startswith(f"{live_server.url}/shared/")
    expect(page.locator("#link-list")).to_contain_text("Dr Lee, physio")

    clinician = browser.new_context()
    report = clinician.new_page()
    violations: list[str] = []
    report.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    response = report.goto(url)
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(report.get_by_role("heading", name="Ana: pain and release sessions")).to_be_visible()
    report.locator("#chart-pain").hover()
    expect(report.locator("#chart-pain .scatterlayer .trace")).to_have_count(3)
    # The insights arrive after the page; the range switch swaps the trends in place.
    expect(report.locator("#insights h2")).to_have_text("Is it helping?")
    report.get_by_role("link", name="Last 4 weeks").click()
    expect(report.locator("#trend-body .trend-table tbody tr")).to_have_count(4)
    # The session was five weeks ago: in the last four, usual pain is the only line, and named.
    expect(report.locator("#chart-pain .scatterlayer .trace")).to_have_count(1)
    expect(report.locator("#chart-pain .legendtext")).to_have_text(["Usual pain"])
    expect(report.get_by_role("heading", name="Ana: pain and release sessions")).to_have_count(1)
    expect(report.locator("form")).to_have_count(0)
    assert clinician.cookies() == []
    # In German by its link, the report stays German through a range switch and its insights.
    report.goto(f"{url}?language=de")
    report.get_by_role("link", name="Letzte 4 Wochen").click()
    expect(report).to_have_url(re.compile(r"\?range=4w&language=de$"))
    expect(report.locator("#trend-body")).to_contain_text("Woche für Woche")
    expect(report.locator("#insights h2")).to_have_text("Hilft es?")
    assert violations == [] and csp_violations == []
    clinician.close()

    page.get_by_role("button", name="Withdraw this link").click()
    expect(page.locator("#link-list")).to_contain_text("withdrawn")
    gone = browser.new_page()
    assert gone.goto(url).status == 410
    gone.close()
