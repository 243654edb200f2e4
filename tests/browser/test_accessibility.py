"""axe-core on every page and every session step, light and dark, at phone size, in English,
German and Spanish: no violations, and every page says its language.

axe-core comes from the npm registry with the project's other front-end files (package.json);
it is injected through the DevTools protocol, so the pages' strict CSP stays as it is.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from backrelease.accounts import email_confirmation, undo
from sessions.models import Step
from tests.browser.conftest import ANSWERS_BEFORE, PHONE, log_in
from tests.factories import (
    PASSWORD,
    CalendarFeedFactory,
    CheckInReminderFactory,
    JournalEntryFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
    ShareLinkFactory,
    TrialPlanFactory,
    TrialRatingFactory,
    UserFactory,
    WeeklyCheckInFactory,
)
from tests.trial.test_result import finished_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").read_text()
RUN_AXE = """axe.run(document, {resultTypes: ["violations"]}).then(result =>
  result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  })))"""


def person_with_history():
    person = UserFactory(email="ana@example.com")
    for _ in range(6):
        JournalEntryFactory(person=person, pain=5, tags=["sleep"], note="stiff")
        ReleaseSessionFactory(person=person, finished=True)
    WeeklyCheckInFactory(person=person)
    SessionReminderFactory(person=person)
    CheckInReminderFactory(person=person)
    return person


def check(page, url: str, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    violations = page.evaluate(RUN_AXE)
    language = page.evaluate("document.documentElement.lang")
    if language != page.context.language:
        violations.append({"rule": "language", "help": f"lang is {language}"})
    if violations:
        found[url] = violations


# Colours do not change with the language, nor structure with the scheme: each language once.
@pytest.mark.parametrize(
    ("scheme", "language"), [("light", "en-gb"), ("dark", "de"), ("light", "es")]
)
def test_no_page_or_step_has_an_accessibility_violation(
    live_server, browser: Browser, scheme, language
):
    person = person_with_history()
    person.language = language
    person.save()
    finished = ReleaseSessionFactory(person=person, finished=True)
    entry = JournalEntryFactory(person=person)
    link = ShareLinkFactory(person=person, token="axe-share-token", include_notes=True)
    CalendarFeedFactory(person=person, token="axe-feed-token")
    # The browser asks for the language too, so the signed-out pages are in it.
    context = browser.new_context(**PHONE, color_scheme=scheme, locale=language)
    context.language = language
    page = context.new_page()
    found: dict[str, list] = {}
    base = live_server.url

    for path in (
        reverse("home"),
        reverse("login"),
        reverse("signup"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        "/shared/axe-share-token/",
        "/shared/no-such-token/",
    ):
        check(page, base + path, found)

    log_in(page, base, person.username)
    person.refresh_from_db()
    pages = [
        reverse("home"),
        reverse("sessions:history"),
        reverse("sessions:new"),
        f"{reverse('sessions:new')}?intro=1",
        finished.get_absolute_url(),
        reverse("sessions:correct", args=[finished.pk]),
        reverse("journal:list"),
        reverse("journal:new"),
        reverse("journal:edit", args=[entry.pk]),
        reverse("journal:check-in"),
        reverse("trends"),
        f"{reverse('trends')}?range=all",
        reverse("sharing:list"),
        reverse("sharing:openings", args=[link.pk]),
        reverse("reminders:page"),
        reverse("account-settings"),
        reverse("password_change"),
        reverse("import"),
        reverse("delete-account"),
        reverse("email-confirm", args=[email_confirmation.token_for(person)]),
    ]
    for path in pages:
        check(page, base + path, found)
    # The trial: the plan's form, a finished plan's result, then a running plan in a no-ball
    # block (its pages, the start page's notice, Home's evening rating, the clinician's report).
    check(page, base + reverse("trial:plan"), found)
    finished_plan(person, pairs=2)
    check(page, base + reverse("trial:result"), found)
    running = TrialPlanFactory(person=person, orders=["AB", "AB"])
    rating = TrialRatingFactory(plan=running, day=running.starts_on)
    for path in (
        reverse("trial:plan"),
        reverse("trial:rate"),
        reverse("trial:result"),
        reverse("trial:rating", args=[rating.pk]),
        reverse("sessions:new"),
        reverse("home"),
        "/shared/axe-share-token/",
    ):
        check(page, base + path, found)
    rating.delete()
    check(page, base + reverse("home"), found)
    # The snackbar with its Undo button.
    undo.delete(JournalEntryFactory(person=person), person, "the test entry")
    page.goto(base + reverse("journal:list"))
    page.locator("#entry-list .actions form button").first.click()
    page.locator("#snackbar button").first.wait_for()
    page.evaluate(AXE)
    if violations := page.evaluate(RUN_AXE):
        found["journal list with the snackbar"] = violations

    for step, done in ANSWERS_BEFORE.items():
        session = ReleaseSessionFactory(person=person, step=step, **done)
        check(page, base + session.get_absolute_url(), found)
        session.delete()
    stopped = ReleaseSessionFactory(
        person=person, finished=True, stopped_early_reason="sharp_pain", step=Step.DONE
    )
    check(page, base + stopped.get_absolute_url(), found)
    context.close()
    assert found == {}, json.dumps(found, indent=1)


def test_the_account_deleted_page_is_whole_and_has_no_violation(live_server, page: Page):
    """What deleting answers replaces the whole page: not set inside the form it came from."""
    person = UserFactory()
    log_in(page, live_server.url, person.username)
    page.goto(live_server.url + reverse("delete-account"))
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all my data").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    expect(page).to_have_title("Account deleted · Back Release")
    expect(page.get_by_role("heading")).to_have_count(1)
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("link", name="Keep my account")).to_have_count(0)
    page.evaluate(AXE)
    assert page.evaluate(RUN_AXE) == []
