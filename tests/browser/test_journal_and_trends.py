"""A quick journal entry from the home page, and the trend charts drawn by plotly.js."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from journal import trends
from journal.models import JournalEntry
from journal.trends import TABLE_WEEKS
from tests.browser.conftest import log_in
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    every,
    local_now,
)

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


def history(person, weeks: int = 20) -> None:
    start = local_now(person) - timedelta(weeks=weeks - 1)
    JournalEntryFactory.create_batch(
        weeks, person=person, recorded_at=every(start, timedelta(weeks=1), weeks), pain=5
    )
    ReleaseSessionFactory.create_batch(
        weeks,
        person=person,
        finished=True,
        started_at=every(start, timedelta(weeks=1), weeks),
    )


CHARTS = {
    "#chart-pain": (
        "Pain per week",
        ["Usual pain", "Pain before a session", "Pain after a session"],
    ),
    "#chart-sessions": ("Sessions per week", []),  # one trace: plotly shows no legend
    "#chart-arch": ("Lower-back arch per week", ["Arch before", "Arch after"]),
}


def assert_charts_intact(page: Page, points: int) -> None:
    for selector, (title, legend) in CHARTS.items():
        chart = page.locator(selector)
        expect(chart.locator(".gtitle")).to_have_text(title)
        expect(chart.locator(".legendtext")).to_have_text(legend)
        expect(chart.locator(".plot-container")).to_have_count(1)
    expect(
        page.locator("#chart-pain .scatterlayer .trace").first.locator(".points path")
    ).to_have_count(points)


def test_it_draws_the_trend_charts_and_swaps_the_range(live_server, page: Page, csp_violations):
    person = UserFactory()
    history(person)
    log_in(page, live_server.url, person.username)
    chart_requests = []
    page.on(
        "request",
        lambda r: (
            chart_requests.append(r.url.split("/")[-1])
            if "plotly" in r.url or "figures" in r.url
            else None
        ),
    )
    page.goto(f"{live_server.url}/trends/")
    # Static pictures first, and neither plotly.js nor the figures until a chart is reached for.
    expect(page.locator("#chart-pain svg.chart-svg")).to_be_visible()
    bars = page.locator("#chart-sessions svg.chart-svg path.bars").get_attribute("d")
    assert bars.count("M") == 12
    page.wait_for_load_state("networkidle")
    assert chart_requests == []
    page.locator("#chart-pain").hover()
    assert_charts_intact(page, 12)
    assert "figures.json?range=12w" in chart_requests
    expect(page.locator(".trend-table tbody tr")).to_have_count(12)

    page.get_by_role("link", name="Last 4 weeks").click()
    expect(page.locator(".trend-table tbody tr")).to_have_count(4)
    expect(page).to_have_url(f"{live_server.url}/trends/?range=4w")
    assert_charts_intact(page, 4)
    assert csp_violations == []


def test_the_range_switch_keeps_charts_titles_legends_and_tab_right(
    live_server, page: Page, monkeypatch
):
    person = UserFactory()
    history(person)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/trends/")
    page.locator("#chart-pain").hover()
    weekly = trends.weekly

    def slow(period):
        weeks_shown = (
            (period.last_day - period.shown_from).days // 7 + 1 if period.shown_from else None
        )
        time.sleep({4: 0.3, None: 0.9}.get(weeks_shown, 0))
        return weekly(period)

    monkeypatch.setattr(trends, "weekly", slow)
    # Switched again while the first answer is on its way (and arrives first), with the charts
    # still being drawn: the last choice is what stays, and nothing lands on the wrong chart.
    page.get_by_role("link", name="Last 4 weeks").click()
    page.get_by_role("link", name="All").click()
    expect(page.locator(".trend-table tbody tr")).to_have_count(TABLE_WEEKS)
    expect(page.get_by_text(f"Show the {20 - TABLE_WEEKS} earlier weeks too")).to_be_visible()
    assert_charts_intact(page, 20)
    selected = page.locator(".range-switch a[aria-current=true]")
    expect(selected).to_have_text("All")
    expect(page.get_by_role("link", name="All")).to_be_focused()
    page.get_by_role("link", name="Last 12 weeks").click()
    expect(page.locator(".range-switch a[aria-current=true]")).to_have_text("Last 12 weeks")
    assert_charts_intact(page, 12)


def test_the_whole_table_takes_the_focus_of_the_link_that_brought_it(live_server, page: Page):
    person = UserFactory()
    history(person)
    log_in(page, live_server.url, person.username)
    page.goto(f"{live_server.url}/trends/?range=all")
    more = page.get_by_role("link", name=f"Show the {20 - TABLE_WEEKS} earlier weeks too")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".trend-table tbody tr")).to_have_count(20)
    # Not the start of the page: the next Tab goes on from the table, not from the top.
    expect(page.get_by_role("region", name="Week by week, from Monday")).to_be_focused()
