from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from backrelease.accounts.models import LoginFailure
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


def wrong(client: Client, person):
    return client.post(reverse("login"), {"username": person.username, "password": "nope"})


def test_it_locks_an_account_from_one_address_after_five_wrong_passwords(person):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong(client, person).status_code == 200
    locked = wrong(client, person)
    assert locked.status_code == 429
    assert "Wait 15 minutes, then try again" in locked.text
    assert locked["Retry-After"] == "900"
    # Even the right password waits out the lock from that address.
    right = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert right.status_code == 429
    # Another address, or another account from the same one, is not held back.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        elsewhere.post(
            reverse("login"), {"username": person.username, "password": PASSWORD}
        ).status_code
        == 302
    )


def test_it_counts_in_the_database_so_every_worker_agrees(person):
    for _n in range(settings.AXES_FAILURE_LIMIT):
        wrong(Client(REMOTE_ADDR="203.0.113.9"), person)
    assert AccessAttempt.objects.get(username=person.username).failures_since_start == 5


def test_it_hashes_with_argon2id_and_upgrades_old_hashes(person, settings):
    settings.PASSWORD_HASHERS = [
        "backrelease.accounts.passwords.Argon2idHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save()
    client = Client()
    client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_it_refuses_a_username_longer_than_any_and_counts_nothing(person):
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "a" * 300, "password": "nope"}
    )
    assert response.status_code == 200
    assert "No username is that long: they have at most 150 characters." in response.text
    assert not AccessAttempt.objects.exists()
    assert not LoginFailure.objects.exists()
