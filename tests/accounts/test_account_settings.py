from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("account-settings")


def test_it_shows_the_persons_settings(person, person_client):
    page = person_client.get(URL).text
    assert "Settings" in page
    assert 'value="Europe/London" selected' in page


def test_it_saves_with_htmx_and_confirms_in_the_partial(person, person_client, htmx_headers):
    response = person_client.post(
        URL, {"display_name": "Ana", "time_zone": "America/Los_Angeles"}, **htmx_headers
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="profile-form"')
    assert "Saved." in response.text
    person.refresh_from_db()
    assert (person.display_name, person.time_zone) == ("Ana", "America/Los_Angeles")


def test_it_saves_and_redirects_without_htmx(person, person_client):
    response = person_client.post(URL, {"display_name": "Ana", "time_zone": "Asia/Tokyo"})
    assert response.url == URL
    assert "Saved." in person_client.get(URL).text


def test_it_refuses_an_unknown_zone(person, person_client, htmx_headers):
    response = person_client.post(URL, {"display_name": "", "time_zone": "Nowhere"}, **htmx_headers)
    assert response.status_code == 422
    assert "Pick a time zone from the list" in response.text
    person.refresh_from_db()
    assert person.time_zone == "Europe/London"


def test_it_sends_anonymous_visitors_to_log_in(db):
    assert Client().get(URL).url.startswith(reverse("login"))
