"""Guessing spread over many addresses is slowed; an attacker behind the owner's address cannot
lock the owner out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.accounts import login_limits
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_guessing_from_40_addresses_is_slowed_and_the_owner_is_told(person, mailoutbox, run_tasks):
    person.email = "ana@example.com"
    person.email_confirmed_at = timezone.now()
    person.save()
    started = timezone.now()
    # The clock stands still while the guesses come, so a slow (loaded) machine cannot let a
    # delay run out between them.
    with time_machine.travel(started, tick=False):
        answers = [
            attempt(Client(REMOTE_ADDR=f"198.51.100.{n}"), person.username, "wrong").status_code
            for n in range(40)
        ]
        # The first 20 are ordinary failures; then each try waits, so most are turned away unread.
        assert answers[:20] == [200] * 20
        assert answers[20:] == [429] * 20
        # Even the right password waits its turn from a new address: slowed, not locked out.
        slowed = attempt(Client(REMOTE_ADDR="192.0.2.1"), person.username, PASSWORD)
        assert slowed.status_code == 429
        assert 1 <= int(slowed["Retry-After"]) <= login_limits.LONGEST_DELAY
    with time_machine.travel(started + timedelta(seconds=login_limits.LONGEST_DELAY + 1)):
        assert (
            attempt(Client(REMOTE_ADDR="192.0.2.1"), person.username, PASSWORD).status_code == 302
        )
    run_tasks()
    (warning,) = mailoutbox
    assert warning.to == ["ana@example.com"]
    assert "20 times" in warning.body


def test_the_owners_known_browser_is_neither_slowed_nor_locked_out_by_an_attacker(person):
    owner = Client(REMOTE_ADDR="203.0.113.5")
    assert attempt(owner, person.username, PASSWORD).status_code == 302
    assert login_limits.DEVICE_COOKIE in owner.cookies
    owner.post(reverse("logout"))
    # The attacker shares the owner's address (a NAT) and is locked out after 5 tries…
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    answers = [attempt(attacker, person.username, "wrong").status_code for _ in range(25)]
    assert 429 in answers
    assert attempt(attacker, person.username, PASSWORD).status_code == 429
    # …while the owner's browser, known to the account, logs in at once.
    assert attempt(owner, person.username, PASSWORD).status_code == 302


def test_a_known_browser_has_its_own_limit(person):
    owner = Client(REMOTE_ADDR="203.0.113.6")
    assert attempt(owner, person.username, PASSWORD).status_code == 302
    owner.post(reverse("logout"))
    answers = [attempt(owner, person.username, "wrong").status_code for _ in range(12)]
    assert answers[: login_limits.DEVICE_FAILURES] == [200] * login_limits.DEVICE_FAILURES
    assert answers[-1] == 429


def test_a_cookie_for_another_account_counts_for_nothing(person, other_person):
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert attempt(client, other_person.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    answers = [attempt(client, person.username, "wrong").status_code for _ in range(6)]
    assert answers[-1] == 429
