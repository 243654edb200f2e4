"""A real server on loopback, signed in as the demo person: what `make audit` and
`make screenshots` look at."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import CommandError

from backrelease.accounts.models import User
from backrelease.devtools import demo
from sessions import flow
from sessions.models import ReleaseSession, Step

# `make audit` and `make screenshots` pass the PORT they were given (make's default: 8000).
PORT = int(os.environ.get("PORT", 8765))
BASE_URL = f"http://127.0.0.1:{PORT}"
# Debian's Chromium as root on a closed network: no sandbox, nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def demo_person() -> User:
    return demo.seed(os.environ.get("DEMO_PASSWORD", "release-demo"))[0]


def session_cookie(person: User) -> tuple[str, str]:
    """A signed-in session of `person`, made by the app's own session engine."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return settings.SESSION_COOKIE_NAME, store.session_key


@contextmanager
def running_server() -> Iterator[str]:
    """The app with DEBUG off (static files collected and compressed), as people get it."""
    try:
        urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=1)
    except OSError:
        pass
    else:
        # Measuring another server (a development one, say) would give its figures, not ours.
        raise CommandError(f"Something already answers on port {PORT}: stop it first.")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        env={**os.environ, "DEBUG": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise CommandError("The server did not start.")
        yield BASE_URL
    finally:
        server.terminate()
        server.wait()


@contextmanager
def open_session(person: User, up_to: Step = Step.PAIN_BEFORE) -> Iterator[ReleaseSession]:
    """A session of the demo person's at the given step, removed again afterwards."""
    ReleaseSession.objects.of(person).open().delete()
    session, _ = flow.start(person)
    answers = {
        Step.PAIN_BEFORE: {"pain_before": 6},
        Step.BREATHE: {},
        Step.ARCH_BEFORE: {"arch_before": 3},
        Step.BALL: {"ball_setup": "one"},
    }
    for step, values in answers.items():
        if session.step == up_to:
            break
        session = flow.apply(person, session.pk, step, session.step_started_at, "next", values)
    try:
        yield session
    finally:
        session.delete()
