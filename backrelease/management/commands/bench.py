"""`make bench`: every main page for a three-year person and the demo person, against floors.

In-process through Django's full middleware stack (the test client), so the figures are the app's
own cost without network noise. Floors, measured in the same run: a minimal view behind the same
middleware, the raw weekly SQL through psycopg, and a static file. Writes
`docs/benchmarks/bench.json` and prints a table with the targets.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import timezone

from backrelease import demo
from backrelease.models import User
from journal import sharing, trends
from journal.models import JournalEntry, ShareLink
from sessions.models import ReleaseSession, Step

THREE_YEARS = "bench-three-year-person"
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


class Command(BaseCommand):
    help = "Median and p95 of every main page for a three-year person and the demo person."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=200)

    def handle(self, *args, requests: int, **options) -> None:
        self.n = requests
        people = {"demo": demo.seed("release-demo")[0], THREE_YEARS: self._three_year_person()}
        for name, person in people.items():
            ShareLink.objects.filter(token_hash=sharing.hash_token(TOKENS[name])).delete()
            sharing.create(
                person,
                TOKENS[name],
                label="bench",
                expires_at=timezone.now() + timedelta(days=30),
                include_notes=True,
            )
        results = {"floors": {}, "people": {}}
        with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
            client = Client()
            client.force_login(people["demo"])
            results["floors"]["minimal view"] = self._measure(lambda: client.get("/bench/minimal/"))
            results["floors"]["static file"] = self._measure(
                lambda: client.get("/static/css/app.css")
            )
            results["floors"]["raw weekly SQL (3 years)"] = self._raw_sql(people[THREE_YEARS])
            for name, person in people.items():
                self.stdout.write(f"Measuring {name}…")
                results["people"][name] = self._pages(person, TOKENS[name])
        results["ratios"] = self._ratios(results)
        results["machine"] = {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "requests_per_endpoint": self.n,
            "measured_at": timezone.now().isoformat(),
        }
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(results, indent=2) + "\n")
        self._print(results)

    def _three_year_person(self) -> User:
        person, created = User.objects.get_or_create(
            username=THREE_YEARS, defaults={"time_zone": "Australia/Sydney"}
        )
        if created:
            today = timezone.localdate(timezone=person.zone)
            demo.fill(
                person,
                3 * 365,
                today,
                rng=random.Random(3),
                session_days=0.9,
                entries_a_day=(2, 3, 4),
            )
        return person

    def _measure(
        self, request: Callable[..., HttpResponse], setup: Callable[[], object] | None = None
    ) -> dict:
        """Times `request` (given what an untimed `setup` made, if any) `self.n` times."""

        def once() -> HttpResponse:
            return request(setup()) if setup else request()

        for _ in range(5):
            once()
        times, queries = [], []
        for _ in range(self.n):
            made = setup() if setup else None
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = request(made) if setup else request()
                body = response.getvalue()
                times.append((time.perf_counter() - start) * 1000)
            queries.append(len(captured.captured_queries))
            assert response.status_code < 400, (response.status_code, body[:300])
        compressed = response.get("Content-Encoding") == "gzip"
        raw = len(gzip.decompress(body)) if compressed else len(body)
        return {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "queries": max(queries),
            "bytes_raw": raw,
            "bytes_wire": len(body),
            "status": response.status_code,
        }

    def _raw_sql(self, person: User) -> dict:
        params = trends.query_params(person, None, None, None, None)
        conninfo = {
            k: v
            for k, v in connection.get_connection_params().items()
            if k not in {"cursor_factory", "context"}
        }
        times = []
        with psycopg.connect(**conninfo) as conn:
            for n in range(self.n + 5):
                start = time.perf_counter()
                conn.execute(trends.WEEKLY_SQL, params).fetchall()
                if n >= 5:
                    times.append((time.perf_counter() - start) * 1000)
        return {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
        }

    def _pages(self, person: User, token: str) -> dict:
        client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
        client.force_login(person)
        htmx = {"HTTP_HX_REQUEST": "true"}
        ReleaseSession.objects.of(person).open().delete()
        step_session = ReleaseSession.objects.create(
            person=person, step=Step.ARCH_BEFORE, pain_before=6
        )
        step_url = step_session.get_absolute_url()
        pages = {
            "home": lambda: client.get("/"),
            "session step page": lambda: client.get(step_url),
            "session step partial": lambda: client.get(step_url, **htmx),
            "journal list": lambda: client.get("/journal/"),
            "journal save": lambda: client.post(
                "/journal/new/",
                as_htmx_sends({"pain": "4", "submission_key": str(uuid.uuid4())}),
                content_type=FORM_ENCODED,
                **htmx,
            ),
            "trends 12w": lambda: client.get("/trends/", {"range": "12w"}),
            "trends all": lambda: client.get("/trends/", {"range": "all"}),
            "insights (whole history)": lambda: client.get("/trends/insights/", **htmx),
            "history": lambda: client.get("/sessions/"),
            "clinician report": lambda: Client(HTTP_ACCEPT_ENCODING="gzip").get(
                f"/shared/{token}/"
            ),
            "clinician report all": lambda: Client(HTTP_ACCEPT_ENCODING="gzip").get(
                f"/shared/{token}/", {"range": "all"}
            ),
            "clinician CSV": lambda: Client(HTTP_ACCEPT_ENCODING="gzip").get(
                f"/shared/{token}/back-release.csv"
            ),
            "clinician FHIR": lambda: Client(HTTP_ACCEPT_ENCODING="gzip").get(
                f"/shared/{token}/fhir.json"
            ),
        }
        last_entry = JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        measured = {name: self._measure(request) for name, request in pages.items()}
        step_session.delete()
        JournalEntry.objects.of(person).filter(pk__gt=last_entry or 0).delete()
        measured["rating save"] = self._rating_save(person, client)
        return measured

    def _rating_save(self, person: User, client: Client) -> dict:
        """Posting the first rating of a fresh session; making the session is not timed."""

        def fresh_session() -> ReleaseSession:
            ReleaseSession.objects.of(person).open().delete()
            return ReleaseSession.objects.create(person=person)

        def save(session: ReleaseSession) -> HttpResponse:
            return client.post(
                session.get_absolute_url(),
                as_htmx_sends({"step": Step.PAIN_BEFORE, "action": "next", "pain_before": "6"}),
                content_type=FORM_ENCODED,
                HTTP_HX_REQUEST="true",
            )

        result = self._measure(save, setup=fresh_session)
        ReleaseSession.objects.of(person).open().delete()
        return result

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
