"""Each person's tags, counted by the journal's triggers: right after every kind of write, read
with one query that never touches the entries, and counted from the entries already there when
the migration runs."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backrelease.accounts import undo
from backrelease.common import database
from backrelease.portability import export_lines, import_into
from journal.forms import known_tags, own_tags
from journal.models import JournalEntry, OwnTag
from tests.factories import JournalEntryFactory, UserFactory


def counted(person) -> dict[str, int]:
    return dict(OwnTag.objects.filter(person=person).values_list("tag", "entries"))


def recounted(person) -> dict[str, int]:
    """The counts read from the entries themselves, as the journal did before it kept them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tag, count(*) FROM journal_journalentry, unnest(tags) AS tag"
            " WHERE person_id = %s GROUP BY tag",
            [person.pk],
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_the_counts_follow_every_kind_of_write(person, other_person):
    JournalEntry.objects.bulk_create(
        [
            JournalEntry(person=person, pain=3, tags=["sleep", "garden"]),
            JournalEntry(person=person, pain=4, tags=["garden"]),
            JournalEntry(person=person, pain=5, tags=[]),
        ]
    )
    JournalEntryFactory(person=other_person, tags=["garden"])
    assert counted(person) == {"sleep": 1, "garden": 2}

    entry = JournalEntry.objects.get(person=person, pain=3)
    entry.tags = ["garden", "long drive"]
    entry.save()
    assert counted(person) == {"garden": 2, "long drive": 1}

    JournalEntry.objects.filter(person=person).update(tags=["stress"])
    assert counted(person) == {"stress": 3}

    entry.refresh_from_db()
    kept = undo.delete(entry, person, "an entry")
    assert counted(person) == {"stress": 2}
    undo.restore(kept, "")
    assert counted(person) == {"stress": 3}

    JournalEntry.objects.filter(person=person).delete()
    assert counted(person) == {}
    assert counted(other_person) == {"garden": 1}


@pytest.mark.django_db
def test_an_import_counts_every_tag_of_its_entries_at_once(person):
    JournalEntryFactory.create_batch(30, person=person, tags=["sleep", "long drive"])
    JournalEntryFactory.create_batch(5, person=person, tags=["garden"])
    newcomer = UserFactory()
    import_into(newcomer, json.loads("".join(export_lines(person))))
    assert counted(newcomer) == {"sleep": 30, "long drive": 30, "garden": 5}
    assert counted(newcomer) == recounted(person)


@pytest.mark.django_db
def test_an_edit_that_keeps_the_tags_rewrites_no_count(person):
    entry = JournalEntryFactory(person=person, tags=["sleep", "garden"])

    def row_versions() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM journal_owntag ORDER BY tag")
            return [version for (version,) in cursor.fetchall()]

    before = row_versions()
    entry.pain = (entry.pain + 1) % 11
    entry.save()
    JournalEntry.objects.filter(pk=entry.pk).update(tags=["garden", "sleep"])
    assert row_versions() == before


@pytest.mark.django_db
def test_the_form_reads_the_tags_in_one_query_that_leaves_the_entries_alone(person):
    JournalEntryFactory.create_batch(40, person=person, tags=["sleep", "long drive"])
    JournalEntryFactory(person=person, tags=["garden"])
    with CaptureQueriesContext(connection) as captured:
        assert known_tags(person)[-2:] == ["garden", "long drive"]
    assert len(captured) == 1
    assert "journal_journalentry" not in captured[0]["sql"]
    assert list(own_tags(person)) == ["garden", "long drive", "sleep"]


@pytest.mark.django_db
def test_a_person_with_tags_can_still_be_deleted(person):
    JournalEntryFactory(person=person, tags=["garden"])
    person.delete()
    assert not OwnTag.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_tags_already_written():
    call_command("migrate", "journal", "0009_history_revision", verbosity=0)
    person = UserFactory()
    with connection.cursor() as cursor:
        for tags in (["sleep", "garden"], ["garden"], []):
            cursor.execute(
                "INSERT INTO journal_journalentry (person_id, recorded_at, pain, tags, note,"
                " created_at, updated_at) VALUES (%s, now(), 3, %s, '', now(), now())",
                [person.pk, tags],
            )
    call_command("migrate", verbosity=0)
    assert counted(person) == {"sleep": 1, "garden": 2}


@pytest.mark.django_db(transaction=True)
def test_writers_of_one_persons_tags_take_turns():
    """The second of two transactions changing one person's tags waits for the first to end, even
    when they change different counts: so two that change the same counts in opposite orders can
    never each hold one the other waits for. Another person's writer does not wait."""
    person, someone_else = UserFactory(), UserFactory()
    first, second = (JournalEntryFactory(person=person, tags=[tag]) for tag in ("a", "b"))
    elsewhere = JournalEntryFactory(person=someone_else, tags=["a"])
    with psycopg.connect(**database.plain_connection_params(), autocommit=True) as other:
        other.execute("SET lock_timeout = '300ms'")
        with transaction.atomic():
            JournalEntry.objects.filter(pk=first.pk).update(tags=["a", "c"])
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(UPDATE_TAGS, [["b", "d"], second.pk])
            other.execute(UPDATE_TAGS, [["b"], elsewhere.pk])
        other.execute(UPDATE_TAGS, [["b", "d"], second.pk])
    assert counted(person) == {"a": 1, "b": 1, "c": 1, "d": 1}
    assert counted(someone_else) == {"b": 1}


UPDATE_TAGS = "UPDATE journal_journalentry SET tags = %s WHERE id = %s"
