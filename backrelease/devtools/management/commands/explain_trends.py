"""Prints PostgreSQL's plan and timing of the weekly trend query over three years of daily data."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.common.period import Period
from journal import trends
from journal.models import JournalEntry
from sessions.models import RELAX_SECONDS, ReleaseSession, Step

BENCH_USERNAME = "bench-three-years"
DAYS = 3 * 365
# The tables also hold other people's years, as they would in use, so the plan is a realistic one.
OTHER_PEOPLE = 30


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE of the trend query for a person with three years of daily data."

    def handle(self, *args, **options) -> None:
        person = self._bench_person()
        sql = "EXPLAIN (ANALYZE, BUFFERS) " + trends.WEEKLY_SQL
        params = Period.of(person).sql_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for (line,) in cursor.fetchall():
                self.stdout.write(line)
        weeks = trends.weekly(Period.of(person))
        self.stdout.write(f"Weeks returned: {len(weeks)}")

    @transaction.atomic
    def _bench_person(self) -> User:
        person, created = User.objects.get_or_create(
            username=BENCH_USERNAME, defaults={"time_zone": "Australia/Sydney"}
        )
        if created:
            for n in range(OTHER_PEOPLE):
                other = User.objects.create(username=f"{BENCH_USERNAME}-other-{n}")
                self._three_years(other)
            self._three_years(person)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return person

    def _three_years(self, person: User) -> None:
        start = timezone.now() - timedelta(days=DAYS)
        days = [start + timedelta(days=n) for n in range(DAYS)]
        ReleaseSession.objects.bulk_create(
            ReleaseSession(
                person=person,
                started_at=day,
                step_started_at=day,
                finished_at=day,
                step=Step.DONE,
                pain_before=6,
                pain_after=4,
                arch_before=3,
                arch_after=2,
                relax_seconds=RELAX_SECONDS,
            )
            for day in days
        )
        JournalEntry.objects.bulk_create(
            JournalEntry(person=person, recorded_at=day + timedelta(hours=h), pain=5)
            for day in days
            for h in (2, 9)
        )
