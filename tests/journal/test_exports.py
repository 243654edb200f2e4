"""The clinician's CSV and FHIR R4 exports, checked against the FHIR rules the app applies."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as tz

from backrelease.capability import tokens
from backrelease.common import database
from backrelease.common.period import Period
from journal import exports
from journal.exports import APP_CODE_SYSTEM
from journal.models import JournalEntry, WeeklyCheckIn
from sessions.models import ReleaseSession, Step, StopReason
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, ShareLinkFactory

pytestmark = pytest.mark.django_db
TOKEN = tokens.new_token()
OFFSET_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")


@pytest.fixture(autouse=True)
def record(person):
    person.time_zone = "Australia/Sydney"
    person.save()
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=datetime(2026, 11, 22, 12, 30, tzinfo=UTC),
        pain_before=7,
        pain_after=4,
        arch_before=3,
        arch_after=1,
        note="session note",
    )
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        stopped_early_reason="dizziness",
        arch_after=None,
        pain_after=None,
    )
    JournalEntryFactory(
        person=person,
        pain=5,
        tags=["sleep", "long drive"],
        note="journal note",
        recorded_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    )


def get(page: str, person, **link):
    ShareLinkFactory(person=person, token=TOKEN, **link)
    return Client().get(f"/shared/{TOKEN}/{page}")


def test_it_exports_sessions_and_journal_as_csv(person):
    response = get("back-release.csv", person, include_notes=True)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [r["kind"] for r in rows] == ["session", "session", "journal"]
    assert rows[0]["local_time"] == "2026-11-22T23:30:00+11:00"
    assert (rows[0]["pain_before"], rows[0]["pain_after"], rows[0]["note"]) == (
        "7",
        "4",
        "session note",
    )
    assert rows[1]["stopped_early_reason"] == "dizziness"
    assert (rows[2]["pain"], rows[2]["tags"]) == ("5", "sleep;long drive")


def test_it_leaves_notes_out_of_the_csv_unless_allowed(person):
    text = get("back-release.csv", person).getvalue().decode()
    assert "session note" not in text
    assert "journal note" not in text


def bundle(person, **link) -> dict:
    response = get("fhir.json", person, **link)
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.getvalue())


def test_it_exports_a_fhir_r4_collection_bundle(person):
    data = bundle(person)
    assert data["resourceType"] == "Bundle"
    assert data["type"] == "collection"
    assert OFFSET_TIME.match(data["timestamp"])
    urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("urn:uuid:") for url in urls)
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds.count("Patient") == 1
    assert kinds.count("Procedure") == 2
    # Session 1: 4 ratings; the stopped session: pain and arch before; the journal: pain.
    assert kinds.count("Observation") == 4 + 2 + 1


def test_the_fhir_export_reads_the_same_number_of_queries_however_many_rows(person):
    """Only the columns the resources need are read: one a row would show up as a query a row."""
    scope = exports.Scope(Period.of(person), include_notes=True)

    def queries_to_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            "".join(exports.fhir_lines(scope))
        return len(queries)

    few = queries_to_export()
    ReleaseSessionFactory.create_batch(3, person=person, finished=True, note="more")
    ReleaseSessionFactory(person=person, finished=True, stopped_early_reason=StopReason.SHARP_PAIN)
    ReleaseSessionFactory(person=person)
    JournalEntryFactory.create_batch(3, person=person, note="more")
    assert queries_to_export() == few


def test_it_follows_the_fhir_rules_for_every_observation(person):
    data = bundle(person)
    by_url = {entry["fullUrl"]: entry["resource"] for entry in data["entry"]}
    patient_url = next(u for u, r in by_url.items() if r["resourceType"] == "Patient")
    observations = [r for r in by_url.values() if r["resourceType"] == "Observation"]
    for observation in observations:
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
        assert observation["subject"] == {"reference": patient_url}
        assert OFFSET_TIME.match(observation["effectiveDateTime"])
        quantity = observation["valueQuantity"]
        assert isinstance(quantity["value"], int)
        assert (quantity["unit"], quantity["system"], quantity["code"]) == (
            "{score}",
            "http://unitsofmeasure.org",
            "{score}",
        )
        coding = observation["code"]["coding"][0]
        if coding["system"] == "http://loinc.org":
            assert coding["code"] == "72514-3"
            assert 0 <= quantity["value"] <= 10
        else:
            assert coding["system"] == APP_CODE_SYSTEM
            assert "loinc" not in json.dumps(observation["code"]).lower()
            assert 0 <= quantity["value"] <= 4
        for reference in observation.get("partOf", []):
            assert by_url[reference["reference"]]["resourceType"] == "Procedure"


def test_it_ties_before_and_after_to_their_session(person):
    data = bundle(person)
    resources = [entry["resource"] for entry in data["entry"]]
    first_session = next(
        entry["fullUrl"]
        for entry in data["entry"]
        if entry["resource"]["resourceType"] == "Procedure"
        and entry["resource"]["status"] == "completed"
    )
    tied = [r for r in resources if r.get("partOf") == [{"reference": first_session}]]
    assert sorted((r["code"]["text"], r["valueQuantity"]["value"]) for r in tied) == [
        ("Lumbar arch after the session", 1),
        ("Lumbar arch before the session", 3),
        ("Pain after the session", 4),
        ("Pain before the session", 7),
    ]
    before = next(r for r in tied if r["code"]["text"] == "Pain before the session")
    assert before["effectiveDateTime"] == "2026-11-22T23:30:00+11:00"
    stopped = next(r for r in resources if r.get("status") == "stopped")
    assert stopped["statusReason"] == {"text": "Dizziness"}


def test_it_keeps_notes_out_of_fhir_unless_allowed(person):
    assert "journal note" not in json.dumps(bundle(person))


def test_it_puts_notes_in_fhir_when_allowed(person):
    text = json.dumps(bundle(person, include_notes=True))
    assert "journal note" in text
    assert "session note" in text


FORMULAS = [
    '=HYPERLINK("http://example.com","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_it_neutralises_cells_a_spreadsheet_would_run(person, formula):
    JournalEntryFactory(person=person, pain=2, note=formula)
    ReleaseSessionFactory(person=person, finished=True, note=formula)
    own = Client()
    own.force_login(person)
    for response in (
        get("back-release.csv", person, include_notes=True),
        own.get("/accounts/export.csv"),
    ):
        notes = [r["note"] for r in csv.DictReader(io.StringIO(response.getvalue().decode()))]
        assert notes.count(f"'{formula}") == 2
        assert formula not in notes


def test_it_keeps_the_json_export_exact(person):
    JournalEntryFactory(person=person, pain=2, note=FORMULAS[0])
    own = Client()
    own.force_login(person)
    exported = json.loads(own.get("/accounts/export.json").getvalue())
    assert FORMULAS[0] in [e["note"] for e in exported["journal_entries"]]


def test_it_downloads_the_weekly_table_with_exact_means_and_counts(person):
    JournalEntryFactory(person=person, pain=6, recorded_at=datetime(2026, 11, 24, 9, tzinfo=UTC))
    JournalEntryFactory(person=person, pain=7, recorded_at=datetime(2026, 11, 24, 10, tzinfo=UTC))
    own = Client()
    own.force_login(person)
    for response in (get("weekly.csv", person), own.get("/trends/weekly.csv")):
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
        week = next(r for r in rows if r["week_start"] == "2026-11-23")
        # The fixture's 5 and these 6 and 7: the exact mean, unrounded, and its count.
        assert Decimal(week["journal_pain"]) * int(week["journal_pain_n"]) == sum(
            Decimal(p) for p in (5, 6, 7)
        )
        assert "." in week["journal_pain"] and len(week["journal_pain"]) > 4


def test_exports_stream_in_batches_of_about_64_kb():
    lines = (f"row {n:06d}\n" for n in range(30_000))
    batches = list(exports.in_batches(lines))
    assert "".join(batches) == "".join(f"row {n:06d}\n" for n in range(30_000))
    assert all(len(batch) >= exports.BATCH for batch in batches[:-1])
    assert all(len(batch) < exports.BATCH + 20 for batch in batches)


@pytest.mark.django_db
def test_downloads_read_in_chunks_without_a_server_side_cursor(person, monkeypatch):
    """Keyset chunks: every row once, in order, ties in time included, and no cursor held open
    (which a transaction-pooling PgBouncer would lose between transactions)."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    at = datetime(2026, 11, 2, 8, tzinfo=UTC)
    tied = ReleaseSessionFactory.create_batch(3, person=person, finished=True, started_at=at)
    later = ReleaseSessionFactory(person=person, finished=True, started_at=at + timedelta(hours=1))
    ReleaseSessionFactory(person=person, finished=True, started_at=at - timedelta(days=1))
    scope = exports.Scope(Period.of(person))
    with CaptureQueriesContext(connection) as queries:
        read = list(exports.in_chunks(scope.sessions(), "started_at"))
    expected = ReleaseSession.objects.of(person).order_by("started_at", "pk")
    assert [s.pk for s in read] == [s.pk for s in expected]
    assert {s.pk for s in tied} | {later.pk} <= {s.pk for s in read}
    assert len(queries) == len(read) // 2 + 1
    assert not any("DECLARE" in q["sql"].upper() for q in queries.captured_queries)


