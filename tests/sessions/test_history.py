from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from sessions.views import HISTORY_PAGE_SIZE
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db
URL = reverse("sessions:history")


def test_it_lists_sessions_newest_first_with_their_changes(person, person_client):
    start = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    ReleaseSessionFactory(person=person, finished=True, started_at=start, pain_before=8)
    ReleaseSessionFactory(
        person=person, finished=True, started_at=start + timedelta(days=1), pain_before=6
    )
    page = person_client.get(URL).text
    assert page.index("pain 6 → 4") < page.index("pain 8 → 4")
    assert "arch 3 → 1" in page


def test_it_renders_the_list_partial_for_htmx(person, person_client, htmx_headers):
    ReleaseSessionFactory(person=person, finished=True)
    partial = person_client.get(URL, **htmx_headers).text
    assert partial.lstrip().startswith('<section id="session-list"')
    assert "pain 7 → 4" in partial
    assert "<html" not in partial


def test_it_paginates(person, person_client, htmx_headers):
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    for day in range(HISTORY_PAGE_SIZE + 1):
        ReleaseSessionFactory(person=person, finished=True, started_at=start + timedelta(days=day))
    first = person_client.get(URL).text
    assert "Page 1 of 2" in first
    assert "Thu 1 Jan 2026" not in first
    second = person_client.get(URL, {"page": 2}, **htmx_headers).text
    assert "Thu 1 Jan 2026" in second
    assert second.count('class="history-item"') == 1


def test_it_shows_times_in_the_persons_zone(person, person_client):
    person.time_zone = "Australia/Sydney"
    person.save()
    ReleaseSessionFactory(
        person=person, finished=True, started_at=datetime(2026, 11, 22, 12, 30, tzinfo=UTC)
    )
    assert "Sun 22 Nov 2026, 23:30" in person_client.get(URL).text


def test_it_offers_resume_and_discard_for_an_unfinished_session(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=5)
    page = person_client.get(URL).text
    assert "Not finished" in page
    assert session.get_absolute_url() in page
    assert reverse("sessions:delete", args=[session.pk]) in page
    assert ">Discard</button>" in page


def test_it_never_shows_another_persons_sessions(person_client, other_person):
    ReleaseSessionFactory(person=other_person, finished=True, note="someone else's note")
    page = person_client.get(URL).text
    assert "No sessions yet" in page
    assert "someone else" not in page


def test_it_copes_with_a_page_number_that_is_not_one(person, person_client):
    ReleaseSessionFactory(person=person, finished=True)
    page = person_client.get(URL, {"page": "lots"})
    assert page.status_code == 200
    assert "pain 7 → 4" in page.text


def test_it_sends_anonymous_visitors_to_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
