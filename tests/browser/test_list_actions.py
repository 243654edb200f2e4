"""A screen reader's list of a page's buttons and links tells each row's actions apart."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory, local_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_rows_actions_are_named_with_their_row(live_server, page: Page):
    person = UserFactory(time_zone="Europe/London")
    now = local_now(person)
    JournalEntryFactory(person=person, pain=4, recorded_at=now - timedelta(days=2))
    JournalEntryFactory(person=person, pain=6, recorded_at=now - timedelta(days=1))
    ReleaseSessionFactory(person=person, finished=True, started_at=now - timedelta(days=3))
    ReleaseSessionFactory(person=person, started_at=now - timedelta(hours=1))
    log_in(page, live_server.url, person.username)

    page.goto(f"{live_server.url}/journal/")
    for pain in (4, 6):
        for action, role in (("Edit", "link"), ("Delete", "button")):
            named = page.get_by_role(role, name=re.compile(rf"^{action} .+: pain {pain}$"))
            expect(named).to_have_count(1)

    page.goto(f"{live_server.url}/sessions/")
    day = r"\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d"
    for action, role in (("Correct", "link"), ("Delete", "button"), ("Resume", "link")):
        expect(page.get_by_role(role, name=re.compile(rf"^{action} {day}$"))).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile(rf"^Discard {day}$"))).to_have_count(1)
