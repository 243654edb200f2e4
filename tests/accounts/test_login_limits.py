"""Guessing spread over many addresses is slowed; an attacker behind the owner's address cannot
lock the owner out."""

from __future__ import annotations

import re
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.client import HTTPConnection
from http.cookies import SimpleCookie

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.accounts import login_limits
from backrelease.accounts.models import LoginFailure
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


def test_a_known_browser_stays_known_when_the_secret_key_is_rotated(person, settings):
    owner = Client(REMOTE_ADDR="203.0.113.8")
    assert attempt(owner, person.username, PASSWORD).status_code == 302
    owner.post(reverse("logout"))
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-a-suspected-leak-" + "k" * 20
    attacker = Client(REMOTE_ADDR="203.0.113.8")
    answers = [attempt(attacker, person.username, "wrong").status_code for _ in range(6)]
    assert answers[-1] == 429
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


def test_a_right_password_counts_as_no_failure(person):
    for n in range(login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING + 1):
        client = Client(REMOTE_ADDR=f"198.51.100.{n}")
        assert attempt(client, person.username, PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_as_the_delay_runs_out_get_one_password_check(
    live_server, person, settings, monkeypatch
):
    # 25 failures, the latest just over the longest delay ago: the next try may go ahead.
    ago = timezone.now() - timedelta(seconds=login_limits.LONGEST_DELAY + 1)
    LoginFailure.objects.bulk_create(
        LoginFailure(key=login_limits._account(person.username), at=ago - timedelta(seconds=n))
        for n in range(25)
    )
    checked = []
    check_password = ModelBackend.authenticate

    def counted(backend, request, username=None, password=None, **kwargs):
        checked.append(username)
        return check_password(backend, request, username, password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    # The real hash, whose cost is the time parallel guesses have to slip past the limit.
    settings.PASSWORD_HASHERS = ["backrelease.accounts.passwords.Argon2idHasher"]
    person.set_password(PASSWORD)
    person.save()
    # Each guess comes from its own address, as the proxy in front says.
    settings.TRUSTED_PROXY_COUNT = 1
    server = urllib.parse.urlsplit(live_server.url)
    page = HTTPConnection(server.hostname, server.port)
    page.request("GET", LOGIN)
    csrf = SimpleCookie(page.getresponse().getheader("Set-Cookie"))["csrftoken"].value
    page.close()
    body = urllib.parse.urlencode(
        {"username": person.username, "password": "wrong", "csrfmiddlewaretoken": csrf}
    )
    # Connected one by one (the test server's short accept queue drops a burst), then all
    # sending at once.
    connections = [HTTPConnection(server.hostname, server.port) for _ in range(40)]
    for each in connections:
        each.connect()
    start = threading.Barrier(40)

    def guess(n: int) -> int:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "X-Forwarded-For": f"198.51.100.{n}",
        }
        start.wait()
        connections[n].request("POST", LOGIN, body, headers)
        status = connections[n].getresponse().status
        connections[n].close()
        return status

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = sorted(pool.map(guess, range(40)))
    assert len(checked) == 1
    assert answers == [200] + [429] * 39


def test_the_delay_doubles_from_2_seconds_up_to_a_minute():
    slowing = login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING
    delays = [login_limits.delay(failures) for failures in range(slowing - 1, slowing + 7)]
    assert delays == [0, 2, 4, 8, 16, 32, 60, 60]


def first_refused(client: Client, username: str, tries: int = 14) -> int:
    """Which of this browser's wrong passwords is the first refused (the one that locks counts)."""
    answers = [attempt(client, username, "wrong").status_code for _ in range(tries)]
    assert set(answers) == {200, 429}
    return answers.index(429) + 1


def known_browser(person, address: str) -> Client:
    browser = Client(REMOTE_ADDR=address)
    assert attempt(browser, person.username, PASSWORD).status_code == 302
    browser.post(reverse("logout"))
    return browser


def test_a_known_browser_has_exactly_its_own_tries_then_the_addresses(person, settings):
    # Its own 5 wrong passwords, then the per-address 5 of any browser: the 10th is refused.
    owner = known_browser(person, "203.0.113.8")
    own_tries = login_limits.DEVICE_FAILURES + settings.AXES_FAILURE_LIMIT
    assert first_refused(owner, person.username) == own_tries
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    assert first_refused(stranger, person.username) == settings.AXES_FAILURE_LIMIT


def test_each_known_browser_has_a_limit_of_its_own(person, settings):
    phone = known_browser(person, "203.0.113.10")
    laptop = known_browser(person, "203.0.113.11")
    own_tries = login_limits.DEVICE_FAILURES + settings.AXES_FAILURE_LIMIT
    assert first_refused(phone, person.username) == own_tries
    # The phone's wrong passwords used up none of the laptop's.
    assert first_refused(laptop, person.username) == own_tries


def test_a_known_browser_is_forgotten_after_a_year(person, settings):
    browser = known_browser(person, "203.0.113.12")
    with time_machine.travel(timezone.now() + login_limits.DEVICE_LIFETIME + timedelta(days=1)):
        assert first_refused(browser, person.username) == settings.AXES_FAILURE_LIMIT


def test_a_right_password_from_a_known_browser_counts_as_no_failure(person):
    browser = known_browser(person, "203.0.113.13")
    for _ in range(login_limits.DEVICE_FAILURES + 1):
        assert attempt(browser, person.username, PASSWORD).status_code == 302
        browser.post(reverse("logout"))
    assert not LoginFailure.objects.exists()


def test_the_known_browser_cookie_is_kept_a_year_from_scripts_and_other_sites(person, settings):
    settings.SESSION_COOKIE_SECURE = True
    browser = Client(REMOTE_ADDR="203.0.113.14")
    cookie = attempt(browser, person.username, PASSWORD).cookies[login_limits.DEVICE_COOKIE]
    assert cookie["max-age"] == int(login_limits.DEVICE_LIFETIME.total_seconds())
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"


def test_a_name_in_other_letters_is_another_account(person, other_person):
    # Folded to lower case, "straße" and "STRASSE" stay two names (upper case would join them).
    person.username, other_person.username = "straße", "STRASSE"
    person.save()
    other_person.save()
    guesses = login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING
    for n in range(guesses):
        attempt(Client(REMOTE_ADDR=f"198.51.100.{n}"), "STRASSE", "wrong")
    assert attempt(Client(REMOTE_ADDR="192.0.2.2"), "straße", PASSWORD).status_code == 302


def test_the_slowed_page_says_how_long_to_wait_and_runs_its_scripts(person):
    LoginFailure.objects.bulk_create(
        LoginFailure(key=login_limits._account(person.username), at=timezone.now())
        for _ in range(login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING + 2)
    )
    slowed = attempt(Client(REMOTE_ADDR="192.0.2.3"), person.username, PASSWORD)
    assert slowed.status_code == 429
    page = slowed.content.decode()
    assert f"Try again in {slowed['Retry-After']} seconds." in " ".join(page.split())
    # The page's scripts carry the nonce its Content-Security-Policy allows.
    nonce = re.search(r"'nonce-([^']+)'", slowed["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in page


def test_a_try_waits_until_the_delay_has_run_out_to_the_instant(person):
    latest = timezone.now()
    failures = login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING
    LoginFailure.objects.bulk_create(
        LoginFailure(key=login_limits._account(person.username), at=latest) for _ in range(failures)
    )
    ends = latest + timedelta(seconds=login_limits.delay(failures))
    with time_machine.travel(ends - timedelta(seconds=0.5), tick=False):
        slowed = attempt(Client(REMOTE_ADDR="192.0.2.4"), person.username, PASSWORD)
        assert (slowed.status_code, slowed["Retry-After"]) == (429, "1")
    with time_machine.travel(ends, tick=False):
        assert (
            attempt(Client(REMOTE_ADDR="192.0.2.4"), person.username, PASSWORD).status_code == 302
        )


def test_the_owner_is_told_at_the_20th_wrong_password_not_before(person, mailoutbox, run_tasks):
    person.email = "ana@example.com"
    person.email_confirmed_at = timezone.now()
    person.save()
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(login_limits.ACCOUNT_FAILURES_BEFORE_SLOWING - 1):
            attempt(Client(REMOTE_ADDR=f"198.51.100.{n}"), person.username, "wrong")
        run_tasks()
        assert mailoutbox == []
        attempt(Client(REMOTE_ADDR="198.51.100.99"), person.username, "wrong")
        run_tasks()
    assert len(mailoutbox) == 1


def test_a_try_that_took_no_turn_is_no_known_device(rf):
    assert login_limits.known_device(rf.post("/accounts/login/")) is False
