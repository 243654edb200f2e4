from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import ReleaseSession, Step
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db
URL = reverse("sessions:new")


def test_the_first_time_it_introduces_the_technique_once(person, person_client):
    page = person_client.get(URL).text
    assert "Your first release session" in page
    for said in ("soft, squeezable ball", "sharp pain", "numbness", "dizzy", "Lower is looser"):
        assert said in page
    assert page.count("not medical advice") == 1
    assert page.count('role="img"') == 2
    assert "<html" in page


def test_later_it_shows_a_short_check_and_the_introduction_on_request(person, person_client):
    ReleaseSessionFactory(person=person, finished=True)
    page = person_client.get(URL).text
    assert "Before you start" in page
    assert "sharp pain" in page.lower()
    assert "not medical advice" not in page
    assert "Your first release session" in person_client.get(URL, {"intro": "1"}).text


def test_it_renders_the_start_partial_for_htmx(person, person_client, htmx_headers):
    ReleaseSessionFactory(person=person, finished=True)
    partial = person_client.get(URL, **htmx_headers)
    assert partial.text.lstrip().startswith('<section id="start"')
    assert "Before you start" in partial.text


def test_it_opens_a_session_at_pain_before(person, person_client):
    response = person_client.post(URL)
    session = ReleaseSession.objects.get(person=person)
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert session.step == Step.PAIN_BEFORE
    assert session.finished_at is None


def test_it_opens_one_session_on_a_double_tap(person, person_client):
    first = person_client.post(URL)
    second = person_client.post(URL)
    assert first.url == second.url
    assert ReleaseSession.objects.filter(person=person).count() == 1


def test_it_offers_to_resume_an_open_session(person, person_client):
    open_session = ReleaseSessionFactory(person=person, step=Step.BALL)
    page = person_client.get(URL)
    assert "You have a session open" in page.text
    assert open_session.get_absolute_url() in page.text
    assert reverse("sessions:discard", args=[open_session.pk]) in page.text


def test_it_ignores_another_persons_open_session(person_client, other_person):
    ReleaseSessionFactory(person=other_person)
    page = person_client.get(URL)
    assert "You have a session open" not in page.text
    assert "Your first release session" in page.text


def test_it_sends_anonymous_visitors_to_log_in(db):
    response = Client().post(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not ReleaseSession.objects.exists()
