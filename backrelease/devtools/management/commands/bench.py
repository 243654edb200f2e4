"""`make bench`: every main page for a three-year person and a demo-sized one, against floors.

In-process through Django's full middleware stack (the test client, enforcing CSRF like a browser
meets it), so the figures are the app's own cost without network noise. Floors, measured in the
same run and interleaved with the pages, each matching the work it is compared with: bare views
behind the same middleware (an anonymous read, a signed-in read, a signed-in CSRF-checked write of
one row in a transaction, a step's row read and a template as long as its partial rendered, the
weekly SQL with the bytes of the trend page sent), the raw weekly SQL bound on the client as
Django binds it, PostgreSQL's own `COPY … TO STDOUT` of the rows the downloads hold, and a static
file. Insights are timed for a one-year and a ten-year person. The everyday pages are timed in
German and in English for the same person (the account's language switched before each request),
the trial's result page for a six-pair plan, and a practice's list of 200 patients. Writes
`docs/benchmarks/bench.json` and prints every ratio against its target with PASS or MISS.

It signs in as its own people only (`demo.bench_person`), and what it writes is theirs alone: its
clean-up deletes the rows they hold dated from when they were made (`demo.bench_written`), before
the run (a run that was killed) and after it, with the practice it makes for its clinician.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

import django_otp
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backrelease.accounts.models import User
from backrelease.capability import tokens
from backrelease.common import database
from backrelease.common.local_time import iso_sql
from backrelease.common.period import Period, in_period
from backrelease.devtools import demo, localserver
from backrelease.devtools.bench_urls import CLINIC_LIST_BODY, SENT_BODY, TRIAL_RESULT_BODY
from backrelease.devtools.served import OverHttp, served
from journal import exports, sharing, trends, usual_pain
from journal.clinic import codes
from journal.clinic.models import Clinician, Grant, Membership, Practice, Role
from journal.models import JournalEntry, ShareLink
from journal.trial import design
from journal.trial.models import Status, TrialPlan, TrialRating
from sessions.models import Instrument, ReleaseSession, Step
from sessions.reminders import calendar_feed
from sessions.reminders.models import SessionReminder
from sessions.wording import shown

THREE_YEARS = demo.THREE_YEARS
DEMO_SIZED = demo.DEMO_SIZED
TOKENS = {DEMO_SIZED: "bench-demo-sized-share-token", THREE_YEARS: "bench-three-year-share-token"}
TEN_YEAR_TOKEN = "bench-ten-year-share-token"
OUT = Path(settings.BASE_DIR) / "docs" / "benchmarks" / "bench.json"
OUT_HTTP = Path(settings.BASE_DIR) / "docs" / "benchmarks" / "bench-http.json"
# Pages that show every week or every row asked for: their cost follows the history they carry.
WHOLE_HISTORY = [
    "trends all",
    "clinician report all",
    "insights (after a change)",
    "clinician CSV",
    "clinician FHIR",
    "weekly CSV",
]


# The account's language for the everyday pages in two languages (`_languages`).
ENGLISH, GERMAN = "en-gb", "de"
# The practice's list is timed for this many patients (issue 38).
CLINIC_PATIENTS = 200
TRIAL_PAIRS = 6


# The everyday pages timed in both languages (`Command._languages`).
LANGUAGE_PAGES = [
    "home",
    "session step page",
    "session step partial",
    "journal list",
    "trends",
    "reminders",
]
TRIAL_RESULT = f"trial result ({TRIAL_PAIRS} pairs)"
CLINIC_LIST = f"clinic patients ({CLINIC_PATIENTS})"
TRIAL_FLOOR = f"trial rows sent ({TRIAL_PAIRS} pairs)"
CLINIC_FLOOR = f"clinic rows SQL sent ({CLINIC_PATIENTS} patients)"


# htmx posts a form URL-encoded (the test client would send multipart by default).
FORM_ENCODED = "application/x-www-form-urlencoded"


def as_htmx_sends(fields: dict[str, str]) -> str:
    return urlencode(fields)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# Requests each endpoint gets before the timed rounds, untimed: caches and connections warm.
WARM_UP = 5


@dataclass
class Endpoint:
    """One thing timed: `request` (given what the untimed `setup` made, if any), with its times,
    query count and last response."""

    request: Callable[[object], HttpResponseBase | list]
    setup: Callable[[], object] | None = None
    # Markup every response must hold: a save that was refused would be timed as a save otherwise.
    expect: bytes = b""
    # Untimed, after each request: puts back what `setup` changed for it alone.
    teardown: Callable[[], None] | None = None
    times: list[float] = field(default_factory=list)
    queries: int = 0
    response: HttpResponseBase | None = None
    body: bytes = b""

    def sample(self, count: int, *, keep: bool = True) -> None:
        for _ in range(count):
            made = self.setup() if self.setup else None
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = self.request(made)
                body = response.getvalue() if isinstance(response, HttpResponseBase) else b""
                elapsed = (time.perf_counter() - start) * 1000
            if isinstance(response, HttpResponseBase):
                assert response.status_code < 400, (response.status_code, body[:300])
                self.response, self.body = response, body
                if self.expect:
                    assert self.expect in self.raw_body(), (self.expect, self.raw_body()[:300])
            if self.teardown:
                self.teardown()
            if keep:
                self.times.append(elapsed)
                self.queries = max(self.queries, len(captured.captured_queries))

    def figures(self) -> dict:
        figures = {
            "median_ms": round(statistics.median(self.times), 2),
            "p95_ms": round(percentile(self.times, 0.95), 2),
        }
        if self.response is None:
            return figures
        return figures | {
            "queries": self.queries,
            "bytes_raw": len(self.raw_body()),
            "bytes_wire": len(self.body),
            "status": self.response.status_code,
        }

    def raw_body(self) -> bytes:
        """The last response's body as it was before gzip."""
        compressed = self.response.get("Content-Encoding") == "gzip"
        return gzip.decompress(self.body) if compressed else self.body


