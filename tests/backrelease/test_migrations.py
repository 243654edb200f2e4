from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_it_migrates_an_empty_database_both_ways():
    call_command("migrate", "release_sessions", "zero", verbosity=0)
    assert "release_sessions_releasesession" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "release_sessions_releasesession" in connection.introspection.table_names()


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
