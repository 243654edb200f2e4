from __future__ import annotations

import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from backrelease.devtools import cluster as devdb
from tests.factories import UserFactory

TEST_DATABASE_WAIT = 60
# The sync Playwright API runs an event loop in the test thread, which Django would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    # `pytest` on its own works too: the local cluster is started when no DATABASE_URL is given.
    if os.environ.get("DATABASE_URL", devdb.local_url()) == devdb.local_url():
        devdb.up()
    # A loaded machine makes the tests slow, never red: they wait for the database far longer
    # than a request would.
    database = settings.DATABASES["default"]
    database["OPTIONS"]["connect_timeout"] = TEST_DATABASE_WAIT
    if "pool" in database["OPTIONS"]:
        database["OPTIONS"]["pool"]["timeout"] = TEST_DATABASE_WAIT
    # Two runs at once (two checkouts, or one run beside another) each get a test database of
    # their own.
    database["TEST"] = {**database.get("TEST", {}), "NAME": f"test_backrelease_{os.getpid()}"}
    # Static files come from the finders, as in development, so no collectstatic is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real hashing costs most of a second a person; tests make many people.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Runs every task the app has queued (mail), as the worker beside the web server does.

    Inside the test's transaction: the worker's own reconnect between tasks would leave it, so it
    keeps the test's connection instead.
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command(
            "db_worker",
            batch=True,
            startup_delay=False,
            reload=False,
            verbosity=0,
            stdout=StringIO(),
        )

    return run


@pytest.fixture
def person(db):
    return UserFactory()


@pytest.fixture
def other_person(db):
    return UserFactory()


@pytest.fixture
def person_client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}
