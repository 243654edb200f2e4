"""The operations migrations use to keep the service up (backrelease/common/schema_changes.py),
run against PostgreSQL: a lock that does not come within the timeout fails the migration, and a
data migration commits batch by batch."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import OperationalError, connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from backrelease.common import database
from backrelease.common.schema_changes import RunInBatches, SetLockTimeout
from journal.models import JournalEntry
from tests.factories import JournalEntryFactory


def run(*operations, atomic: bool) -> None:
    """`operations` as `migrate` runs a migration of the journal app holding them, from the
    current state."""
    state = MigrationLoader(connection).project_state()
    with connection.schema_editor(atomic=atomic) as editor:
        for operation in operations:
            after = state.clone()
            operation.state_forwards("journal", after)
            operation.database_forwards("journal", editor, state, after)
            state = after


@pytest.mark.django_db
def test_a_lock_that_does_not_come_in_time_fails_the_migration():
    """A long read holds the journal (a report, a backup): the ALTER gives up after the timeout
    instead of queueing every request behind it, and adds nothing."""
    with psycopg.connect(**database.plain_connection_params()) as reader:
        reader.execute("SELECT count(*) FROM journal_journalentry")
        started = time.monotonic()
        with pytest.raises(OperationalError, match="lock timeout"):
            run(
                SetLockTimeout("200ms"),
                migrations.AddField("journalentry", "mood", models.IntegerField(null=True)),
                atomic=True,
            )
    assert time.monotonic() - started < 3
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "journal_journalentry"
        )
    }
    assert "mood" not in columns


def test_it_takes_only_milliseconds_or_seconds():
    assert SetLockTimeout("500ms").timeout == "500ms"
    with pytest.raises(ValueError):
        SetLockTimeout("2 seconds; DROP TABLE x")


@pytest.mark.django_db(transaction=True)
def test_a_data_migration_commits_batch_by_batch():
    entries = JournalEntryFactory.create_batch(5, note="before")
    batches = []

    def change(rows) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            batches.append((rows.count(), cursor.fetchone()[0]))
        rows.update(note="after")

    run(RunInBatches("journal.JournalEntry", change, size=2), atomic=False)
    assert [size for size, _ in batches] == [2, 2, 1]
    assert len({transaction for _, transaction in batches}) == 3
    assert set(
        JournalEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("note", flat=True)
    ) == {"after"}
