from __future__ import annotations

import fcntl
import os
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from backrelease.devtools import cluster as devdb
from backrelease.devtools import pseudo
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
    name = f"test_backrelease_{os.getpid()}"
    if os.environ.get("MUTATION_DATABASE"):
        name = free_mutation_database(os.environ["MUTATION_DATABASE"])
    database["TEST"] = {**database.get("TEST", {}), "NAME": name}
    # Static files come from the finders, as in development, so no collectstatic is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real hashing costs most of a second a person; tests make many people.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `make mutation` runs the mutated module's own tests first: most mutants die there in a
    # second, before the slower tests of every page that also passes through the module.
    # In the order given: the quickest first.
    first = os.environ.get("MUTATION_TESTS_FIRST", "").split()
    if first:
        items.sort(
            key=lambda item: next(
                (rank for rank, path in enumerate(first) if item.nodeid.startswith(path)),
                len(first),
            )
        )


# The locks of the mutation databases this process took, held until it ends.
HELD_LOCKS = []


def free_mutation_database(prefix: str) -> str:
    """`make mutation`: every mutant is a pytest run in a new process, beside another. Each takes
    the first of the databases <prefix>_0, _1, … that no running process holds, migrated once and
    kept (--reuse-db), rather than migrating a database per mutant."""
    slot = 0
    while True:
        lock = open(Path(tempfile.gettempdir()) / f"{prefix}_{slot}.lock", "w")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            slot += 1
        else:
            HELD_LOCKS.append(lock)
            return f"{prefix}_{slot}"


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


@pytest.fixture(scope="session")
def pseudo_catalogs(tmp_path_factory) -> Path:
    return pseudo.build(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture
def pseudo_locale(pseudo_catalogs, settings) -> str:
    """Every message accented and half as long again (backrelease/devtools/pseudo.py), offered as
    one more language; a person's `language` set to it reads it."""
    settings.LANGUAGES = [*settings.LANGUAGES, (pseudo.LANGUAGE, pseudo.NAME)]
    settings.LOCALE_PATHS = [pseudo_catalogs, *settings.LOCALE_PATHS]
    return pseudo.LANGUAGE
