"""`make bench`: every main page for a three-year person and the demo person, against floors.

In-process through Django's full middleware stack (the test client), so the figures are the app's
own cost without network noise. Floors, measured in the same run and interleaved with the pages: a
minimal view behind the same middleware, the raw weekly SQL through psycopg, and a static file.
Writes `docs/benchmarks/bench.json` and prints a table with the targets.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.capability import tokens
from backrelease.common.period import Period
from backrelease.devtools import demo
from journal import sharing, trends
from journal.models import JournalEntry, ShareLink
from sessions.models import ReleaseSession, Step

THREE_YEARS = demo.THREE_YEARS
TOKENS = {"demo": "bench-demo-share-token", THREE_YEARS: "bench-three-year-share-token"}
OUT = Path(settings.BASE_DIR) / "docs" / "benchmarks" / "bench.json"
# Pages that show every week or every row asked for: their cost follows the history they carry.
WHOLE_HISTORY = [
    "trends all",
    "clinician report all",
    "insights (whole history)",
    "clinician CSV",
    "clinician FHIR",
]


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/minimal/", minimal), path("", include("backrelease.urls"))]


# htmx posts a form URL-encoded (the test client would send multipart by default).
FORM_ENCODED = "application/x-www-form-urlencoded"


def as_htmx_sends(fields: dict[str, str]) -> str:
    return urlencode(fields)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


ROUNDS = 10


@dataclass
class Endpoint:
    """One thing timed: `request` (given what the untimed `setup` made, if any), with its times,
    query count and last response."""

    request: Callable[[object], HttpResponseBase | list]
    setup: Callable[[], object] | None = None
    # Markup every response must hold: a save that was refused would be timed as a save otherwise.
    expect: bytes = b""
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
                if self.expect:
                    compressed = response.get("Content-Encoding") == "gzip"
                    assert self.expect in (gzip.decompress(body) if compressed else body)
                self.response, self.body = response, body
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
        body = self.body
        compressed = self.response.get("Content-Encoding") == "gzip"
        return figures | {
            "queries": self.queries,
            "bytes_raw": len(gzip.decompress(body)) if compressed else len(body),
            "bytes_wire": len(body),
            "status": self.response.status_code,
        }


class Command(BaseCommand):
    help = "Median and p95 of every main page for a three-year person and the demo person."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=200)

    def handle(self, *args, requests: int, **options) -> None:
        self.n = requests
        people = {"demo": demo.seed("release-demo")[0], THREE_YEARS: demo.three_year_person()}
        for name, person in people.items():
            ShareLink.objects.filter(token_hash=tokens.hash_token(TOKENS[name])).delete()
            sharing.create(
                person,
                TOKENS[name],
                label="bench",
                expires_at=timezone.now() + timedelta(days=30),
                include_notes=True,
            )
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            client = Client()
            client.force_login(people["demo"])
            floors = {
                "minimal view": Endpoint(lambda _: client.get("/bench/minimal/")),
                "static file": Endpoint(lambda _: client.get("/static/css/app.css")),
                "raw weekly SQL (3 years)": self._raw_sql(people[THREE_YEARS]),
            }
            pages = {name: self._pages(person, TOKENS[name]) for name, person in people.items()}
            self._run([*floors.values(), *(e for by in pages.values() for e in by.values())])
            self._clean_up(people)
        results = {
            "floors": {name: endpoint.figures() for name, endpoint in floors.items()},
            "people": {
                person: {page: endpoint.figures() for page, endpoint in by_page.items()}
                for person, by_page in pages.items()
            },
        }
        results["ratios"] = self._ratios(results)
        results["machine"] = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "requests_per_endpoint": self.n,
            "rounds": ROUNDS,
            "measured_at": timezone.now().isoformat(),
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(results, indent=2) + "\n")
        self._print(results)

    def _run(self, endpoints: list[Endpoint]) -> None:
        """Every endpoint in turn, a slice of its requests at a time, round after round: a slow
        spell on this shared machine then falls on floors and pages alike, and the ratios hold."""
        for endpoint in endpoints:
            endpoint.sample(5, keep=False)
        per_round = max(1, self.n // ROUNDS)
        for number in range(ROUNDS):
            self.stdout.write(f"Round {number + 1} of {ROUNDS}…")
            for endpoint in endpoints:
                endpoint.sample(per_round)

    def _raw_sql(self, person: User) -> Endpoint:
        params = Period.of(person).sql_params()
        conninfo = {
            k: v
            for k, v in connection.get_connection_params().items()
            if k not in {"cursor_factory", "context"}
        }
        self.raw_connection = psycopg.connect(**conninfo)
        return Endpoint(lambda _: self.raw_connection.execute(trends.WEEKLY_SQL, params).fetchall())

    def _pages(self, person: User, token: str) -> dict[str, Endpoint]:
        client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
        client.force_login(person)
        clinician = Client(HTTP_ACCEPT_ENCODING="gzip")
        htmx = {"HTTP_HX_REQUEST": "true"}
        ReleaseSession.objects.of(person).open().delete()
        # One open session a person: the step pages and the rating save share it, each setting it
        # to the step it needs before its request (untimed).
        session = ReleaseSession.objects.create(person=person)
        step_url = session.get_absolute_url()

        def at_step(step: str, pain_before: int | None) -> Callable[[], str]:
            """Sets the session to `step`, and gives the step's start as its page shows it."""

            def setup() -> str:
                now = timezone.now()
                ReleaseSession.objects.filter(pk=session.pk).update(
                    step=step, pain_before=pain_before, step_started_at=now, updated_at=now
                )
                return now.isoformat()

            return setup

        arch_step = at_step(Step.ARCH_BEFORE, 6)
        self.last_entry = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
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
                ),
                expect=b"Saved: pain 4",
            ),
            "trends 12w": Endpoint(lambda _: client.get("/trends/", {"range": "12w"})),
            "trends all": Endpoint(lambda _: client.get("/trends/", {"range": "all"})),
            "insights (whole history)": Endpoint(lambda _: client.get("/trends/insights/", **htmx)),
            "history": Endpoint(lambda _: client.get("/sessions/")),
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
                ),
                at_step(Step.PAIN_BEFORE, None),
                expect=b'data-step="breathe"',
            ),
        }

    def _clean_up(self, people: dict[str, User]) -> None:
        self.raw_connection.close()
        for person in people.values():
            ReleaseSession.objects.of(person).open().delete()
        JournalEntry.objects.filter(pk__gt=self.last_entry or 0).delete()

    def _ratios(self, results: dict) -> dict:
        demo_pages = results["people"]["demo"]
        long_pages = results["people"][THREE_YEARS]
        floor = results["floors"]["minimal view"]["median_ms"]
        return {
            "three_years_over_demo": {
                page: round(long_pages[page]["median_ms"] / demo_pages[page]["median_ms"], 2)
                for page in demo_pages
            },
            "trends_all_over_raw_sql": round(
                long_pages["trends all"]["median_ms"]
                / results["floors"]["raw weekly SQL (3 years)"]["median_ms"],
                2,
            ),
            "step_partial_over_minimal": round(
                long_pages["session step partial"]["median_ms"] / floor, 2
            ),
            "rating_save_over_minimal": round(long_pages["rating save"]["median_ms"] / floor, 2),
        }

    def _print(self, results: dict) -> None:
        self.stdout.write(
            f"{'':28}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'raw B':>10}{'wire B':>9}"
        )
        for name, figures in results["floors"].items():
            self.stdout.write(f"floor: {name:22}{figures['median_ms']:>10}{figures['p95_ms']:>9}")
        for person, pages in results["people"].items():
            self.stdout.write(person)
            for page, f in pages.items():
                self.stdout.write(
                    f"  {page:26}{f['median_ms']:>10}{f['p95_ms']:>9}{f['queries']:>9}"
                    f"{f['bytes_raw']:>10}{f['bytes_wire']:>9}"
                )
        ratios = results["ratios"]
        self.stdout.write("Three-year person over demo person (target ≤ 1.3, all weeks aside):")
        for page, ratio in ratios["three_years_over_demo"].items():
            if page not in WHOLE_HISTORY:
                self.stdout.write(f"  {page:26}{ratio:>6}")
        self.stdout.write("Whole history by nature (every week, or every row):")
        for page in WHOLE_HISTORY:
            self.stdout.write(f"  {page:26}{ratios['three_years_over_demo'][page]:>6}")
        self.stdout.write(
            f"trends all over raw SQL: {ratios['trends_all_over_raw_sql']} (target ≤ 3)\n"
            f"step partial over minimal view: {ratios['step_partial_over_minimal']} (target ≤ 2)\n"
            f"rating save over minimal view: {ratios['rating_save_over_minimal']} (target ≤ 2)\n"
            f"Written to {OUT.relative_to(settings.BASE_DIR)}"
        )