def test_the_csv_runs_no_statement_while_the_client_reads(person):
    """A download paused after its first row (a slow phone) leaves no COPY running: the rows come
    in keyset chunks, each read whole, so behind PgBouncer no server connection waits on the
    client. A megabyte of notes, more than a socket holds, so one COPY for all would still run."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    JournalEntry.objects.bulk_create(
        JournalEntry(person=person, pain=3, note="x" * 1900, recorded_at=at + timedelta(hours=n))
        for n in range(700)
    )
    lines = exports.csv_lines(exports.Scope(Period.of(person), include_notes=True))
    read = [next(lines), next(lines)]
    backend = connection.connection.info.backend_pid
    with psycopg.connect(**database.plain_connection_params()) as watcher:
        (state,) = watcher.execute(
            "SELECT state FROM pg_stat_activity WHERE pid = %s", [backend]
        ).fetchone()
    read += list(lines)
    assert state != "active"
    assert len(read) == 1 + 700 + 3


def test_the_csv_writes_each_cell_as_python_would_in_any_zone(person):
    """PostgreSQL writes the CSV: each cell against what Python makes of the same row, in a zone
    half an hour off the hour and west of UTC, with microseconds, every session state, text that
    needs quoting and empty text."""
    person.time_zone = "America/St_Johns"
    person.save()
    zone = ZoneInfo(person.time_zone)
    finished = ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=UTC),
        knees_lifted=True,
        ball_setup="two",
        note='a, "b"\nc',
    )
    ReleaseSession.objects.filter(pk=finished.pk).update(
        corrected_at=datetime(2026, 7, 2, 8, 30, tzinfo=UTC)
    )
    finished.refresh_from_db()
    stopped = ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=datetime(2026, 7, 3, 12, tzinfo=UTC),
        stopped_early_reason="could_not_relax",
        note="=SUM(A1)",
    )
    unfinished = ReleaseSessionFactory(person=person, step="relax", note="")
    entry = JournalEntryFactory(
        person=person,
        pain=4,
        tags=["long drive", "sleep"],
        note="",
        recorded_at=datetime(2026, 7, 4, 23, 59, tzinfo=UTC),
    )
    WeeklyCheckIn.objects.record(
        person,
        datetime(2026, 6, 29).date(),
        pain_average=5,
        enjoyment_interference=4,
        activity_interference=3,
    )
    rows = list(
        csv.DictReader(io.StringIO("".join(exports.csv_lines(exports.Scope(Period.of(person))))))
    )
    mine = [r for r in rows if r["kind"] in {"session", "journal", "weekly check-in"}]

    def local(at):
        return tz.localtime(at, zone).isoformat() if at else ""

    by_time = {r["local_time"]: r for r in mine}
    row = by_time[local(finished.started_at)]
    assert row["local_time"].endswith(".123456-02:30")
    assert row["session_state"] == "finished"
    assert row["corrected_at"] == local(finished.corrected_at)
    assert (row["ball_setup"], row["knees_lifted"]) == ("two", "yes")
    assert row["note"] == 'a, "b"\nc'
    assert row["pain_before"] == str(finished.pain_before)
    row = by_time[local(stopped.started_at)]
    assert row["session_state"] == "stopped early: could not relax"
    assert row["stopped_early_reason"] == "could_not_relax"
    assert row["note"] == "'=SUM(A1)"
    row = by_time[local(unfinished.started_at)]
    assert row["session_state"] == "not finished (at: relax into it)"
    assert (row["note"], row["pain_after"], row["corrected_at"]) == ("", "", "")
    row = by_time[local(entry.recorded_at)]
    assert (row["pain"], row["tags"], row["note"]) == ("4", "long drive;sleep", "")
    row = by_time["2026-06-29"]
    assert [row[f] for f in ("peg_pain_average", "peg_enjoyment_interference")] == ["5", "4"]
    kinds = [r["kind"] for r in mine]
    assert kinds == sorted(kinds, key=["session", "journal", "weekly check-in"].index)


def test_the_sql_state_of_a_session_says_what_its_state_says(person):
    def in_sql(session: ReleaseSession) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {ReleaseSession.state_sql()} FROM {ReleaseSession._meta.db_table} "
                "WHERE id = %s",
                [session.pk],
            )
            return cursor.fetchone()[0]

    ReleaseSession.objects.of(person).delete()
    sessions = [ReleaseSessionFactory(person=person, finished=True)] + [
        ReleaseSessionFactory(person=person, finished=True, stopped_early_reason=reason)
        for reason in StopReason.values
    ]
    for step in Step.values:
        if step != Step.DONE:
            ReleaseSession.objects.of(person).open().delete()
            sessions.append(ReleaseSessionFactory(person=person, step=step))
            assert in_sql(sessions[-1]) == sessions[-1].state
    for session in sessions[: len(StopReason.values) + 1]:
        assert in_sql(session) == session.state


@pytest.mark.parametrize("kind", ["person", "session", "session-pain-before", "journal"])
def test_resource_ids_are_the_standard_name_based_uuids(kind):
    for pk in [1, 7, 999, 123456789]:
        expected = uuid.uuid5(exports.ID_NAMESPACE, f"{kind}-{pk}")
        assert exports.urn(kind, pk) == f"urn:uuid:{expected}"
