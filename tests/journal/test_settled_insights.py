"""After the usual write, a rating of today's, the kept insights read only the last weeks again:
the ratings before them are settled, and kept as counts until one of them changes."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backrelease.common.local_time import day_start
from backrelease.common.period import Period
from backrelease.devtools import demo
from journal import insights
from journal.models import HistoryRevision, JournalEntry
from sessions.models import ReleaseSession
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(person):
    """Twenty weeks of sessions and journal entries, up to yesterday."""
    demo.fill(person, 140, timezone.localdate(timezone=person.zone), rng=random.Random(35))
    return person


def counts(person) -> tuple[int, int]:
    """Every change to the person's ratings, and those that touched a settled one."""
    found = HistoryRevision.objects.filter(person=person).values_list("number", "settled_number")
    return found.first() or (0, 0)


def test_only_a_change_to_a_rating_over_seven_weeks_old_counts_as_settled(history):
    number, settled = counts(history)
    JournalEntryFactory(person=history)
    ReleaseSessionFactory(person=history, finished=True)
    assert counts(history) == (number + 2, settled)
    oldest = JournalEntry.objects.of(history).order_by("recorded_at").first()
    JournalEntry.objects.filter(pk=oldest.pk).update(pain=(oldest.pain + 1) % 11)
    assert counts(history) == (number + 3, settled + 1)
    moved_back = JournalEntryFactory(person=history)
    JournalEntry.objects.filter(pk=moved_back.pk).update(
        recorded_at=timezone.now() - timedelta(weeks=10)
    )
    assert counts(history) == (number + 5, settled + 2)
    JournalEntry.objects.filter(pk=oldest.pk).delete()
    assert counts(history) == (number + 6, settled + 3)


def test_the_last_rating_the_insights_keep_as_settled_is_counted_when_it_changes(history):
    """The settled ratings end nine ISO weeks back from today: the last of them is over seven
    weeks old whatever the day of the week and the time zone, so its change is counted."""
    period = Period.of(history)
    last_settled = day_start(insights.recent_from(period), period.zone) - timedelta(minutes=1)
    entry = JournalEntryFactory(person=history, recorded_at=last_settled)
    _, settled = counts(history)
    JournalEntry.objects.filter(pk=entry.pk).update(pain=9)
    assert counts(history)[1] == settled + 1


@pytest.fixture
def reads(monkeypatch) -> list:
    """The first day of each read of the insights' ratings (None: all of them)."""
    found = []
    read = insights.read

    def spied(period, recent):
        found.append(period.shown_from)
        return read(period, recent)

    monkeypatch.setattr(insights, "read", spied)
    return found


def test_a_rating_of_today_is_answered_from_the_last_weeks_and_the_kept_counts(history, reads):
    insights.kept(Period.of(history))
    assert reads == [None]
    JournalEntryFactory(person=history, pain=10)
    ReleaseSessionFactory(person=history, finished=True, pain_before=9, pain_after=2)
    period = Period.of(history)
    found = insights.kept(period)
    assert reads == [None, insights.recent_from(period)]
    assert found == insights.compute(period)
    assert found.trend_all.weeks >= 20


def test_a_change_to_a_settled_rating_reads_them_all_again(history, reads):
    before = insights.kept(Period.of(history))
    long_ago = timezone.now() - timedelta(weeks=12)
    JournalEntry.objects.of(history).filter(recorded_at__lt=long_ago).update(pain=10)
    period = Period.of(history)
    found = insights.kept(period)
    assert reads == [None, None]
    assert found == insights.compute(period)
    assert found.trend_all != before.trend_all


def rows_scanned(plan: dict) -> dict[str, int]:
    """The rows each table's scans went through in an `EXPLAIN (ANALYZE, FORMAT JSON)` plan: those
    they returned and those their filter threw away."""
    found: dict[str, int] = {}
    table = plan.get("Relation Name")
    if table:
        rows = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        found[table] = rows * plan["Actual Loops"]
    for inner in plan.get("Plans", []):
        for name, rows in rows_scanned(inner).items():
            found[name] = found.get(name, 0) + rows
    return found


def test_after_a_write_the_rows_read_are_the_last_weeks_only(person):
    """Three years of history among people whose rows are all recent (as most people's are, and
    the bench's 200 patients'): after a rating of today's, each of the three queries goes through
    the person's rows of the last weeks alone, through the (person, time) indexes. Beside an
    index on the person only, the planner read every row of theirs and filtered the old ones out,
    which made the insights after a write grow with the history."""
    today = timezone.localdate(timezone=person.zone)
    kinds = {"sessions", "journal"}
    demo.fill(person, 3 * 365, today, rng=random.Random(3), entries_a_day=(2, 3, 4), kinds=kinds)
    for number in range(40):
        demo.fill(
            UserFactory(),
            8 * 7,
            today,
            rng=random.Random(number),
            entries_a_day=(2, 3, 4),
            kinds=kinds,
        )
    tables = {JournalEntry._meta.db_table, ReleaseSession._meta.db_table}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    insights.kept(Period.of(person))
    JournalEntryFactory(person=person, pain=3)
    period = Period.of(person)
    with CaptureQueriesContext(connection) as queries:
        insights.kept(period)
    since = day_start(insights.recent_from(period), period.zone)
    recent = {
        JournalEntry._meta.db_table: JournalEntry.objects.of(person)
        .filter(recorded_at__gte=since)
        .count(),
        ReleaseSession._meta.db_table: ReleaseSession.objects.filter(
            person=person, started_at__gte=since
        ).count(),
    }
    assert len(queries) == 4
    with connection.cursor() as cursor:
        # A test's tables are small enough that reading one whole can be the cheaper plan, and
        # the planner's pick then turns on its statistics; with that ruled out, what is held is
        # that the indexes the queries find lead to the last weeks' rows alone.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            scanned = rows_scanned(cursor.fetchone()[0][0]["Plan"])
            for table in tables & scanned.keys():
                assert scanned[table] <= recent[table], (table, query["sql"])
