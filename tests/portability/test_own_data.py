"""The person's own data: export everything, import it back without loss, delete the account."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backrelease.accounts.models import User
from backrelease.portability import is_empty
from journal.models import JournalEntry, ShareLink, ShareLinkOpening, WeeklyCheckIn
from sessions.models import ReleaseSession, Step
from tests.factories import (
    PASSWORD,
    JournalEntryFactory,
    ReleaseSessionFactory,
    ShareLinkFactory,
    UserFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(person):
    person.time_zone = "America/Los_Angeles"
    person.display_name = "Ana"
    person.save()
    ReleaseSessionFactory(person=person, finished=True, note="a <b>note</b>", knees_lifted=True)
    ReleaseSessionFactory(person=person, step=Step.RELAX, pain_before=6, arch_before=2)
    JournalEntryFactory(person=person, pain=3, tags=["sleep", "own tag"], note="fine")
    WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 16))
    return person


def rows(person) -> dict[str, list[dict]]:
    """Everything of a person's, as comparable values, without ids and owners."""

    def strip(queryset):
        return [
            # When a row was written is not something the person entered; everything else is.
            {
                k: v
                for k, v in row.items()
                if k not in ("id", "person_id", "created_at", "updated_at")
            }
            for row in queryset.values()
        ]

    return {
        "sessions": strip(ReleaseSession.objects.of(person).order_by("started_at")),
        "entries": strip(JournalEntry.objects.of(person).order_by("recorded_at")),
        "check_ins": strip(WeeklyCheckIn.objects.filter(person=person).order_by("week_start")),
    }


def upload(data) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.json", json.dumps(data).encode(), "application/json")


def test_it_round_trips_everything_into_an_empty_account(record, person_client, htmx_headers):
    exported = person_client.get(reverse("export-json"))
    assert "attachment" in exported["Content-Disposition"]
    newcomer = UserFactory(time_zone="UTC", display_name="Levi")
    client = Client()
    client.force_login(newcomer)
    response = client.post(
        reverse("import"),
        {"file": upload(json.loads(exported.getvalue())), "use_file_time_zone": "on"},
        **htmx_headers,
    )
    assert response.status_code == 200
    assert "Imported 2 sessions, 1 journal entry and 1 weekly check-in." in response.text
    assert "counted in America/Los_Angeles, the zone saved in the file" in response.text
    newcomer.refresh_from_db()
    assert (newcomer.time_zone, newcomer.display_name) == ("America/Los_Angeles", "Levi")
    assert rows(newcomer) == rows(record)


def test_it_keeps_the_accounts_time_zone_unless_asked(record, person_client, htmx_headers):
    exported = json.loads(person_client.get(reverse("export-json")).getvalue())
    newcomer = UserFactory(time_zone="Asia/Tokyo")
    client = Client()
    client.force_login(newcomer)
    response = client.post(reverse("import"), {"file": upload(exported)}, **htmx_headers)
    assert "counted in Asia/Tokyo, your account's zone" in response.text
    newcomer.refresh_from_db()
    assert newcomer.time_zone == "Asia/Tokyo"
    assert rows(newcomer) == rows(record)


def test_it_refuses_an_unknown_zone_when_asked_to_use_it(person, person_client):
    content = {"format": "back-release-export", "version": 1, "profile": {"time_zone": "Mars/Base"}}
    response = person_client.post(
        reverse("import"), {"file": upload(content), "use_file_time_zone": "on"}
    )
    assert response.status_code == 422
    assert "names no time zone Back Release knows" in response.text
    person.refresh_from_db()
    assert person.time_zone == "Europe/London"


def test_it_refuses_to_import_into_an_account_with_data(record, person_client, htmx_headers):
    exported = json.loads(person_client.get(reverse("export-json")).getvalue())
    before = rows(record)
    response = person_client.post(reverse("import"), {"file": upload(exported)}, **htmx_headers)
    assert response.status_code == 422
    assert "empty account only" in response.text
    assert rows(record) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not a Back Release export"),
        (json.dumps({"format": "other"}).encode(), "not a Back Release export"),
        (
            json.dumps(
                {
                    "format": "back-release-export",
                    "version": 1,
                    "journal_entries": [
                        {"recorded_at": "2026-11-20T10:00:00+00:00", "pain": 3},
                        {"recorded_at": "2026-11-21T10:00:00+00:00", "pain": 11},
                    ],
                }
            ).encode(),
            "Nothing was imported",
        ),
    ],
)
def test_it_refuses_a_bad_file_and_saves_nothing(person, person_client, content, message):
    response = person_client.post(
        reverse("import"), {"file": SimpleUploadedFile("x.json", content)}
    )
    assert response.status_code == 422
    assert message in response.text
    assert not JournalEntry.objects.exists()
    person.refresh_from_db()
    assert person.time_zone == "Europe/London"


def test_it_shows_the_import_page_and_partial(person_client, htmx_headers):
    assert "Import your data" in person_client.get(reverse("import")).text
    partial = person_client.get(reverse("import"), **htmx_headers).text
    assert partial.lstrip().startswith('<form id="import-form"')


def test_it_exports_everything_as_csv(record, person_client):
    response = person_client.get(reverse("export-csv"))
    table = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    # The unfinished session too, with its state: its pain-before counts in the week.
    assert [r["kind"] for r in table] == ["session", "session", "journal", "weekly check-in"]
    assert [r["session_state"] for r in table[:2]] == [
        "finished",
        "not finished (at: relax into it)",
    ]
    assert table[0]["note"] == "a <b>note</b>"
    assert table[1]["pain_before"] == "6"


