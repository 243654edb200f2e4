from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Step
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db
URL = reverse("home")


def test_it_welcomes_anonymous_visitors():
    page = Client().get(URL).text
    assert reverse("signup") in page
    assert reverse("login") in page


def test_it_offers_to_start_a_session(person_client):
    page = person_client.get(URL).text
    assert reverse("sessions:new") in page
    assert "Your finished sessions will show here." in page


def test_it_offers_to_resume_an_open_session(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.RELAX)
    page = person_client.get(URL).text
    assert "Resume the session" in page
    assert session.get_absolute_url() in page


def test_it_shows_only_the_persons_own_recent_sessions(person, person_client, other_person):
    ReleaseSessionFactory(person=person, finished=True, pain_before=9, pain_after=3)
    ReleaseSessionFactory(person=other_person, finished=True, pain_before=2, pain_after=1)
    page = person_client.get(URL).text
    assert "pain 9 → 3" in page
    assert "pain 2 → 1" not in page
