from __future__ import annotations

import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from backrelease.accounts.models import (
    User,
    known_time_zones,
    time_zone_choices,
    validate_time_zone,
)

pytestmark = pytest.mark.django_db
URL = reverse("signup")
GOOD = {
    "username": "sam",
    "display_name": "Sam",
    "time_zone": "Australia/Sydney",
    "password1": "slow-breath-on-the-ball",
    "password2": "slow-breath-on-the-ball",
}


def test_it_shows_the_form_with_the_zone_script():
    page = Client().get(URL)
    assert "Create an account" in page.text
    assert 'name="time_zone"' in page.text
    assert "js/timezone.js" in page.text


def test_it_renders_the_form_partial_for_htmx(htmx_headers):
    partial = Client().get(URL, **htmx_headers).text
    assert partial.lstrip().startswith('<form id="signup-form"')
    assert "<html" not in partial


def test_it_creates_the_person_with_their_zone_and_logs_them_in():
    client = Client()
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    person = User.objects.get(username="sam")
    assert (person.time_zone, person.display_name) == ("Australia/Sydney", "Sam")
    assert "Hello, Sam" in client.get(reverse("home")).text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "Pick a time zone from the list"),
        ({"password2": "something-else-entirely"}, "didn’t match"),
        ({"username": ""}, "Choose a username."),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(htmx_headers, change, message):
    response = Client().post(URL, {**GOOD, **change}, **htmx_headers)
    assert response.status_code == 422
    assert message in response.text
    assert not User.objects.exists()


def test_it_sends_an_htmx_sign_up_to_the_whole_home_page(htmx_headers):
    response = Client().post(URL, GOOD, **htmx_headers)
    # A redirect the browser follows as a whole page: never the home page inside the form.
    assert response["HX-Redirect"] == "/"
    assert "<main" not in response.text


def test_the_zones_offered_and_accepted_are_the_places_of_the_time_zone_database():
    places = zoneinfo.available_timezones() - {"localtime", "Factory"}
    assert known_time_zones() == places
    assert [name for name, _ in time_zone_choices()] == sorted(places)
    for not_a_place in ("Mars/Olympus_Mons", "localtime", "Factory"):
        with pytest.raises(ValidationError):
            validate_time_zone(not_a_place)
    validate_time_zone("America/St_Johns")
