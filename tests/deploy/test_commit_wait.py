"""A commit the database does not acknowledge: a synchronous standby that is away. The app, served
by gunicorn as in production, answers "not saved yet" within COMMIT_WAIT (nginx would have given
its bare 504 after 60 s), never "saved" while the standby is away, and the same form sent again
once the standby is back stores the entry once.

Against a cluster of its own whose `synchronous_standby_names` names a standby that does not
exist, so every commit waits for ever, as on the primary while its only standby is down."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings

from backrelease.devtools import nginx, scratch, served
from backrelease.portability.views import IMPORT_WAIT

COMMIT_WAIT = 2
# A loaded machine's margin on top: well under the proxy's 60 s either way.
ANSWERED_WITHIN = COMMIT_WAIT + 3
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SIGNED_IN = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from backrelease.accounts.models import User
client = Client()
client.force_login(User.objects.create_user(username="waiting"))
print(json.dumps(client.cookies[settings.SESSION_COOKIE_NAME].value))
"""


def manage(url: str, *args: str) -> str:
    """`args` run as a process of its own on `url`'s database; its output."""
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=os.environ | {"DATABASE_URL": url},
        cwd=settings.BASE_DIR,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@dataclass
class App:
    db: scratch.Throwaway
    client: served.OverHttp

    def entries(self, key: str) -> int:
        sql = f"SELECT count(*) FROM journal_journalentry WHERE submission_key = '{key}'"
        return int(self.db.psql(sql))

    def post(self, path: str, fields: dict, **headers: str) -> tuple[float, object]:
        started = time.monotonic()
        response = self.client.post(
            path, urlencode(fields), "application/x-www-form-urlencoded", **headers
        )
        return time.monotonic() - started, response


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    with scratch.Throwaway() as db, pytest.MonkeyPatch.context() as env:
        manage(db.url, "manage.py", "migrate", "--verbosity", "0")
        cookie = json.loads(manage(db.url, "-c", SIGNED_IN))
        env.setenv("DATABASE_URL", db.url)
        env.setenv("COMMIT_WAIT", str(COMMIT_WAIT))
        env.setenv("WEB_WORKERS", "1")
        env.setenv("STATIC_MANIFEST", "false")
        with served.served() as server:
            client = served.OverHttp(server.port)
            # A request left waiting fails the test in seconds, not gunicorn's minutes.
            client.connection.timeout = ANSWERED_WITHIN + 10
            client.cookies[settings.SESSION_COOKIE_NAME] = cookie
            yield App(db, client)


def test_a_commit_the_standby_does_not_acknowledge_is_answered_and_saved_once_later(app):
    form = app.client.get("/journal/new/").content.decode()
    fields = {
        "csrfmiddlewaretoken": CSRF.search(form).group(1),
        "submission_key": KEY.search(form).group(1),
        "pain": "6",
    }
    app.db.reconfigure(synchronous_standby_names="standby_that_is_away")

    took, response = app.post("/journal/new/", fields)
    assert took < ANSWERED_WITHIN
    assert response.status_code == 202
    page = response.content.decode()
    assert "Not saved yet: we could not confirm that your entry was stored." in page
    # The same form, with its key, so saving it again is safe.
    assert f'value="{fields["submission_key"]}"' in page
    # Committed on the primary only, its wait for the standby cancelled.
    assert app.entries(fields["submission_key"]) == 1

    # Sent again while the standby is still away: not called saved.
    took, response = app.post("/journal/new/", fields, HTTP_HX_REQUEST="true")
    assert took < ANSWERED_WITHIN
    assert response.status_code == 202
    partial = response.content.decode()
    assert "<html" not in partial
    assert "Not saved yet" in partial

    # Reading needs no standby.
    assert ": pain 6<" in app.client.get("/journal/").content.decode()

    app.db.reconfigure(synchronous_standby_names="")
    took, response = app.post("/journal/new/", fields)
    assert response.status_code == 302
    assert response.content == b""
    assert app.entries(fields["submission_key"]) == 1


def test_any_other_write_left_waiting_gets_the_apps_own_page(app):
    form = app.client.get("/journal/check-in/").content.decode()
    fields = {
        "csrfmiddlewaretoken": CSRF.search(form).group(1),
        "pain_average": "3",
        "enjoyment_interference": "2",
        "activity_interference": "1",
    }
    app.db.reconfigure(synchronous_standby_names="standby_that_is_away")
    try:
        took, response = app.post("/journal/check-in/", fields)
    finally:
        app.db.reconfigure(synchronous_standby_names="")
    assert took < ANSWERED_WITHIN
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>Not saved yet</h1>" in page
    assert "Look there before you send it again." in page


def test_the_app_answers_well_before_the_proxy_gives_up():
    """nginx's proxy_read_timeout in the deployed site, above the app's own bounds."""
    found = re.search(r"proxy_read_timeout (\d+)s;", nginx.DEPLOYED.read_text())
    assert found is not None
    assert max(settings.COMMIT_WAIT, IMPORT_WAIT) + 10 <= int(found.group(1))
