"""Sessions and reminders in another language: the numbers and times machines read stay as they
are, the words follow the person's language, and the JavaScript catalog answers every code."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from backrelease.pages import javascript_catalog, offline
from sessions.models import ReleaseSession, Step
from sessions.reminders import calendar_feed
from tests.factories import (
    CalendarFeedFactory,
    CheckInReminderFactory,
    ReleaseSessionFactory,
    SessionReminderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(person):
    person.language = "de"
    person.save(update_fields=["language"])
    return person


def page(client: Client, session: ReleaseSession) -> str:
    return client.get(reverse("sessions:session", args=[session.pk])).text


def attribute(text: str, name: str) -> str:
    return re.search(rf'{name}="([^"]*)"', text).group(1)


def test_a_step_in_german_keeps_the_times_it_posts_and_counts_from(german, person_client):
    session = ReleaseSessionFactory(person=german, step=Step.RELAX, relax_seconds=75)

    text = page(person_client, session)

    assert '<html lang="de">' in text
    # Microseconds behind a dot: a decimal comma would make the answer a page from another time.
    posted = attribute(text, 'name="step_started_at" value')
    assert datetime.fromisoformat(posted) == session.step_started_at
    assert datetime.fromisoformat(attribute(text, "data-ends-at")) == session.relax_ends_at
    datetime.fromisoformat(attribute(text, "data-now"))
    assert re.search(r"data-countdown-time>\d:\d\d<", text)


def test_the_arch_scale_in_german_keeps_its_numbers_as_the_form_posts_them(german, person_client):
    session = ReleaseSessionFactory(person=german, step=Step.ARCH_BEFORE, pain_before=5)

    text = page(person_client, session)

    assert re.findall(r'name="arch_before" value="(\d)"', text) == ["0", "1", "2", "3", "4"]
    assert re.findall(r'<span data-value="(\d)">', text) == ["0", "1", "2", "3", "4"]


def test_a_stopped_session_in_german_keeps_its_durations(german, person_client):
    session = ReleaseSessionFactory(
        person=german,
        finished=True,
        relax_seconds=125,
        repositions=2,
        stopped_early_reason="dizziness",
    )

    text = page(person_client, session)

    assert "<dd>2:05</dd>" in text
    assert "<dd>2</dd>" in text


def test_the_cached_questions_of_a_step_are_kept_per_language(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE, pain_before=5)
    caches["fragments"].clear()

    page(person_client, session)
    person.language = "de"
    person.save(update_fields=["language"])
    page(person_client, session)

    for language in ("en-gb", "de"):
        key = make_template_fragment_key("session-questions", [Step.ARCH_BEFORE, language])
        assert caches["fragments"].get(key)
        assert caches["fragments"].get(make_template_fragment_key("session-stop-early", [language]))


def test_the_reminders_page_in_german_writes_times_in_24_hours(german, person_client):
    SessionReminderFactory(person=german, at="07:30")
    CheckInReminderFactory(person=german, at="19:00")

    text = person_client.get(reverse("reminders:page")).text

    assert '<html lang="de">' in text
    assert "<strong>07:30</strong>" in text
    # The time field's value is what the browser's time picker reads: never a local format.
    assert re.search(r'type="time" name="check_in-at" value="19:00"', text)


def test_an_added_reminder_is_said_with_its_time_in_24_hours(german, person_client):
    response = person_client.post(
        reverse("reminders:page"), {"weekdays": ["0", "6"], "at": "18:05"}, HTTP_HX_REQUEST="true"
    )

    assert re.search(r'role="status">[^<]*18:05', response.text)


def test_the_calendar_feed_is_written_in_the_persons_language(german, monkeypatch):
    SessionReminderFactory(person=german, at="07:30")
    CalendarFeedFactory(person=german, token="feed-token-for-this-test")
    written_in = []
    calendar = calendar_feed.calendar

    def recording(*args, **kwargs):
        written_in.append(translation.get_language())
        return calendar(*args, **kwargs)

    monkeypatch.setattr(calendar_feed, "calendar", recording)

    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(
        reverse("calendar-feed", args=["feed-token-for-this-test"])
    )

    assert written_in == ["de"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    with translation.override("de"):
        assert str(event["SUMMARY"]) == str(calendar_feed.SESSION_TITLE)
    assert b"T073000" in response.content


def test_a_feed_without_a_chosen_language_follows_the_calendar_app(person, monkeypatch):
    CalendarFeedFactory(person=person, token="feed-token-for-this-test")
    written_in = []
    calendar = calendar_feed.calendar

    def recording(*args, **kwargs):
        written_in.append(translation.get_language())
        return calendar(*args, **kwargs)

    monkeypatch.setattr(calendar_feed, "calendar", recording)

    Client(HTTP_ACCEPT_LANGUAGE="es").get(
        reverse("calendar-feed", args=["feed-token-for-this-test"])
    )

    assert written_in == ["es"]


@pytest.mark.parametrize(
    ("code", "language", "decimal"),
    [("de", "de", ","), ("es", "es", ","), ("en-gb", "en-gb", "."), ("de-at", "de", ",")],
)
def test_the_javascript_catalog_answers_in_the_language_it_names(code, language, decimal):
    response = Client().get(javascript_catalog.url(code))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Language"] == language
    assert f'"DECIMAL_SEPARATOR": "{decimal}"' in response.text
    assert "django.gettext = function" in response.text
    assert "public" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]


@pytest.mark.parametrize("code", ["xx", "klingon", "a" * 300, "de_DE.UTF-8"])
def test_an_unknown_language_gets_the_english_catalog(code):
    response = Client().get(javascript_catalog.url(code))

    assert response.status_code == 200
    assert response["Content-Language"] == "en-gb"
    assert '"DECIMAL_SEPARATOR": "."' in response.text


def test_a_signed_in_person_gets_the_catalog_as_everyone_does(person_client):
    """The same for everyone who asks its address: kept by the browser, not asked for again on
    every page, and not kept apart by the language header (its address names the language)."""
    response = person_client.get(javascript_catalog.url("de"))

    assert "no-store" not in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_catalog_answers_only_reads():
    response = Client().post(javascript_catalog.url("de"))

    assert response.status_code == 405


def test_a_page_loads_the_catalog_of_its_language_with_the_nonce(german, person_client):
    text = person_client.get(reverse("sessions:history")).text

    script = re.search(r'<script src="(/jsi18n/[^"]+)" nonce="([^"]+)" defer>', text)
    assert script.group(1) == javascript_catalog.url("de")
    assert script.group(2)


def test_the_service_worker_keeps_every_languages_catalog():
    assert {javascript_catalog.url(code) for code in ("en-gb", "de", "es")} <= set(offline.shell())


def test_the_catalogs_address_changes_with_its_translations(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    compiled = tmp_path / "de" / "LC_MESSAGES" / "djangojs.mo"
    compiled.parent.mkdir(parents=True)
    javascript_catalog.version.cache_clear()
    try:
        before = javascript_catalog.version()
        compiled.write_bytes(b"a compiled catalog")
        javascript_catalog.version.cache_clear()
        assert javascript_catalog.version() != before
    finally:
        javascript_catalog.version.cache_clear()
