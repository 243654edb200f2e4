"""No secret of a capability URL in any log line: a real gunicorn with its access log on, Django's
own log lines, and Debian's nginx as shipped serving the deployed site (docs/deploy)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from backrelease.accounts import email_confirmation
from backrelease.capability import tokens
from backrelease.devtools import nginx
from tests.factories import CalendarFeedFactory, ShareLinkFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError):
        return 0


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while get(url) != 200:
        assert time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.2)


def database_url() -> str:
    params = connection.settings_dict
    host = params["HOST"].replace("/", "%2F")
    return f"postgres://{params['USER']}@{host}:{params['PORT']}/{params['NAME']}"


@dataclass
class Gunicorn:
    port: int
    log: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "backrelease.settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "STATIC_MANIFEST": "false",
        "ACCESS_LOG": "1",
        "LOG_LEVEL": "INFO",
        "PORT": str(port),
        "WEB_WORKERS": "1",
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "backrelease/gunicorn.conf.py",
                "backrelease.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield Gunicorn(port, log, server)
    finally:
        Gunicorn(port, log, server).stop()


def secrets_in_use(person) -> dict[str, str]:
    """Paths of every kind of capability URL, with good and wrong secrets, with and without a
    query string, each with its secret."""
    share = tokens.new_token()
    ShareLinkFactory(person=person, token=share)
    feed = tokens.new_token()
    CalendarFeedFactory(person=person, token=feed)
    person.email = "ana@example.com"
    person.save()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    reset = default_token_generator.make_token(person)
    confirm = email_confirmation.token_for(person)
    wrong_share, wrong_feed = tokens.new_token(), tokens.new_token()
    wrong_reset, wrong_confirm = "cz4a1b-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", tokens.new_token()
    return {
        f"/shared/{share}/": share,
        f"/shared/{share}/weekly.csv": share,
        f"/shared/{share}/?weeks=all": share,
        f"/shared/{wrong_share}/": wrong_share,
        f"/calendar/{feed}.ics": feed,
        f"/calendar/{feed}.ics?v=2": feed,
        f"/calendar/{wrong_feed}.ics": wrong_feed,
        f"/accounts/reset/{uid}/{reset}/": reset,
        f"/accounts/reset/{uid}/{reset}/?next=/": reset,
        f"/accounts/reset/{uid}/{wrong_reset}/": wrong_reset,
        f"/accounts/email/confirm/{confirm}/": confirm,
        f"/accounts/email/confirm/{confirm}/?utm_source=mail": confirm,
        f"/accounts/email/confirm/{wrong_confirm}/": wrong_confirm,
    }


def test_gunicorn_and_django_write_no_secret(person, gunicorn):
    paths = secrets_in_use(person)
    for path in paths:
        assert get(f"http://127.0.0.1:{gunicorn.port}{path}") in {200, 302, 400, 404}
    time.sleep(0.5)
    written = gunicorn.log.read_text()
    assert written.count("[token]") >= len(paths)
    assert "Not Found: /accounts/email/confirm/[token]/" in written
    for secret in set(paths.values()):
        assert secret not in written


UNVERIFIED = ssl._create_unverified_context()
# What the app answers on these paths; nginx's own answers (502, 413, 400) are not among them.
APP_ANSWERS = {200, 302, 400, 404, 429}


def request(port: int, path: str, tls: bool, **headers: str) -> tuple[int, str]:
    """The status and Location of a GET, redirects not followed."""
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=UNVERIFIED, timeout=30)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


@pytest.mark.skipif(not nginx.installed(), reason="Debian's nginx is installed by make test")
def test_debians_nginx_with_the_deployed_site_writes_no_secret(person, gunicorn):
    paths = secrets_in_use(person)
    secrets = set(paths.values())
    with nginx.Nginx([gunicorn.port]) as proxy:
        assert proxy.check().returncode == 0
        proxy.start()
        for path in paths:
            assert request(proxy.https_port, path, tls=True)[0] in APP_ANSWERS, path
            redirect = request(proxy.http_port, path, tls=False)
            assert redirect == (301, f"https://127.0.0.1{path}")
        share_page = next(path for path in paths if path.startswith("/shared/"))
        referred = request(
            proxy.https_port,
            "/healthz",
            tls=True,
            Referer=f"https://backrelease.example{share_page}",
        )
        assert referred[0] == 200
        # The app down: nginx's error log would write each request line whole.
        gunicorn.stop()
        for path in paths:
            assert request(proxy.https_port, path, tls=True)[0] == 502
        proxy.stop()
        logs = proxy.logs()
    logs["gunicorn.log"] = gunicorn.log.read_text()
    # Debian's own access log, in the http block, is replaced by the site's for its servers.
    assert logs["access.log"] == ""
    redacted = [line for line in logs["backrelease.access.log"].splitlines() if "[token]" in line]
    # Each path over HTTPS, over HTTP (the redirect) and with the app down; the Referer.
    assert len(redacted) == 3 * len(paths) + 1
    assert any(" 502 " in line for line in redacted)
    found = [(name, secret) for name, text in logs.items() for secret in secrets if secret in text]
    assert found == []
