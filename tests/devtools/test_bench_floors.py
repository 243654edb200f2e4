"""The bench's FHIR floor holds what the download holds: a floor with fewer rows would flatter the
ratio taken against it. (The CSV floor is the download's own COPY statement.)"""

from __future__ import annotations

import json
from datetime import date

import psycopg
import pytest
from django.db import OperationalError, connection

from backrelease.common.period import Period
from backrelease.devtools.management.commands import bench
from journal import exports
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, WeeklyCheckInFactory


def copied(statements: list[str], person) -> list[str]:
    """Every line PostgreSQL writes for the statements, through the test's own connection (its
    transaction holds the rows)."""
    params = Period.of(person).sql_params()
    connection.ensure_connection()
    text = b""
    with psycopg.ClientCursor(connection.connection) as cursor:
        for statement in statements:
            with cursor.copy(statement, params) as copy:
                text += b"".join(bytes(block) for block in copy)
    return text.decode().splitlines()


@pytest.mark.django_db
def test_the_fhir_floor_writes_every_resource_of_the_download(person):
    ReleaseSessionFactory.create_batch(3, person=person, finished=True, note="calm")
    ReleaseSessionFactory(person=person)
    JournalEntryFactory.create_batch(5, person=person, note="a=1, b")
    WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 2))
    scope = exports.Scope(Period.of(person))

    bundle = json.loads("".join(exports.fhir_lines(scope)))
    the_patient = 1
    resources = copied(bench.copy_fhir_sql(), person)
    assert len(resources) == len(bundle["entry"]) - the_patient > 10


@pytest.mark.django_db
def test_the_app_beside_the_floors_still_answers_503_when_the_database_is_away(
    person_client, monkeypatch, settings
):
    """The load test serves the app through these URLs: a database restart must look the same."""
    settings.ROOT_URLCONF = "backrelease.devtools.bench_urls"

    def failing(*args, **kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr("journal.trends.weekly", failing)
    person_client.raise_request_exception = False
    response = person_client.get("/trends/")
    assert response.status_code == 503
    assert "cannot reach its database" in response.text
    assert person_client.get("/bench/signed-in/").status_code == 200
