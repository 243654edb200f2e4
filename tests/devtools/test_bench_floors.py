"""The bench's floors hold what the pages and downloads they are compared with must do: a floor
that does less would flatter the ratio taken against it."""

from __future__ import annotations

import gzip
import json
from datetime import date

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from backrelease.common.period import Period
from backrelease.devtools.bench_urls import CLINIC_LIST_BODY, SENT_BODY, TRIAL_RESULT_BODY
from backrelease.devtools.management.commands import bench
from journal import exports
from journal.clinic.models import Practice
from journal.models import JournalEntry
from sessions.models import Step
from tests.clinic.factories import verified_client
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    WeeklyCheckInFactory,
)


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
def test_the_csv_floor_writes_every_row_of_the_download_in_its_chunks(person, monkeypatch):
    """The download reads its rows in keyset chunks, a statement each: so does its floor."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    ReleaseSessionFactory.create_batch(3, person=person, finished=True, note="calm")
    JournalEntryFactory.create_batch(5, person=person, note="a=1, b")
    WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 2))
    scope = exports.Scope(Period.of(person))
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as cursor:
        floor = [row.decode().split(",", 2)[2] for row in bench.csv_chunk_rows(cursor, scope)]
    download = list(exports.csv_lines(scope))[1:]
    assert floor == download
    assert len(floor) == 9


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


@pytest.mark.django_db
def test_the_step_floor_reads_the_row_and_sends_about_as_many_bytes_as_the_partial(
    person_client, person, other_person, settings
):
    settings.ROOT_URLCONF = "backrelease.devtools.bench_urls"
    session = ReleaseSessionFactory(person=person, step=Step.ARCH_BEFORE, pain_before=6)
    partial = person_client.get(session.get_absolute_url(), HTTP_HX_REQUEST="true").content
    floor = person_client.get(f"/bench/step/{session.pk}/")
    assert b'data-step="arch_before"' in partial and b'data-step="arch_before"' in floor.content
    assert abs(len(floor.content) - len(partial)) < len(partial) / 10
    theirs = ReleaseSessionFactory(person=other_person)
    assert person_client.get(f"/bench/step/{theirs.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_weekly_floor_runs_the_weekly_query_and_sends_the_pages_bytes(
    person_client, person, settings, tmp_path, monkeypatch, django_assert_num_queries
):
    settings.ROOT_URLCONF = "backrelease.devtools.bench_urls"
    JournalEntryFactory.create_batch(3, person=person)
    page = person_client.get("/trends/", {"range": "all"}).content
    (tmp_path / "page.html").write_bytes(page)
    monkeypatch.setenv(SENT_BODY, str(tmp_path / "page.html"))
    with django_assert_num_queries(2) as queries:
        floor = person_client.get("/bench/weekly-sent/", HTTP_ACCEPT_ENCODING="gzip")
    assert "session_weeks" in queries.captured_queries[-1]["sql"]
    assert floor["Content-Encoding"] == "gzip"
    assert gzip.decompress(floor.content) == page


def test_the_two_pages_are_judged_against_their_own_floors():
    assert bench.TARGETS["step partial over its row and template"][1] == 1.15
    assert bench.TARGETS["trends all over the weekly SQL sent"][1] == 1.5


@pytest.mark.django_db
def test_the_trial_floor_reads_the_plans_rows_and_sends_the_result_pages_bytes(
    person_client, person, settings, tmp_path, monkeypatch, django_assert_max_num_queries
):
    settings.ROOT_URLCONF = "backrelease.devtools.bench_urls"
    plan = bench.trial_plan(person)
    assert plan.pairs == 6 and plan.ratings.count() > 6 * 2 * 14 * 0.8
    page = person_client.get("/trial/result/").content
    assert b'class="verdict notice"' in page
    (tmp_path / "weekly.html").write_text("")
    (tmp_path / TRIAL_RESULT_BODY).write_bytes(page)
    monkeypatch.setenv(SENT_BODY, str(tmp_path / "weekly.html"))
    with django_assert_max_num_queries(4) as queries:
        floor = person_client.get("/bench/trial-sent/", HTTP_ACCEPT_ENCODING="gzip")
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "trial_trialrating" in sql and "release_sessions_releasesession" in sql
    assert gzip.decompress(floor.content) == page


@pytest.mark.django_db
def test_the_clinic_floor_runs_the_lists_query_behind_the_second_factor(
    settings, tmp_path, monkeypatch
):
    settings.ROOT_URLCONF = "backrelease.devtools.bench_urls"
    clinician = bench.bench_clinician()
    patients = [UserFactory() for _ in range(3)]
    practice = bench.practice_of(clinician, patients)
    monkeypatch.setattr(bench, "CLINIC_PATIENTS", 3)
    signed_in_only = Client()
    signed_in_only.force_login(clinician)
    assert signed_in_only.get("/bench/clinic-sent/").status_code == 302
    client = verified_client(clinician)
    page = client.get("/clinic/").content
    assert page.count(b'<th scope="row">') == 3
    (tmp_path / "weekly.html").write_text("")
    (tmp_path / CLINIC_LIST_BODY).write_bytes(page)
    monkeypatch.setenv(SENT_BODY, str(tmp_path / "weekly.html"))
    floor = client.get("/bench/clinic-sent/")
    assert floor.content == page
    bench.clean_up([clinician, *patients])
    assert not Practice.objects.filter(pk=practice.pk).exists()
    assert all(JournalEntry.objects.of(patient).count() == 0 for patient in patients)


def test_german_pages_are_judged_against_the_same_pages_in_english():
    german = {name: t for name, t in bench.TARGETS.items() if t[0] == "german_over_english"}
    assert {t[2] for t in german.values()} == set(bench.LANGUAGE_PAGES)
    assert all(t[1] == 1.1 for t in german.values())
