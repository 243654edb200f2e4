"""Simulated people for `make loadtest`: log in, do guided sessions, save journal entries, look at
trends. Every request is written to a log with its time and outcome, and every write the app
acknowledged is logged with what identifies it (the journal entry's submission key, the session's
number), so the driver can look each one up in the database afterwards."""

from __future__ import annotations

import itertools
import json
import os
import re
import time

from locust import HttpUser, constant, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password")
LOG = os.environ.get("LOAD_LOG", "/tmp/backrelease-load.jsonl")
people = itertools.count()
log_file = open(LOG, "a", buffering=1)  # noqa: SIM115  (open for the whole run)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
STEP = re.compile(r'data-step="([a-z_]+)"')
STEP_STARTED = re.compile(r'name="step_started_at" value="([^"]+)"')
SESSION_NUMBER = re.compile(r"/sessions/(\d+)/")


@events.request.add_listener
def record(request_type, name, response_time, response_length, response, exception, **kw):
    status = getattr(response, "status_code", 0)
    log_file.write(
        json.dumps(
            {
                "at": time.time(),
                "name": name,
                "status": status,
                "ms": response_time,
                "failed": bool(exception) or status >= 500 or status == 0,
            }
        )
        + "\n"
    )


def log_in(user: HttpUser) -> None:
    """Signs the simulated person in as one of the load-test accounts, through the login page."""
    username = f"load-{next(people) % int(os.environ.get('LOAD_PEOPLE', 50))}"
    page = user.client.get("/accounts/login/", name="login page")
    user.client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        name="login",
        headers={"Referer": user.host + "/accounts/login/"},
    )


class Person(HttpUser):
    """Someone using the app: mostly sessions and journal entries, now and then the trends."""

    wait_time = constant(0)

    def on_start(self) -> None:
        log_in(self)

    def _post(self, url: str, data: dict, name: str):
        return self.client.post(
            url,
            data,
            name=name,
            headers={
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "HX-Request": "true",
                "Referer": self.host + url,
            },
        )

    @task(3)
    def journal_save(self) -> None:
        form = self.client.get("/journal/new/", name="journal new")
        key = KEY.search(form.text)
        if form.status_code != 200 or not key:
            return
        response = self._post(
            "/journal/new/", {"pain": "5", "submission_key": key.group(1)}, "journal save"
        )
        if response.status_code == 200 and "Saved: pain 5" in response.text:
            acknowledged = {"acknowledged": "journal", "key": key.group(1)}
            log_file.write(json.dumps(acknowledged) + "\n")

    @task(2)
    def session(self) -> None:
        start = self.client.post(
            "/sessions/new/",
            {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            name="session start",
            headers={"Referer": self.host + "/sessions/new/"},
        )
        if start.status_code != 200:
            return
        url = start.url.replace(self.host, "")
        answers = {
            "pain_before": {"pain_before": "6"},
            "breathe": {},
            "arch_before": {"arch_before": "3"},
            "ball": {"ball_setup": "one"},
            "relax": {},
            "roll_off": {"arch_after": "1", "pain_after": "3"},
            "extras": {},
        }
        page = start.text
        step = STEP.search(page)
        for _ in range(len(answers)):
            started = STEP_STARTED.search(page)
            if not step or not started or step.group(1) not in answers:
                break
            response = self._post(
                url,
                {
                    "step": step.group(1),
                    "step_started_at": started.group(1),
                    "action": "next",
                    **answers[step.group(1)],
                },
                f"session step {step.group(1)}",
            )
            if response.status_code != 200:
                return
            page = response.text
            step = STEP.search(page)
        number = SESSION_NUMBER.search(url)
        if step and step.group(1) == "done" and number:
            acknowledged = {"acknowledged": "session", "number": int(number.group(1))}
            log_file.write(json.dumps(acknowledged) + "\n")

    @task(1)
    def trends(self) -> None:
        self.client.get("/trends/?range=12w", name="trends 12w")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")


class Minimal(HttpUser):
    """The floor: a view through the same middleware that does nothing (robots.txt)."""

    wait_time = constant(0)

    @task
    def robots(self) -> None:
        self.client.get("/robots.txt", name="minimal view")


class SignedInMinimal(HttpUser):
    """The signed-in floor: the bench's bare view that reads who is signed in and nothing more
    (its session row and its user row), through the same middleware as every page."""

    wait_time = constant(0)

    def on_start(self) -> None:
        log_in(self)

    @task
    def signed_in(self) -> None:
        # Signed out, it would time a redirect: that counts as a failure, not as the floor.
        with self.client.get(
            "/bench/signed-in/",
            name="signed-in minimal view",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"not signed in ({response.status_code})")
