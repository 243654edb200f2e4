"""Lighthouse on the pages a person uses most, as the demo person, on a phone profile.

Prints each page's performance and accessibility scores and the bytes it transferred (compressed),
against the budgets of the floor-session issue. Run by `make audit`, which installs Lighthouse and
collects the static files first.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from backrelease.devtools import localserver
from sessions.models import ReleaseSession

ATTEMPTS = 3
LIGHTHOUSE = settings.BASE_DIR / ".audit" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = " ".join(["--headless=new", *localserver.CHROMIUM_ARGS])
# (page, performance target, transfer budget in KB)
SESSION_BUDGET = (95, 60)
TREND_BUDGET = (95, 500)


class Command(BaseCommand):
    help = "Runs Lighthouse (mobile) on the session, home and trend pages and prints the figures."

    def handle(self, *args, **options) -> None:
        if not LIGHTHOUSE.exists():
            raise CommandError("Lighthouse is not installed: run `make audit`.")
        person = localserver.demo_person()
        cookie = "=".join(localserver.session_cookie(person))
        ReleaseSession.objects.of(person).open().delete()
        with localserver.running_server():
            results = [
                self._audit("Session start", reverse("sessions:new"), cookie, SESSION_BUDGET)
            ]
            with localserver.open_session(person) as session:
                results.append(
                    self._audit("Session step", session.get_absolute_url(), cookie, SESSION_BUDGET)
                )
            results.append(self._audit("Home", reverse("home"), cookie, SESSION_BUDGET))
            results.append(self._audit("Trends", reverse("trends"), cookie, TREND_BUDGET))
        self._print(results)

    def _audit(self, name: str, path: str, cookie: str, budget: tuple[int, int]) -> dict:
        # Lighthouse sometimes loses the trace on a busy machine ("run Lighthouse again").
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._audit_once(name, path, cookie, budget)
            except subprocess.CalledProcessError:
                if attempt == ATTEMPTS:
                    raise
                self.stderr.write(f"Lighthouse failed on {path}; trying again.")
        raise AssertionError("unreachable")

    def _audit_once(self, name: str, path: str, cookie: str, budget: tuple[int, int]) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.json"
            subprocess.run(
                [
                    str(LIGHTHOUSE),
                    f"{localserver.BASE_URL}{path}",
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    "--only-categories=performance,accessibility",
                    f"--chrome-flags={CHROME_FLAGS}",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                ],
                env={
                    **os.environ,
                    "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
                },
                check=True,
            )
            data = json.loads(report.read_text())
        audits = data["audits"]
        failing = [
            key
            for key, audit in audits.items()
            if audit.get("score") == 0
            and key in {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}
        ]
        return {
            "name": name,
            "path": path,
            "performance": round(data["categories"]["performance"]["score"] * 100),
            "accessibility": round(data["categories"]["accessibility"]["score"] * 100),
            "kilobytes": audits["total-byte-weight"]["numericValue"] / 1024,
            "budget": budget,
            "failing": failing,
            "metrics": {
                short: audits[key]["displayValue"]
                for key, short in [
                    ("first-contentful-paint", "FCP"),
                    ("largest-contentful-paint", "LCP"),
                    ("total-blocking-time", "TBT"),
                    ("cumulative-layout-shift", "CLS"),
                    ("speed-index", "SI"),
                ]
            },
            "largest": sorted(
                (
                    (item["transferSize"] / 1024, item["url"].split("?")[0].rsplit("/", 1)[-1])
                    for item in audits["network-requests"]["details"]["items"]
                ),
                reverse=True,
            )[:3],
        }

    def _print(self, results: list[dict]) -> None:
        self.stdout.write(
            f"{'page':<14} {'path':<16} {'perf':>5} {'a11y':>5} {'KB':>7}  targets (perf, a11y, KB)"
        )
        for r in results:
            perf_target, kb_budget = r["budget"]
            met = (
                r["performance"] >= perf_target
                and r["accessibility"] == 100
                and r["kilobytes"] <= kb_budget
            )
            self.stdout.write(
                f"{r['name']:<14} {r['path']:<16} {r['performance']:>5} {r['accessibility']:>5} "
                f"{r['kilobytes']:>7.1f}  >={perf_target}, 100, <={kb_budget}  "
                f"{'met' if met else 'MISSED'}"
                + (f"  accessibility fails: {', '.join(r['failing'])}" if r["failing"] else "")
            )
            self.stdout.write(
                "    "
                + ", ".join(f"{name} {value}" for name, value in r["metrics"].items())
                + "; largest: "
                + ", ".join(f"{name} {size:.1f} KB" for size, name in r["largest"])
            )
