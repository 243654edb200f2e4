"""The bound on a request's database calls (backrelease/common/commit_wait.py), in this process:
what it cancels and what it leaves alone. tests/deploy/test_commit_wait.py drives it through
gunicorn against a standby that never answers."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from backrelease.common import commit_wait

pytestmark = pytest.mark.django_db


def test_it_cancels_a_call_still_running_at_the_deadline(settings):
    settings.COMMIT_WAIT = 0.3
    started = time.monotonic()
    with (
        commit_wait.watched() as watch,
        pytest.raises(OperationalError),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(10)")
    assert time.monotonic() - started < 3
    assert watch.tripped


def test_it_leaves_a_request_busy_elsewhere_alone(settings):
    settings.COMMIT_WAIT = 0.1
    with commit_wait.watched() as watch:
        time.sleep(0.3)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    assert not watch.tripped


def test_a_write_it_cut_short_is_not_confirmed(settings):
    settings.COMMIT_WAIT = 0.3
    with (
        commit_wait.watched() as watch,
        pytest.raises(commit_wait.NotConfirmed),
        commit_wait.confirmed(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(10)")
    # The view has answered it: the middleware keeps that answer.
    assert watch.answered


def test_a_view_may_allow_itself_longer(settings):
    settings.COMMIT_WAIT = 0.2

    @commit_wait.allowing(5)
    def slow_view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.6)")
        return "answered"

    with commit_wait.watched() as watch:
        assert slow_view(RequestFactory().post("/")) == "answered"
    assert not watch.tripped


def test_its_page_says_not_saved_yet_to_a_post_and_back_soon_to_a_get():
    posted = commit_wait.not_confirmed(RequestFactory().post("/journal/new/"))
    assert posted.status_code == 503
    assert "<h1>Not saved yet</h1>" in posted.content.decode()
    read = commit_wait.not_confirmed(RequestFactory().get("/journal/"))
    assert read.status_code == 503
    assert "<h1>Back in a moment</h1>" in read.content.decode()
