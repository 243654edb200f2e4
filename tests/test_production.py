"""What production relies on: the health check, database faults, headers, settings and logs."""

from __future__ import annotations

import gzip
import os
import runpy
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config
from psycopg_pool import PoolTimeout

from backrelease.common import database
from tests.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        # The test run's own allowance for Playwright is no deployment's.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_it_answers_health_checks_on_get_and_head():
    assert Client().get("/healthz").text == "ok"
    assert Client().head("/healthz").status_code == 200


@pytest.mark.parametrize("error", [PoolTimeout("no connection"), OperationalError("gone")])
def test_it_answers_503_from_the_health_check_when_the_database_is_down(monkeypatch, error):
    def down():
        raise error

    monkeypatch.setattr(connection, "cursor", down)
    assert Client().get("/healthz").status_code == 503
    assert Client().head("/healthz").status_code == 503


@pytest.mark.parametrize(
    ("error", "status", "says"),
    [
        (OperationalError("server closed the connection"), 503, "cannot reach its database"),
        (PoolTimeout("couldn't get a connection"), 503, "cannot reach its database"),
        (ValueError("a bug"), 500, "it is our fault"),
    ],
)
def test_it_answers_503_when_the_database_is_down_and_500_otherwise(
    person_client, monkeypatch, error, status, says
):
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr("journal.trends.weekly", failing)
    person_client.raise_request_exception = False
    response = person_client.get(reverse("trends"))
    assert response.status_code == status
    assert says in response.text
    assert (response.get("Retry-After") == "5") == (status == 503)


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_first_request_after_the_database_dropped_every_connection(person):
    client = Client()
    client.force_login(person)
    JournalEntryFactory(person=person)
    assert client.get(reverse("journal:list")).status_code == 200
    # The test client keeps its connection between requests; a real request hands it back.
    connections.close_all()
    # Several idle connections in the pool, as a busy server has when the database restarts.
    pool = connection.pool
    held = [pool.getconn() for _ in range(4)]
    for conn in held:
        pool.putconn(conn)
    with psycopg.connect(**database.plain_connection_params(), autocommit=True) as admin:
        # Each terminated backend has exited (and said so on its socket) before the next request,
        # as after a restart; the pool hands out no connection whose server has closed it.
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert dropped >= 1
    for _ in range(3):
        assert client.get(reverse("journal:list")).status_code == 200
        connections.close_all()


def test_it_keeps_signed_in_pages_out_of_caches(person_client):
    response = person_client.get(reverse("home"))
    assert "Cookie" in response["Vary"]
    assert "screen-wake-lock=(self)" in response["Permissions-Policy"]


def test_it_lets_public_pages_be_cached_by_nobody_in_particular():
    response = Client().get(reverse("login"))
    assert "camera=()" in response["Permissions-Policy"]


def test_it_passes_the_deploy_check_with_https():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HTTPS="true",
        DEBUG="false",
        SECRET_KEY="x" * 60 + "a-long-random-enough-secret-for-this-check-0123456789",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_the_public_development_key_without_debug():
    result = manage("check", DEBUG="false", SECRET_KEY=settings.DEV_SECRET_KEY)
    assert result.returncode != 0
    assert "the public development key works only with DEBUG=true" in result.stderr


@pytest.mark.parametrize(
    ("path", "redacted"),
    [
        ("/shared/secret-token-123/fhir.json", "/shared/[token]"),
        ("/calendar/secret-token-123.ics", "/calendar/[token]"),
    ],
)
def test_it_keeps_capability_tokens_out_of_gunicorns_logs(capsys, path, redacted):
    conf = runpy.run_path(str(settings.BASE_DIR / "backrelease" / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    config.set("errorlog", "-")
    logger = conf["RedactingLogger"](config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://example.org" + path,
    }
    response = SimpleNamespace(status="404 Not Found", headers=[], sent=120)
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    logger.error(f"Error handling request {path}")
    written = "".join(capsys.readouterr())
    assert "secret-token-123" not in written
    assert written.count(redacted) >= 2


def test_it_compresses_pages_and_streamed_exports(person, person_client):
    JournalEntryFactory.create_batch(30, person=person, note="stiff after sitting all day")
    page = person_client.get(reverse("journal:list"), HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    export = person_client.get(reverse("export-csv"), HTTP_ACCEPT_ENCODING="gzip")
    assert export["Content-Encoding"] == "gzip"
    assert export.streaming
    assert b"stiff after sitting" in gzip.decompress(export.getvalue())


def test_it_never_compresses_the_page_that_shows_a_new_share_token(person_client):
    response = person_client.post(
        reverse("sharing:list"),
        {"label": "Dr Lee", "expires_on": str(timezone.localdate() + timedelta(days=30))},
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert "/shared/" in response.text
    assert response["Content-Encoding"] == "identity"


def test_a_503_waits_for_the_database_once(person_client, monkeypatch):
    """With the database down, the page that says so is not held up by a second wait for it."""
    attempts = []

    def down(*args, **kwargs):
        attempts.append(1)
        raise PoolTimeout("couldn't get a connection")

    monkeypatch.setattr(
        "backrelease.accounts.session_store.SessionStore._get_session_from_db", down
    )
    person_client.raise_request_exception = False
    response = person_client.get(reverse("home"))
    assert response.status_code == 503
    assert len(attempts) == 1
