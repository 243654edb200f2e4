"""Every form as Chromium sends it: with the Origin and Referer headers a browser adds and Django's
test client does not. A page sent with `Referrer-Policy: no-referrer` posts with `Origin: null`,
which Django's CSRF check refuses; so every page that holds a form must be a page without a secret
in its address.
"""

from __future__ import annotations

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Request

from backrelease.accounts.models import User
from backrelease.capability import paths
from tests.accounts.conftest import smtp_server, wait_for  # noqa: F401
from tests.browser.conftest import log_in
from tests.factories import (
    CalendarFeedFactory,
    CheckInReminderFactory,
    JournalEntryFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
    ShareLinkFactory,
    UserFactory,
    WeeklyCheckInFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://\S+")
FIRST_PASSWORD = "slow-breath-on-the-ball"
NEW_PASSWORD = "a-fresh-password-for-sam"


def run_worker() -> None:
    """What the task worker beside the web server does: sends the queued mail."""
    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, stdout=StringIO()
    )


def mailed_link(inbox, count: int) -> str:
    run_worker()
    message = wait_for(inbox, count)
    (link,) = LINK.findall(message.get_payload(decode=True).decode())
    return link


class Traffic:
    """Every request the page makes, to look at what the browser really sent."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        page.on("request", lambda request: self.requests.append(request))

    def posts(self) -> list[Request]:
        return [request for request in self.requests if request.method == "POST"]

    def referers(self) -> list[str]:
        return [request.all_headers().get("referer", "") for request in self.requests]


def test_sign_up_confirm_reset_and_sign_in_in_chromium(live_server, page: Page, smtp_server):  # noqa: F811
    base = live_server.url
    traffic = Traffic(page)
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("E-mail address (optional)").fill("sam@example.com")
    page.get_by_label("Password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Password confirmation").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/")

    confirmation = mailed_link(smtp_server, 1)
    page.goto(confirmation)
    page.get_by_role("button", name="Confirm this address").click()
    page.get_by_text("is confirmed").wait_for()
    assert User.objects.get(username="sam").email_confirmed

    page.goto(f"{base}/accounts/settings/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(f"{base}/accounts/password_reset/")
    page.get_by_label("Email").fill("sam@example.com")
    page.get_by_role("button", name="Send the reset link").click()
    page.wait_for_url(f"{base}/accounts/password_reset/done/")

    reset = mailed_link(smtp_server, 2)
    page.goto(reset)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url(f"{base}/accounts/reset/done/")

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")

    # Every post carried the page's own origin, and no token ever left in a Referer.
    origins = {request.all_headers().get("origin") for request in traffic.posts()}
    assert origins == {base}
    tokens = [urlsplit(link).path for link in (confirmation, reset)]
    assert [r for r in traffic.referers() if any(token in r for token in tokens)] == []


def person_with_everything() -> User:
    person = UserFactory(email="ana@example.com")
    for _ in range(3):
        JournalEntryFactory(person=person, pain=5, tags=["sleep"], note="stiff")
        ReleaseSessionFactory(person=person, finished=True)
    ReleaseSessionFactory(person=person)
    WeeklyCheckInFactory(person=person)
    SessionReminderFactory(person=person)
    CheckInReminderFactory(person=person)
    CalendarFeedFactory(person=person)
    ShareLinkFactory(person=person)
    return person


def pages_with_forms(page: Page, base: str) -> dict[str, int]:
    """Every page reachable by links from home (no secret URLs, no downloads), with how many forms
    that post it holds."""
    found: dict[str, int] = {}
    waiting = ["/"]
    while waiting:
        path = waiting.pop()
        if path in found:
            continue
        page.goto(base + path)
        found[path] = page.locator("form[method=post]").count()
        for href in page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.href)"):
            parts = urlsplit(href)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if paths.is_secret(parts.path) or re.search(r"\.(csv|json|ics|pdf)$", parts.path):
                continue
            if parts.path.startswith(("/static/", "/accounts/logout")) or target in found:
                continue
            waiting.append(target)
    return {path: count for path, count in found.items() if count}


def test_every_form_posts_as_chromium_sends_it(live_server, page: Page):
    """Each form of each page, submitted by the browser as it stands (browser-side checks off, so
    the server judges it): the server may refuse the content, never the request itself."""
    base = live_server.url
    person = person_with_everything()
    log_in(page, base, person.username)
    forms = pages_with_forms(page, base)
    assert len(forms) >= 10, forms
    refused = []
    submitted = 0
    for path, count in forms.items():
        for n in range(count):
            page.goto(base + path)
            if urlsplit(page.url).path == "/accounts/login/" and path != "/accounts/login/":
                log_in(page, base, person.username)
                page.goto(base + path)
            forms_now = page.locator("form[method=post]")
            if n >= forms_now.count():
                # An earlier post took this one away (a discarded session, a deleted entry).
                continue
            form = forms_now.nth(n)
            submitted += 1
            with page.expect_request(lambda request: request.method == "POST") as sent:
                form.evaluate("form => { form.noValidate = true; form.requestSubmit(); }")
            response = sent.value.response()
            # Whatever follows the answer (a redirect, a swap) ends before the next page opens.
            page.wait_for_load_state("networkidle")
            status = response.status if response else 0
            if status == 403 or status >= 500 or status == 0:
                refused.append((path, n, sent.value.url, status))
    assert refused == []
    assert submitted >= 15, (submitted, forms)