class Command(BaseCommand):
    help = "Median and p95 of every main page for a three-year person and a demo-sized one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument(
            "--http",
            action="store_true",
            help="Over HTTP through gunicorn started as `make serve` starts it, not in-process.",
        )

    def handle(self, *args, requests: int, http: bool, **options) -> None:
        self.n = requests
        self.server = None
        self.clients: dict[str, object] = {}
        self.sessions: dict[str, ReleaseSession] = {}
        out = OUT_HTTP if http else OUT
        people = {DEMO_SIZED: demo.demo_sized_person(), THREE_YEARS: demo.three_year_person()}
        by_years = {years: demo.long_history_person(years) for years in (1, 10)}
        trial = demo.trial_person()
        patients = [demo.clinic_patient(n) for n in range(1, CLINIC_PATIENTS + 1)]
        clinician = bench_clinician()
        everyone = [*people.values(), *by_years.values(), trial, *patients, clinician]
        clean_up(everyone)
        # The everyday pages in English are the account's English too, as the German ones are its
        # German (`_languages`); put back after the run.
        demo_sized = people[DEMO_SIZED]
        language_before = demo_sized.language
        User.objects.filter(pk=demo_sized.pk).update(language=ENGLISH)
        for name, person in people.items():
            ShareLink.objects.filter(token_hash=tokens.hash_token(TOKENS[name])).delete()
            sharing.create(
                person,
                TOKENS[name],
                label="bench",
                expires_at=timezone.now() + timedelta(days=30),
                include_notes=True,
            )
        self.raw_connection = psycopg.connect(**database.plain_connection_params())
        self.order = random.Random()
        with (
            tempfile.TemporaryDirectory() as folder,
            override_settings(ROOT_URLCONF="backrelease.devtools.bench_urls", DEBUG=False),
        ):
            # The weekly floor's body, written once the page it matches has been fetched; the
            # server started below finds the file's name in its environment.
            os.environ[SENT_BODY] = str(Path(folder) / "trends-all.html")
            try:
                with served() if http else nullcontext() as self.server:
                    figures = self._measure(
                        people,
                        by_years,
                        trial_plan(trial),
                        practice_of(clinician, patients),
                    )
            finally:
                self.raw_connection.close()
                clean_up(everyone)
                User.objects.filter(pk=demo_sized.pk).update(language=language_before)
                del os.environ[SENT_BODY]
        results = {
            "floors": figures["floors"],
            "people": figures["people"],
            "insights by history": figures["insights"],
            "languages": figures["languages"],
            "trial and clinic": figures["trial and clinic"],
        }
        if figures["memory"]:
            results["worker memory"] = figures["memory"]
        results["ratios"] = self._ratios(results)
        results["targets"] = targets(results["ratios"], figures["memory"])
        results["machine"] = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "over": "HTTP, gunicorn as make serve runs it" if http else "in-process",
            "requests_per_endpoint": self.n,
            "order": "every endpoint once a round, in a new random order each round",
            "measured_at": timezone.now().isoformat(),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        self._print(results, out)

    def _measure(
        self,
        people: dict[str, User],
        by_years: dict[int, User],
        plan: TrialPlan,
        practice: Practice,
    ) -> dict:
        anonymous = self._client()
        signed_in = self._client(people[DEMO_SIZED], csrf=True)
        long_history = people[THREE_YEARS]
        pages = {name: self._pages(person, TOKENS[name]) for name, person in people.items()}
        long_client, long_session = self.clients[THREE_YEARS], self.sessions[THREE_YEARS]
        # The trend page the weekly floor sends again, byte for byte.
        trends_all = pages[THREE_YEARS]["trends all"]
        trends_all.sample(1, keep=False)
        Path(os.environ[SENT_BODY]).write_bytes(trends_all.raw_body())
        languages = self._languages(people[DEMO_SIZED])
        more, more_floors = self._trial_and_clinic(plan, practice)
        floors = {
            "anonymous read": Endpoint(lambda _: anonymous.get("/bench/minimal/")),
            "signed-in read": Endpoint(lambda _: signed_in.get("/bench/signed-in/")),
            "signed-in write": Endpoint(
                lambda _: signed_in.post("/bench/write/", **signed_in.csrf),
                expect=b"saved",
            ),
            "static file": Endpoint(lambda _: anonymous.get("/static/css/app.css")),
            "step row and template (3 years)": Endpoint(
                lambda _: long_client.get(f"/bench/step/{long_session.pk}/")
            ),
            "weekly SQL sent (3 years)": Endpoint(lambda _: long_client.get("/bench/weekly-sent/")),
            "raw weekly SQL (3 years)": self._raw_weekly_sql(long_history),
            # The download's own statement: what it adds is Django, streaming and gzip.
            "COPY CSV rows (3 years)": self._csv_chunks(long_history),
            "COPY FHIR JSON (3 years)": self._copy(copy_fhir_sql(), long_history),
            **more_floors,
        }
        insight_pages = {years: self._insights(person) for years, person in by_years.items()}
        self._run(
            [
                *floors.values(),
                *(e for by in pages.values() for e in by.values()),
                *(e for by in insight_pages.values() for e in by.values()),
                *(e for by in languages.values() for e in by.values()),
                *more.values(),
            ]
        )
        return {
            "floors": {name: endpoint.figures() for name, endpoint in floors.items()},
            "people": {
                person: {page: endpoint.figures() for page, endpoint in by_page.items()}
                for person, by_page in pages.items()
            },
            "insights": {
                f"{years} year{'s' if years > 1 else ''}": {
                    page: e.figures() for page, e in by_page.items()
                }
                for years, by_page in insight_pages.items()
            },
            "languages": {
                language: {page: e.figures() for page, e in by_page.items()}
                for language, by_page in languages.items()
            },
            "trial and clinic": {page: e.figures() for page, e in more.items()},
            "memory": self._worker_memory(by_years[10]) if self.server else None,
        }

    def _languages(self, person: User) -> dict[str, dict[str, Endpoint]]:
        """The everyday pages of the same person, with the same rows and the same open session, in
        English and in German: the account's language is what decides, so each request's untimed
        set-up saves the language it is timed in (both alike, a row update each), and a German
        request puts English back after it, for the person's other pages. Interleaved with every
        other endpoint, as they all are."""
        client = self.clients[person.username]
        session = self.sessions[person.username]
        step_url = session.get_absolute_url()
        htmx = {"HTTP_HX_REQUEST": "true"}

        def speaking(language: str, step: bool) -> Callable[[], object]:
            def setup() -> object:
                User.objects.filter(pk=person.pk).update(language=language)
                return at_step(session, Step.ARCH_BEFORE, 6)() if step else None

            return setup

        def back_to_english() -> None:
            User.objects.filter(pk=person.pk).update(language=ENGLISH)

        found = {}
        for name, language in (("English", ENGLISH), ("German", GERMAN)):
            page = f'<html lang="{language}">'.encode()
            teardown = back_to_english if language != ENGLISH else None
            found[name] = {
                "home": Endpoint(
                    lambda _: client.get("/"), speaking(language, False), page, teardown
                ),
                "session step page": Endpoint(
                    lambda _: client.get(step_url), speaking(language, True), page, teardown
                ),
                "session step partial": Endpoint(
                    lambda _: client.get(step_url, **htmx),
                    speaking(language, True),
                    b'data-step="arch_before"',
                    teardown,
                ),
                "journal list": Endpoint(
                    lambda _: client.get("/journal/"), speaking(language, False), page, teardown
                ),
                "trends": Endpoint(
                    lambda _: client.get("/trends/"), speaking(language, False), page, teardown
                ),
                "reminders": Endpoint(
                    lambda _: client.get("/reminders/"), speaking(language, False), page, teardown
                ),
            }
        return found

    def _trial_and_clinic(
        self, plan: TrialPlan, practice: Practice
    ) -> tuple[dict[str, Endpoint], dict[str, Endpoint]]:
        """The trial's result page for a six-pair plan and a practice's list of its patients, each
        with the floor it is judged against, the same client asking for both. Each floor is the
        page's own reads sent with the page's own bytes (as the weekly floor is for trends): a
        signed-in read of comparable size. Against the bare signed-in read (a username sent) the
        result page would be judged for the SciPy it must run, and the list for the one query that
        summarises 200 patients; those ratios are printed too, without a target."""
        trial_client = self._client(plan.person, HTTP_ACCEPT_ENCODING="gzip, br")
        folder = Path(os.environ[SENT_BODY]).parent
        result = Endpoint(
            lambda _: trial_client.get("/trial/result/"), expect=b'class="verdict notice"'
        )
        result.sample(1, keep=False)
        (folder / TRIAL_RESULT_BODY).write_bytes(result.raw_body())
        clinician = Membership.objects.get(practice=practice).person
        clinic_client = self._clinician_client(clinician)
        patients = Endpoint(lambda _: clinic_client.get("/clinic/"), expect=b'<th scope="row">')
        patients.sample(1, keep=False)
        listed = patients.raw_body().count(b'<th scope="row">')
        assert listed == CLINIC_PATIENTS, f"{listed} patients listed, not {CLINIC_PATIENTS}"
        (folder / CLINIC_LIST_BODY).write_bytes(patients.raw_body())
        return (
            {TRIAL_RESULT: result, CLINIC_LIST: patients},
            {
                TRIAL_FLOOR: Endpoint(lambda _: trial_client.get("/bench/trial-sent/")),
                CLINIC_FLOOR: Endpoint(
                    lambda _: clinic_client.get("/bench/clinic-sent/"),
                    expect=b'<th scope="row">',
                ),
            },
        )

    def _clinician_client(self, person: User):
        """Signed in as the practice's clinician with the second factor verified, as after the
        two-factor page."""
        client = self._client(person, HTTP_ACCEPT_ENCODING="gzip, br")
        device = TOTPDevice.objects.get(user=person, confirmed=True)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
        store[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.save()
        return client

    def _run(self, endpoints: list[Endpoint]) -> None:
        """Every endpoint once a round, in a new random order each round: a slow spell on this
        shared machine then falls on floors and pages alike, and no endpoint's requests follow
        each other (a burst of the same request flatters it, or a neighbour's burst slows it)."""
        for endpoint in endpoints:
            endpoint.sample(WARM_UP, keep=False)
        order = list(endpoints)
        for number in range(self.n):
            if number % max(1, self.n // 10) == 0:
                self.stdout.write(f"Round {number + 1} of {self.n}…")
            self.order.shuffle(order)
            for endpoint in order:
                endpoint.sample(1)

    def _client(self, person: User | None = None, *, csrf: bool = False, **defaults):
        """A client held to CSRF as a browser is, signed in as `person` if given; with `csrf`, it
        carries the token a page set, in the header htmx sends (`client.csrf`). In-process the
        test client, over HTTP the same calls sent to the server."""
        if self.server:
            client = OverHttp(self.server.port, **defaults)
            if person:
                name, key = localserver.session_cookie(person)
                client.cookies[name] = key
        else:
            client = Client(enforce_csrf_checks=True, **defaults)
            if person:
                client.force_login(person)
        if csrf:
            client.get("/journal/")
            client.csrf = {"HTTP_X_CSRFTOKEN": client.cookies[settings.CSRF_COOKIE_NAME].value}
        return client

    def _worker_memory(self, person: User) -> dict:
        """The web workers' peak resident memory (VmHWM) after the timed rounds, and again after
        each has sent the ten-year person's downloads: the clinician's CSV and FHIR export and the
        person's own JSON export. Flat means streamed."""
        ShareLink.objects.filter(token_hash=tokens.hash_token(TEN_YEAR_TOKEN)).delete()
        sharing.create(
            person,
            TEN_YEAR_TOKEN,
            label="bench",
            expires_at=timezone.now() + timedelta(days=1),
            include_notes=True,
        )
        before = self.server.peak_memory_mb()
        sizes = {}
        # A new connection each time, so that every worker takes some of them.
        for _ in range(len(before) * 3):
            clinician = self._client(HTTP_ACCEPT_ENCODING="gzip")
            for name in ("back-release.csv", "fhir.json"):
                sizes[name] = len(clinician.get(f"/shared/{TEN_YEAR_TOKEN}/{name}").getvalue())
            own = self._client(person, HTTP_ACCEPT_ENCODING="gzip")
            sizes["export.json"] = len(own.get("/accounts/export.json").getvalue())
        after = self.server.peak_memory_mb()
        return {
            "peak_mb_after_the_rounds": before,
            "peak_mb_after_10_year_downloads": after,
            "most_grown_mb": round(max(b - a for a, b in zip(before, after, strict=True)), 1),
            "10_year_download_bytes_gzipped": sizes,
        }

    def _raw_weekly_sql(self, person: User) -> Endpoint:
        """The trend page's weekly query alone, with its parameters merged into the text on the
        client (psycopg's ClientCursor), which is how Django's backend sends every query."""
        params = Period.of(person).sql_params()
        cursor = psycopg.ClientCursor(self.raw_connection)
        return Endpoint(lambda _: cursor.execute(trends.WEEKLY_SQL, params).fetchall())

    def _csv_chunks(self, person: User) -> Endpoint:
        """PostgreSQL writing the CSV's rows in the download's own chunks (`csv_chunk_rows`)."""
        scope = exports.Scope(Period.of(person))

        def copy(_) -> list:
            with psycopg.ClientCursor(self.raw_connection) as cursor:
                return csv_chunk_rows(cursor, scope)

        return Endpoint(copy)

    def _copy(self, statements: list[str], person: User) -> Endpoint:
        """PostgreSQL writing the rows itself, read through psycopg in the blocks it sends."""
        params = Period.of(person).sql_params()

        def copy(_) -> list:
            sizes = []
            with psycopg.ClientCursor(self.raw_connection) as cursor:
                for statement in statements:
                    with cursor.copy(statement, params) as copy:
                        sizes.extend(len(block) for block in copy)
            return sizes

        return Endpoint(copy)

    def _insights(self, person: User) -> dict[str, Endpoint]:
        """The insights partial as a person usually meets it (kept), and right after they wrote
        a rating (computed again): today's journal entry, its pain changed before each request."""
        client = self._client(person)
        htmx = {"HTTP_HX_REQUEST": "true"}
        entry = JournalEntry.objects.create(person=person, pain=5)

        def change_a_rating() -> None:
            JournalEntry.objects.filter(pk=entry.pk).update(pain=(entry.pain + 1) % 11)
            entry.refresh_from_db(fields=["pain"])

        return {
            "insights (kept)": Endpoint(lambda _: client.get("/trends/insights/", **htmx)),
            "insights (after a change)": Endpoint(
                lambda _: client.get("/trends/insights/", **htmx), change_a_rating
            ),
        }

    def _pages(self, person: User, token: str) -> dict[str, Endpoint]:
        client = self._client(person, csrf=True, HTTP_ACCEPT_ENCODING="gzip, br")
        self.clients[person.username] = client
        clinician = self._client(HTTP_ACCEPT_ENCODING="gzip")
        calendar = self._client()
        feed_token = calendar_feed.create_feed(person)
        if not SessionReminder.objects.filter(person=person).exists():
            SessionReminder.objects.create(person=person, weekdays=[1, 3, 5], at="07:30")
        htmx = {"HTTP_HX_REQUEST": "true"}
        # One open session a person: the step pages and the rating save share it, each setting it
        # to the step it needs before its request (untimed).
        session = ReleaseSession.objects.create(person=person)
        self.sessions[person.username] = session
        step_url = session.get_absolute_url()

        arch_step = at_step(session, Step.ARCH_BEFORE, 6)
        return {
            "home": Endpoint(lambda _: client.get("/")),
            "session step page": Endpoint(lambda _: client.get(step_url), arch_step),
            "session step partial": Endpoint(lambda _: client.get(step_url, **htmx), arch_step),
            "journal list": Endpoint(lambda _: client.get("/journal/")),
            "journal save": Endpoint(
                lambda _: client.post(
                    "/journal/new/",
                    as_htmx_sends({"pain": "4", "submission_key": str(uuid.uuid4())}),
                    content_type=FORM_ENCODED,
                    **htmx,
                    **client.csrf,
                ),
                expect=b"Saved: pain 4",
            ),
            "trends 4w": Endpoint(lambda _: client.get("/trends/", {"range": "4w"})),
            "trends 12w": Endpoint(lambda _: client.get("/trends/", {"range": "12w"})),
            "trends all": Endpoint(lambda _: client.get("/trends/", {"range": "all"})),
            "weekly CSV": Endpoint(lambda _: client.get("/trends/weekly.csv", {"range": "all"})),
            "history": Endpoint(lambda _: client.get("/sessions/")),
            "reminders": Endpoint(lambda _: client.get("/reminders/")),
            "calendar feed": Endpoint(lambda _: calendar.get(f"/calendar/{feed_token}.ics")),
            "clinician report": Endpoint(lambda _: clinician.get(f"/shared/{token}/")),
            "clinician report all": Endpoint(
                lambda _: clinician.get(f"/shared/{token}/", {"range": "all"})
            ),
            "clinician CSV": Endpoint(lambda _: clinician.get(f"/shared/{token}/back-release.csv")),
            "clinician FHIR": Endpoint(lambda _: clinician.get(f"/shared/{token}/fhir.json")),
            # The first rating of a session, as htmx posts it.
            "rating save": Endpoint(
                lambda step_started_at: client.post(
                    step_url,
                    as_htmx_sends(
                        {
                            "step": Step.PAIN_BEFORE,
                            "step_started_at": step_started_at,
                            "action": "next",
                            "pain_before": "6",
                        }
                    ),
                    content_type=FORM_ENCODED,
                    **htmx,
                    **client.csrf,
                ),
                at_step(session, Step.PAIN_BEFORE, None),
                expect=b'data-step="breathe"',
            ),
        }

    def _ratios(self, results: dict) -> dict:
        demo_pages = results["people"][DEMO_SIZED]
        long_pages = results["people"][THREE_YEARS]
        one_year, ten_years = results["insights by history"].values()

        def median(figures: dict, name: str) -> float:
            return figures[name]["median_ms"]

        def over(figures: dict, name: str, floor_figures: dict, floor: str) -> float:
            return round(median(figures, name) / median(floor_figures, floor), 2)

        floors = results["floors"]
        english, german = results["languages"]["English"], results["languages"]["German"]
        more = results["trial and clinic"]
        trial, clinic = TRIAL_RESULT, CLINIC_LIST
        return {
            "three_years_over_demo": {
                page: over(long_pages, page, demo_pages, page) for page in demo_pages
            },
            "csv_over_copy": over(long_pages, "clinician CSV", floors, "COPY CSV rows (3 years)"),
            "fhir_over_copy": over(
                long_pages, "clinician FHIR", floors, "COPY FHIR JSON (3 years)"
            ),
            "insights_10_over_1_year": {
                page: over(ten_years, page, one_year, page) for page in one_year
            },
            "trends_all_over_weekly_sql_sent": over(
                long_pages, "trends all", floors, "weekly SQL sent (3 years)"
            ),
            "step_partial_over_step_row_and_template": over(
                long_pages, "session step partial", floors, "step row and template (3 years)"
            ),
            "rating_save_over_signed_in_write": over(
                long_pages, "rating save", floors, "signed-in write"
            ),
            "german_over_english": {page: over(german, page, english, page) for page in english},
            "trial_result_over_its_rows_sent": over(more, trial, floors, TRIAL_FLOOR),
            "clinic_list_over_its_rows_sql_sent": over(more, clinic, floors, CLINIC_FLOOR),
            # No target: what the page does beyond any bare read (SciPy; one query for all).
            "trial_result_over_bare_signed_in_read": over(more, trial, floors, "signed-in read"),
            "clinic_list_over_bare_signed_in_read": over(more, clinic, floors, "signed-in read"),
        }

    def _print(self, results: dict, out: Path) -> None:
        self.stdout.write(
            f"{'':28}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'raw B':>10}{'wire B':>9}"
        )
        for name, figures in results["floors"].items():
            self.stdout.write(f"floor: {name:22}{figures['median_ms']:>10}{figures['p95_ms']:>9}")
        groups = [
            *results["people"].items(),
            *results["insights by history"].items(),
            *((f"{DEMO_SIZED} in {name}", p) for name, p in results["languages"].items()),
            ("trial and clinic", results["trial and clinic"]),
        ]
        for person, pages in groups:
            self.stdout.write(person)
            for page, f in pages.items():
                self.stdout.write(
                    f"  {page:26}{f['median_ms']:>10}{f['p95_ms']:>9}{f['queries']:>9}"
                    f"{f['bytes_raw']:>10}{f['bytes_wire']:>9}"
                )
        ratios = results["ratios"]
        self.stdout.write("Three-year person over demo-sized (everyday pages: target ≤ 1.3):")
        for page, ratio in ratios["three_years_over_demo"].items():
            if page not in WHOLE_HISTORY:
                self.stdout.write(f"  {page:26}{ratio:>6}  {verdict(ratio, 1.3)}")
        self.stdout.write("Whole history by nature (every week, or every row; no target):")
        for page in WHOLE_HISTORY:
            if page in ratios["three_years_over_demo"]:
                self.stdout.write(f"  {page:26}{ratios['three_years_over_demo'][page]:>6}")
        self.stdout.write(
            "Over the bare signed-in read (no target): trial result "
            f"{ratios['trial_result_over_bare_signed_in_read']}, clinic list "
            f"{ratios['clinic_list_over_bare_signed_in_read']}"
        )
        self.stdout.write("Targets:")
        for name, target in results["targets"].items():
            self.stdout.write(
                f"  {name:44}{target['ratio']:>7} (≤ {target['at_most']})  {target['result']}"
            )
        if "worker memory" in results:
            memory = results["worker memory"]
            self.stdout.write(
                f"Web workers' peak memory (MB): {memory['peak_mb_after_the_rounds']} after the "
                f"rounds, {memory['peak_mb_after_10_year_downloads']} after the ten-year "
                f"downloads ({memory['10_year_download_bytes_gzipped']} bytes gzipped)"
            )
        self.stdout.write(f"Written to {os.path.relpath(out, settings.BASE_DIR)}")


def at_step(session: ReleaseSession, step: str, pain_before: int | None) -> Callable[[], str]:
    """Sets the session to `step`, and gives the step's start as its page shows it."""

    def setup() -> str:
        now = timezone.now()
        # A rating taken away takes its wording with it (the database holds no wording alone).
        wording = {} if pain_before is not None else {"pain_before_wording": None}
        ReleaseSession.objects.filter(pk=session.pk).update(
            step=step, pain_before=pain_before, step_started_at=now, updated_at=now, **wording
        )
        return now.isoformat()

    return setup


def clean_up(people: list[User]) -> None:
    """Deletes what the bench wrote for its people, and nothing of anyone else's: their rows dated
    from when they were made, and the practice of the bench's own clinician (its membership and
    grants with it)."""
    for person in people:
        for rows in demo.bench_written(person).values():
            rows.delete()
    Practice.objects.filter(members__person__username=demo.CLINICIAN).delete()


def bench_clinician() -> User:
    """The bench's own clinician account, with a confirmed authenticator (made once)."""
    person, _ = User.objects.get_or_create(
        username=demo.CLINICIAN, defaults={"time_zone": demo.DEMO_TIME_ZONE}
    )
    Clinician.objects.get_or_create(person=person)
    TOTPDevice.objects.get_or_create(
        user=person, confirmed=True, defaults={"name": "Authenticator"}
    )
    return person


def trial_plan(person: User) -> TrialPlan:
    """A finished plan of six pairs of 14-day blocks over the person's history (made for the run,
    deleted with it): an evening rating on about nine days in ten, pain about 1.5 points lower in
    the release blocks with a day-to-day spread of 1.5, the person's own sessions its adherence."""
    made = timezone.localdate(person.date_joined, timezone=person.zone)
    rng = random.Random(37)
    orders = [rng.choice(design.ORDERS) for _ in range(TRIAL_PAIRS)]
    starts_on = made - timedelta(days=2 * TRIAL_PAIRS * 14 + 1)
    plan = TrialPlan.objects.create(
        person=person,
        pairs=TRIAL_PAIRS,
        block_days=14,
        orders=orders,
        starts_on=starts_on,
        status=Status.FINISHED,
        started_at=timezone.make_aware(datetime.combine(starts_on, clock(9)), person.zone),
    )
    wording = shown(Instrument.TRIAL_DAILY, ENGLISH)
    ratings = []
    for block in design.schedule(design.Design(TRIAL_PAIRS, 14), starts_on, orders):
        for n in range(block.days):
            day = block.first_day + timedelta(days=n)
            if rng.random() < 0.1:
                continue
            pain = 6 - (1.5 if block.arm == "B" else 0) + rng.gauss(0, 1.5)
            ratings.append(
                TrialRating(
                    plan=plan,
                    day=day,
                    usual_pain=max(0, min(10, round(pain))),
                    usual_pain_wording=wording,
                    recorded_at=timezone.make_aware(datetime.combine(day, clock(20)), person.zone),
                )
            )
    TrialRating.objects.bulk_create(ratings)
    return plan


def practice_of(clinician: User, patients: list[User]) -> Practice:
    """A practice for the run, its clinician the bench's own, every patient granting it access,
    and six ratings of each patient's made in the last hour (or since they were made), so that every
    row has this week to set against its baseline whatever the day."""
    practice = Practice.objects.create(name="Bench practice", share_code=codes.new_code())
    Membership.objects.create(practice=practice, person=clinician, role=Role.ADMIN)
    now = timezone.now()
    Grant.objects.bulk_create(
        Grant(
            person=person,
            practice=practice,
            shown_name=f"Patient {number:03}",
            created_at=now,
            expires_at=now + timedelta(days=30),
        )
        for number, person in enumerate(patients, start=1)
    )
    rng = random.Random(38)
    entries = []
    for person in patients:
        span = min(timedelta(hours=1), now - person.date_joined)
        level = rng.uniform(2, 8)
        entries += [
            JournalEntry(
                person=person,
                recorded_at=now - span * n / 6,
                pain=max(0, min(10, round(level + rng.gauss(0, 1.5)))),
            )
            for n in range(6)
        ]
    JournalEntry.objects.bulk_create(entries)
    return practice


def verdict(ratio: float, at_most: float) -> str:
    return "PASS" if ratio <= at_most else "MISS"


TARGETS = {
    "CSV over its COPY floor": ("csv_over_copy", 2),
    "FHIR over its JSON COPY floor": ("fhir_over_copy", 3),
    "insights kept, 10 years over 1 year": ("insights_10_over_1_year", 1.3, "insights (kept)"),
    "insights after a write, 10 years over 1 year": (
        "insights_10_over_1_year",
        1.3,
        "insights (after a change)",
    ),
    "trends all over the weekly SQL sent": ("trends_all_over_weekly_sql_sent", 1.5),
    "step partial over its row and template": ("step_partial_over_step_row_and_template", 1.15),
    "rating save over the signed-in write": ("rating_save_over_signed_in_write", 1.3),
    # Issue 37: the result page against its own reads sent with its own bytes (`bench_urls`).
    "trial result (6 pairs) over its rows sent": ("trial_result_over_its_rows_sent", 1.3),
    # Issue 38: the list of 200 patients against its own query run and its own bytes sent.
    "clinic list (200) over its rows SQL sent": ("clinic_list_over_its_rows_sql_sent", 1.3),
    # Issue 39: the same pages, the same person and rows, in German and in English.
    **{
        f"{page} in German over English": ("german_over_english", 1.1, page)
        for page in LANGUAGE_PAGES
    },
}
# Streamed downloads leave a web worker's peak memory about where it was, a chunk of rows and a
# batch of text at a time; an export built in memory raises it by several times this
# (docs/capacity.md).
MEMORY_GROWTH_MB = 5


def targets(ratios: dict, memory: dict | None = None) -> dict:
    found = {}
    for name, (key, at_most, *page) in TARGETS.items():
        ratio = ratios[key][page[0]] if page else ratios[key]
        found[name] = {"ratio": ratio, "at_most": at_most, "result": verdict(ratio, at_most)}
    if memory:
        grown = memory["most_grown_mb"]
        found["worker peak MB grown by the 10-year downloads"] = {
            "ratio": grown,
            "at_most": MEMORY_GROWTH_MB,
            "result": verdict(grown, MEMORY_GROWTH_MB),
        }
    return found


def csv_chunk_rows(cursor: psycopg.Cursor, scope: exports.Scope) -> list[bytes]:
    """Every row of the CSV as PostgreSQL writes it, each led by its time and id, in the keyset
    chunks the download reads (`exports.csv_lines`), each statement read whole before the next:
    what the download cannot do less than, since it must not hold a statement open while a client
    reads (PgBouncer)."""
    rows = []
    params = scope.period.sql_params()
    for part in exports.csv_parts_sql(scope):
        sql = exports.csv_chunk_sql(part)
        after = {"after_at": None, "after_id": None}
        while True:
            with cursor.copy(sql, params | after) as copy:
                chunk = [bytes(row) for row in copy]
            rows.extend(chunk)
            if len(chunk) < exports.CHUNK:
                break
            at, pk, _ = chunk[-1].split(b",", 2)
            after = {"after_at": at.decode(), "after_id": pk.decode()}
    return rows


def _of_period(column: str) -> str:
    return f"person_id = %(person)s AND {in_period(column, shown=False)}"


def _observation_sql(text: str, value: str, at: str) -> str:
    """An observation of `value`, none where it is empty (as the export leaves those out)."""
    return f"""CASE WHEN {value} IS NOT NULL THEN json_build_object(
        'fullUrl', 'urn:uuid:' || gen_random_uuid(),
        'resource', json_build_object(
            'resourceType', 'Observation', 'status', 'final',
            'category', '{json.dumps([exports.SURVEY])}'::json,
            'code', json_build_object('coding', '{json.dumps([exports.LOINC_PAIN])}'::json,
                                      'text', '{text}'),
            'subject', json_build_object('reference', 'urn:uuid:' || person_id),
            'effectiveDateTime', {iso_sql(at)},
            'valueQuantity', json_build_object('value', {value}, 'unit', '{{score}}',
                'system', 'http://unitsofmeasure.org', 'code', '{{score}}'))) END"""


def copy_fhir_sql() -> list[str]:
    """The FHIR download's resources (a procedure and up to four observations a session, an
    observation a journal entry), built as JSON by PostgreSQL, one per line."""
    after = "coalesce(finished_at, step_started_at)"
    session_resources = [
        f"""json_build_object('fullUrl', 'urn:uuid:' || gen_random_uuid(),
            'resource', json_build_object('resourceType', 'Procedure',
                'status', CASE WHEN stopped_early_reason <> '' THEN 'stopped'
                               WHEN finished_at IS NOT NULL THEN 'completed'
                               ELSE 'in-progress' END,
                'code', json_build_object('text', 'Self-release with a soft ball under the sacrum'),
                'subject', json_build_object('reference', 'urn:uuid:' || person_id),
                'performedPeriod', json_build_object('start', {iso_sql("started_at")},
                                                     'end', {iso_sql("finished_at")}),
                'note', CASE WHEN note <> '' THEN json_build_array(
                                  json_build_object('text', note)) END))""",
        _observation_sql("Pain before the session", "pain_before", "started_at"),
        _observation_sql("Lumbar arch before the session", "arch_before", "started_at"),
        _observation_sql("Lumbar arch after the session", "arch_after", after),
        _observation_sql("Pain after the session", "pain_after", after),
    ]
    resources = ", ".join(session_resources)
    return [
        f"""COPY (SELECT resource FROM {usual_pain.SESSIONS},
                  LATERAL unnest(ARRAY[{resources}]::text[]) AS resource
                  WHERE {_of_period("started_at")} AND resource IS NOT NULL
                  ORDER BY started_at)
            TO STDOUT""",
        f"""COPY (SELECT {_observation_sql("Pain, journal entry", "pain", "recorded_at")}
                  FROM {usual_pain.ENTRIES} WHERE {_of_period("recorded_at")}
                  ORDER BY recorded_at) TO STDOUT""",
    ]