def test_it_streams_the_export_a_chunk_of_rows_at_a_time(person, person_client, monkeypatch):
    """Ten years of entries never stand in memory at once: read `CHUNK` rows at a time (here 2)
    and handed on as they are written."""
    monkeypatch.setattr("journal.exports.CHUNK", 2)
    JournalEntryFactory.create_batch(5, person=person)
    with CaptureQueriesContext(connection) as queries:
        response = person_client.get(reverse("export-json"))
        exported = json.loads(response.getvalue())
    assert response.streaming
    assert len(exported["journal_entries"]) == 5
    entry_reads = [q for q in queries if 'FROM "journal_journalentry"' in q["sql"]]
    assert len(entry_reads) == 3


def test_it_exports_only_the_persons_own_data(record, person_client, other_person):
    JournalEntryFactory(person=other_person, note="someone else")
    assert b"someone else" not in person_client.get(reverse("export-json")).getvalue()
    assert "someone else" not in person_client.get(reverse("export-csv")).getvalue().decode()


def test_it_deletes_the_account_and_everything_in_it(record, person_client, other_person):
    link = ShareLinkFactory(person=record)
    ShareLinkOpening.objects.create(link=link, client="Safari on iPhone")
    JournalEntryFactory(person=other_person)
    response = person_client.post(reverse("delete-account"), {"password": PASSWORD})
    assert "Your account is deleted" in response.text
    assert not User.objects.filter(pk=record.pk).exists()
    assert not ReleaseSession.objects.exists()
    assert not WeeklyCheckIn.objects.exists()
    assert not ShareLink.objects.exists()
    assert not ShareLinkOpening.objects.exists()
    assert JournalEntry.objects.get().person == other_person
    assert person_client.get(reverse("home")).text.count("Create an account") == 1


def test_it_asks_for_the_password_before_deleting(record, person_client, htmx_headers):
    page = person_client.get(reverse("delete-account")).text
    assert "Delete your account" in page
    partial = person_client.get(reverse("delete-account"), **htmx_headers).text
    assert partial.lstrip().startswith('<form id="delete-form"')
    response = person_client.post(reverse("delete-account"), {"password": "wrong"}, **htmx_headers)
    assert response.status_code == 422
    assert "That is not your password. Nothing was deleted." in response.text
    assert User.objects.filter(pk=record.pk).exists()
    assert ReleaseSession.objects.filter(person=record).count() == 2


def test_it_sends_anonymous_visitors_to_log_in(db):
    for name in ("export-json", "export-csv", "import", "delete-account"):
        assert Client().get(reverse(name)).url.startswith(reverse("login"))


def export_with(**lists) -> dict:
    return {"format": "back-release-export", "version": 1, **lists}


def entry(**change) -> dict:
    return {"recorded_at": "2026-11-20T10:00:00+00:00", "pain": 3, "tags": [], "note": "", **change}


def session_row(**change) -> dict:
    return {
        "started_at": "2026-11-20T10:00:00+00:00",
        "step": "done",
        "step_started_at": "2026-11-20T10:10:00+00:00",
        "finished_at": "2026-11-20T10:10:00+00:00",
        **change,
    }


def nested(depth: int) -> bytes:
    return (
        b'{"format": "back-release-export", "version": 1, "x": '
        + b"[" * depth
        + b"]" * depth
        + b"}"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (nested(100_000), "not a Back Release export"),
        (export_with(journal_entries=[entry(note="a\x00b")]), "control characters"),
        (export_with(journal_entries=[entry(tags=["a\x00b"])]), "A tag is up to 30"),
        (export_with(journal_entries=[entry(pain=10**30)]), "less than or equal to 10"),
        (export_with(journal_entries=[entry(pain="3")]), "give a whole number"),
        (export_with(journal_entries=[entry(pain=True)]), "give a whole number"),
        (export_with(journal_entries=[entry(tags="abc")]), "give a list of words"),
        (export_with(journal_entries=[entry(note="x" * 10_000_000)]), "at most 2000 characters"),
        (export_with(journal_entries=[entry(tags=[f"t{n}" for n in range(10_000)])]), "at most 20"),
        (export_with(journal_entries=[entry()] * 30_001), "more than 30,000 journal entries"),
        (
            export_with(journal_entries=[entry(recorded_at="2090-01-01T10:00:00+00:00")]),
            "still to come",
        ),
        (
            export_with(journal_entries=[entry(recorded_at="0001-01-01T00:00:00+09:00")]),
            "2000 or later",
        ),
        (export_with(journal_entries=[entry(recorded_at="2026-11-20T10:00:00")]), "UTC offset"),
        (export_with(journal_entries=[entry(recorded_at="soon")]), "unreadable"),
        (export_with(journal_entries="abc"), "are not a list"),
        (export_with(journal_entries=["abc"]), "is not a record"),
        (export_with(sessions=[session_row(relax_seconds=10**12)]), "less than or equal to 300"),
        (export_with(sessions=[session_row(step="flying")]), "not a valid choice"),
        (
            export_with(sessions=[session_row(finished_at="2026-11-19T10:00:00+00:00")]),
            "contradict each other",
        ),
        (
            export_with(
                weekly_check_ins=[
                    {
                        "week_start": "1999-12-27",
                        "pain_average": 1,
                        "enjoyment_interference": 1,
                        "activity_interference": 1,
                    }
                ]
            ),
            "2000 or later",
        ),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, str) else None,
)
def test_it_refuses_what_the_forms_would_and_saves_nothing(person, person_client, content, message):
    body = content if isinstance(content, bytes) else json.dumps(content).encode()
    response = person_client.post(
        reverse("import"), {"file": SimpleUploadedFile("x.json", body)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert message in response.text
    assert "Nothing was imported" in response.text or "not a Back Release export" in response.text
    assert is_empty(person)
