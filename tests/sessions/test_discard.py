from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import ReleaseSession, Step
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def discard_url(session: ReleaseSession) -> str:
    return reverse("sessions:discard", args=[session.pk])


def test_it_discards_an_open_session(person, person_client):
    session = ReleaseSessionFactory(person=person, step=Step.BALL)
    response = person_client.post(discard_url(session))
    assert response.status_code == 302
    assert response.url == reverse("sessions:history")
    assert not ReleaseSession.objects.filter(pk=session.pk).exists()


def test_it_returns_to_a_local_next_page(person, person_client):
    session = ReleaseSessionFactory(person=person)
    response = person_client.post(discard_url(session), {"next": reverse("sessions:new")})
    assert response.url == reverse("sessions:new")


def test_it_refuses_an_outside_next_page(person, person_client):
    session = ReleaseSessionFactory(person=person)
    response = person_client.post(discard_url(session), {"next": "https://example.com/"})
    assert response.url == reverse("sessions:history")


def test_it_keeps_finished_sessions(person, person_client):
    session = ReleaseSessionFactory(person=person, finished=True)
    assert person_client.post(discard_url(session)).status_code == 404
    assert ReleaseSession.objects.filter(pk=session.pk).exists()


def test_it_checks_ownership(person_client, other_person):
    session = ReleaseSessionFactory(person=other_person)
    assert person_client.post(discard_url(session)).status_code == 404
    assert ReleaseSession.objects.filter(pk=session.pk).exists()


def test_it_only_accepts_post(person, person_client):
    session = ReleaseSessionFactory(person=person)
    assert person_client.get(discard_url(session)).status_code == 405
    assert ReleaseSession.objects.filter(pk=session.pk).exists()


def test_it_sends_anonymous_visitors_to_log_in(db):
    session = ReleaseSessionFactory()
    response = Client().post(discard_url(session))
    assert response.url.startswith(reverse("login"))
    assert ReleaseSession.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize("next_page", ["x", "sessions:new", "//example.com/", "/\x00", "", "/a\nb"])
def test_it_falls_back_to_the_history_for_any_other_next(person, person_client, next_page):
    session = ReleaseSessionFactory(person=person)
    response = person_client.post(discard_url(session), {"next": next_page})
    assert response.status_code == 302
    assert response.url == reverse("sessions:history")
    voice = person_client.post(reverse("sessions:voice"), {"next": next_page})
    assert voice.status_code == 302
    assert voice.url == reverse("sessions:history")
