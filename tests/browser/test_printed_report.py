"""The clinician's report on paper: rendered to PDF by Chromium on A4 and US Letter, with every
heading word whole, no hint about touching or hovering, and the charts across the text width."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journal import sharing
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    every,
    local_now,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Paper width in millimetres, and the margin the print stylesheet's @page sets.
PAPERS = {"A4": 210, "Letter": 215.9}
MARGIN_MM = 15
CSS_PX_PER_MM = 96 / 25.4

# Each word of every heading, caption and table header, as lines it lies on: more than one is a
# word broken across lines. Words are split at spaces and hyphens (where a break is a fair one).
BROKEN_WORDS = """() => {
  const broken = [];
  for (const el of document.querySelectorAll("main h1, main h2, main h3, main caption, main th")) {
    if (!el.getClientRects().length) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/[^\\s\\-–]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set(
          [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
        );
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def report_url(live_server) -> str:
    person = UserFactory(display_name="Ana")
    start = local_now(person) - timedelta(weeks=10)
    JournalEntryFactory.create_batch(
        30, person=person, recorded_at=every(start, timedelta(days=2), 30)
    )
    ReleaseSessionFactory.create_batch(
        20,
        person=person,
        finished=True,
        started_at=every(start, timedelta(days=3), 20),
        pain_before=6,
        pain_after=3,
    )
    token = "print-test-share-token"
    sharing.create(person, token, label="print", expires_at=timezone.now() + timedelta(days=1))
    return f"{live_server.url}/shared/{token}/"


def prints_whole(page: Page) -> None:
    page.emulate_media(media="print")
    assert page.evaluate(BROKEN_WORDS) == []
    expect(page.locator("#chart-hint")).to_be_hidden()
    main_width = page.locator("main").bounding_box()["width"]
    charts = page.locator(".chart .chart-svg")
    expect(charts).to_have_count(3)
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box["width"] >= 0.98 * main_width, (box, main_width)
    page.emulate_media(media="screen")


@pytest.mark.parametrize("paper", PAPERS)
def test_the_report_prints_whole_on_a4_and_letter(report_url, page: Page, paper):
    text_width = round((PAPERS[paper] - 2 * MARGIN_MM) * CSS_PX_PER_MM)
    page.set_viewport_size({"width": text_width, "height": 1000})
    page.goto(report_url)
    prints_whole(page)
    # Once a chart has been touched, the interactive charts are drawn; paper still gets the full
    # width, and none of Plotly's own.
    page.locator("#chart-pain").hover()
    expect(page.locator(".chart.is-interactive")).to_have_count(3)
    expect(page.locator("#chart-pain .scatterlayer .trace")).to_have_count(3)
    prints_whole(page)
    page.emulate_media(media="print")
    expect(page.locator(".chart .plot-container").first).to_be_hidden()

    pdf = page.pdf(format=paper)
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox" in pdf
