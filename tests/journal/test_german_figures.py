"""Figures in German: a decimal comma wherever a person reads one, on the trends, the insights,
the trial's result and the clinician's report, and the dot wherever a machine reads one (the
figures' JSON, the data attributes, the downloads)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from backrelease.capability import tokens
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    ShareLinkFactory,
    every,
    local_now,
)
from tests.trial.test_result import finished_plan

pytestmark = pytest.mark.django_db
TOKEN = tokens.new_token()
DOTTED = re.compile(r"\d\.\d")
COMMA = re.compile(r"\d,\d")


class Text(HTMLParser):
    """The text a person reads: neither scripts nor styles, nor any attribute but the few read
    aloud (aria-label, title), which are text too."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in {"script", "style"}:
            self.hidden += 1
        self.parts.extend(value or "" for name, value in attrs if name in {"aria-label", "title"})

    def handle_endtag(self, tag) -> None:
        if tag in {"script", "style"}:
            self.hidden -= 1

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def assert_german_figures(html: str) -> str:
    text = readable(html)
    assert COMMA.search(text), text
    assert not DOTTED.search(text), DOTTED.findall(text)
    return text


def pain_with_halves(person) -> None:
    """Usual pain of 5.5 and 4.5 a week, in four weeks of ratings, and a session with relief."""
    start = local_now(person) - timedelta(weeks=3)
    for n, pains in enumerate([(5, 6), (4, 5), (5, 6), (4, 5)]):
        at = start + timedelta(weeks=n)
        for pain in pains:
            JournalEntryFactory(person=person, pain=pain, recorded_at=at)
            JournalEntryFactory(person=person, pain=pain, recorded_at=at - timedelta(seconds=1))
    ReleaseSessionFactory(person=person, finished=True, pain_before=7, pain_after=4)


@pytest.fixture
def german(person):
    person.language = "de"
    person.save()
    return person


def test_the_trends_show_a_decimal_comma_and_send_their_figures_dotted(german, person_client):
    pain_with_halves(german)
    response = person_client.get(reverse("trends"))
    assert response["Content-Language"] == "de"
    text = assert_german_figures(response.text)
    assert "5,5" in text and "4,5" in text
    # The static picture's coordinates are for the browser: dotted.
    assert re.search(r'<polyline class="line-blue" points="[\d.]+,[\d.]+ ', response.text)
    (address,) = re.findall(r'data-figures="([^"]*)"', response.text)
    figures = person_client.get(unescape(address)).json()
    pain = figures["pain"]
    assert pain["layout"]["separators"] == ",."
    assert 5.5 in pain["data"][0]["y"] and 4.5 in pain["data"][0]["y"]
    assert "5,5" in pain["data"][0]["text"]
    # The weekly CSV is for machines: exact means with a dot.
    weekly = b"".join(person_client.get(reverse("trends-weekly-csv")).streaming_content)
    rows = list(csv.DictReader(io.StringIO(weekly.decode())))
    means = [Decimal(row["usual_pain"]) for row in rows if row["usual_pain"]]
    assert Decimal("5.5") in means and Decimal("4.5") in means


def test_the_insights_show_a_decimal_comma(german, person_client):
    ReleaseSessionFactory.create_batch(4, person=german, finished=True, pain_before=6, pain_after=4)
    ReleaseSessionFactory.create_batch(4, person=german, finished=True, pain_before=6, pain_after=3)
    start = local_now(german) - timedelta(weeks=6)
    JournalEntryFactory.create_batch(
        7, person=german, pain=5, recorded_at=every(start, timedelta(weeks=1), 7)
    )
    page = person_client.get(reverse("trends-insights")).text
    text = assert_german_figures(page)
    # The median drop of 2.5 points, with its interval.
    assert "2,5" in text


def test_the_trial_result_shows_a_decimal_comma(german, person_client):
    finished_plan(german, pairs=3)
    text = assert_german_figures(person_client.get(reverse("trial:result")).text)
    assert re.search(r"p = 0,\d+", text), text


def test_the_clinicians_report_is_in_the_clinicians_language(person):
    pain_with_halves(person)
    ShareLinkFactory(person=person, token=TOKEN)
    clinician = Client(HTTP_ACCEPT_LANGUAGE="de")
    response = clinician.get(f"/shared/{TOKEN}/")
    assert response["Content-Language"] == "de"
    text = assert_german_figures(response.text)
    assert "5,5" in text
    figures = clinician.get(f"/shared/{TOKEN}/figures.json?range=12w").json()
    assert figures["pain"]["layout"]["separators"] == ",."
    assert 5.5 in figures["pain"]["data"][0]["y"]
    fhir = clinician.get(f"/shared/{TOKEN}/fhir.json")
    body = b"".join(fhir.streaming_content) if fhir.streaming else fhir.content
    assert not re.search(rb'"value": *\d+,\d', body)
    insights = clinician.get(f"/shared/{TOKEN}/insights/").text
    assert not DOTTED.search(readable(insights))


def test_english_keeps_the_dot(person, person_client):
    pain_with_halves(person)
    text = readable(person_client.get(reverse("trends")).text)
    assert "5.5" in text and "5,5" not in text
