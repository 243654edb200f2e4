"""No secret of a capability URL in any log line: a real gunicorn with its access log on, Django's
own log lines, and Debian's nginx with the deployment's log configuration (docs/deploy)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from backrelease.accounts import email_confirmation
from backrelease.capability import tokens
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
        yield port, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def secrets_in_use(person) -> dict[str, str]:
    """A path of every kind of capability URL, each with its secrets."""
    share = tokens.new_token()
    ShareLinkFactory(person=person, token=share)
    feed = tokens.new_token()
    CalendarFeedFactory(person=person, token=feed)
    person.email = "ana@example.com"
    person.save()
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    reset = default_token_generator.make_token(person)
    confirm = email_confirmation.token_for(person)
    return {
        f"/shared/{share}/": share,
        f"/shared/{share}/weekly.csv": share,
        "/shared/a-wrong-share-token-0123456789/": "a-wrong-share-token-0123456789",
        f"/calendar/{feed}.ics": feed,
        f"/accounts/reset/{uid}/{reset}/": reset,
        f"/accounts/email/confirm/{confirm}/": confirm,
        "/accounts/email/confirm/not-a-real-confirmation-token/": "not-a-real-confirmation-token",
    }


def test_gunicorn_and_django_write_no_secret(person, gunicorn):
    port, log = gunicorn
    paths = secrets_in_use(person)
    for path in paths:
        assert get(f"http://127.0.0.1:{port}{path}") in {200, 302, 400, 404}
    time.sleep(0.5)
    written = log.read_text()
    assert written.count("[token]") >= len(paths)
    assert "Bad Request: /accounts/email/confirm/[token]/" in written
    for secret in set(paths.values()):
        assert secret not in written


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx is installed by make test")
def test_nginx_with_the_deployment_log_settings_writes_no_secret(person, gunicorn, tmp_path):
    port, _ = gunicorn
    logs = (
        (ROOT / "docs/deploy/nginx-logs.conf").read_text().replace("/var/log/nginx", str(tmp_path))
    )
    proxy, down, dead = free_port(), free_port(), free_port()
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
events {{}}
http {{
    {logs}
    client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};
    fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};
    server {{
        listen 127.0.0.1:{proxy};
        location / {{ proxy_pass http://127.0.0.1:{port}; proxy_set_header Host $host; }}
    }}
    server {{
        listen 127.0.0.1:{down};
        location / {{ proxy_pass http://127.0.0.1:{dead}; }}
    }}
}}
""")
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{proxy}/healthz")
        paths = secrets_in_use(person)
        for path in paths:
            get(f"http://127.0.0.1:{proxy}{path}")
            # The app unreachable: nginx's error log would write the whole request line.
            assert get(f"http://127.0.0.1:{down}{path}") == 502
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
    written = (tmp_path / "access.log").read_text() + (tmp_path / "error.log").read_text()
    assert written.count("[token]") >= 2 * len(paths)
    for secret in set(paths.values()):
        assert secret not in written
