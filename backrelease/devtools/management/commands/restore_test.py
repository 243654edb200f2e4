"""`make restore-test`: a base backup and the WAL archive, restored into a fresh cluster to the
moment before a person's rows were deleted, checked row by row."""

from __future__ import annotations

import json
import random
import time

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.utils import timezone

from backrelease.accounts.models import User
from backrelease.devtools import backups, demo
from journal.models import JournalEntry, WeeklyCheckIn
from sessions.models import ReleaseSession

TABLES = [ReleaseSession._meta.db_table, JournalEntry._meta.db_table, WeeklyCheckIn._meta.db_table]
VICTIM = "restore-test-person"
OUT = settings.BASE_DIR / "docs" / "benchmarks" / "restore.json"


def rows(cursor) -> dict[str, list[tuple]]:
    """Every row of the person tables, whole, in id order."""
    found = {}
    for table in TABLES:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        found[table] = [tuple(row) for row in cursor.fetchall()]
    return found


def differing(expected: list[tuple], found: list[tuple]) -> int:
    return sum(a != b for a, b in zip(expected, found, strict=False)) + abs(
        len(expected) - len(found)
    )


class Command(BaseCommand):
    help = "Backs up, deletes a person's rows, restores to just before, and compares every row."

    def handle(self, *args, **options) -> None:
        # Turning archiving on restarts the cluster: before this process holds a connection.
        backups.archiving()
        connections.close_all()
        demo.three_year_person()
        # Left over by an interrupted run: its person starts afresh.
        User.objects.filter(username=VICTIM).delete()
        victim = User.objects.create(username=VICTIM)
        demo.fill(victim, 60, timezone.localdate(), rng=random.Random(9))
        base = backups.backup()
        # Writes after the base backup, before the target: replayed from the archive.
        demo.fill(victim, 7, timezone.localdate(), rng=random.Random(10), kinds={"journal"})
        with connection.cursor() as cursor:
            expected = rows(cursor)
            cursor.execute("SELECT clock_timestamp()")
            (target,) = cursor.fetchone()
        time.sleep(1)
        deleted = {
            "sessions": ReleaseSession.objects.filter(person=victim).delete()[0],
            "entries": JournalEntry.objects.filter(person=victim).delete()[0],
            "check_ins": WeeklyCheckIn.objects.filter(person=victim).delete()[0],
        }
        backups.switch_wal()
        seconds = backups.restore(base, target.isoformat())
        with psycopg.connect(backups.restored_url()) as restored, restored.cursor() as cursor:
            found = rows(cursor)
        backups.drop_restored()
        victim.delete()
        differences = {table: differing(expected[table], found[table]) for table in TABLES}
        exact = all(count == 0 for count in differences.values())
        results = {
            "rows_checked": {table: len(expected[table]) for table in TABLES},
            "rows_that_differ": differences,
            "deleted_then_restored": deleted,
            "restore_seconds": round(seconds, 1),
            "base_backup": base.name,
            "result": "PASS" if exact else "MISS",
        }
        OUT.write_text(json.dumps(results, indent=2) + "\n")
        self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(
            f"Restore to {target:%H:%M:%S.%f}: {sum(results['rows_checked'].values())} rows, "
            f"{sum(differences.values())} differ, {seconds:.1f} s: {results['result']}"
        )
