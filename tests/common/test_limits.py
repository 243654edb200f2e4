"""The one counter behind every rate limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from backrelease.limits.counter import MAILS, WRONG_TOKENS, Limit
from backrelease.limits.models import Count

pytestmark = pytest.mark.django_db


def test_it_counts_each_key_in_its_window_and_returns_every_count():
    assert MAILS.count(["a", "b"]) == {"a": 1, "b": 1}
    assert MAILS.count(["a"]) == {"a": 2}
    assert MAILS.count(["a", "b"]) == {"a": 3, "b": 2}


def test_limits_with_the_same_key_count_apart():
    MAILS.count(["client"])
    MAILS.count(["client"])
    assert WRONG_TOKENS.count(["client"]) == {"client": 1}


def test_it_forgets_windows_long_gone():
    Count.objects.create(what=MAILS.what, key="old", window_start="2020-01-01T00:00Z", count=9)
    MAILS.count(["new"])
    assert not Count.objects.filter(key="old").exists()


def test_it_says_how_long_a_window_has_left():
    assert WRONG_TOKENS.seconds_left(120.0) == 60
    assert WRONG_TOKENS.seconds_left(179.9) == 1
    assert Limit("x", timedelta(hours=1)).seconds_left(3600 * 5 + 10) == 3590


@pytest.mark.django_db(transaction=True)
def test_parallel_counts_lose_nothing():
    def one(_):
        try:
            return WRONG_TOKENS.count(["racer"])["racer"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = sorted(pool.map(one, range(40)))
    assert counts == list(range(1, 41))
