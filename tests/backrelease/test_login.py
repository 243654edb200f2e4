from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_and_out(person):
    client = Client()
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    assert f"Hello, {person.display_name}" in client.get(reverse("home")).text
    client.post(reverse("logout"))
    assert "Create an account" in client.get(reverse("home")).text


def test_it_refuses_a_wrong_password(person):
    response = Client().post(reverse("login"), {"username": person.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_it_changes_the_password(person, person_client):
    response = person_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password",
            "new_password2": "another-long-password",
        },
    )
    assert response.url == reverse("password_change_done")
    person.refresh_from_db()
    assert person.check_password("another-long-password")
