from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from journal.models import JournalEntry
from sessions.models import ReleaseSession
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_it_migrates_an_empty_database_both_ways():
    call_command("migrate", "release_sessions", "zero", verbosity=0)
    assert "release_sessions_releasesession" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "release_sessions_releasesession" in connection.introspection.table_names()


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_it_removes_or_trims_rows_outside_the_bounds_and_says_so(capsys):
    call_command("migrate", "journal", "0003_entry_key_and_updated_at", verbosity=0)
    call_command("migrate", "release_sessions", "0002_updated_at", verbosity=0)
    person = UserFactory()
    with connection.cursor() as cursor:
        for recorded_at, note in [
            ("0001-01-01 00:00+09", ""),
            ("2026-11-20 10:00+00", "a\x07" + "x" * 2500),
            ("2026-11-21 10:00+00", "kept"),
        ]:
            cursor.execute(
                "INSERT INTO journal_journalentry (person_id, recorded_at, pain, tags, note,"
                " created_at) VALUES (%s, %s, 3, '{}', %s, now())",
                [person.pk, recorded_at, note],
            )
        for started_at, relax in [("1900-01-01 00:00+00", 0), ("2026-11-20 10:00+00", 9999)]:
            cursor.execute(
                "INSERT INTO release_sessions_releasesession (person_id, started_at, step,"
                " step_started_at, ball_setup, knees_lifted, repositions, relax_seconds, note,"
                " stopped_early_reason, finished_at) VALUES"
                " (%s, %s, 'done', %s, '', false, 0, %s, '', '', %s)",
                [person.pk, started_at, started_at, relax, started_at],
            )
    capsys.readouterr()
    call_command("migrate", verbosity=1)
    said = capsys.readouterr().out
    assert "Journal entries removed, dated before 2000 or in the future: 1" in said
    assert "Journal entries whose note or tags were trimmed to their limits: 1" in said
    assert (
        "Sessions removed, dated before 2000, in the future or ending before they start: 1" in said
    )
    assert "Sessions with more than 5 minutes on the ball, now 5 minutes: 1" in said
    notes = sorted(JournalEntry.objects.values_list("note", flat=True))
    assert notes == ["a" + "x" * 1999, "kept"]
    assert list(ReleaseSession.objects.values_list("relax_seconds", flat=True)) == [300]
