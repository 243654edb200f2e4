"""Every export that carries ratings says, per rating, the wording it was given in, as "de:1"
(language:version), null for a rating with none: the person's JSON and CSV, the share link's CSV
and FHIR (the practice's: tests/clinic/test_export_wording.py). docs/rating-wording.md"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from backrelease import portability
from backrelease.common.period import Period
from journal import exports
from sessions import wording
from sessions.models import Instrument
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    ShareLinkFactory,
    TrialPlanFactory,
    TrialRatingFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db
TOKEN = "a-token-for-the-wording"
STARTED = datetime(2026, 11, 22, 12, 30, tzinfo=UTC)


def shown(instrument: str, language: str):
    return wording.shown(instrument, language)


@pytest.fixture
def record(person):
    """A session rated in German but for its arch before (English) and with no arch after; a
    journal entry in English, one kept from before wording was recorded; a PEG check-in in its
    English, a trial rating in German."""
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=STARTED,
        pain_before=7,
        pain_before_wording=shown(Instrument.PAIN, "de"),
        arch_before=3,
        arch_before_wording=shown(Instrument.ARCH, "en-gb"),
        arch_after=None,
        pain_after=4,
        pain_after_wording=shown(Instrument.PAIN, "de"),
    )
    JournalEntryFactory(
        person=person,
        pain=5,
        pain_wording=shown(Instrument.PAIN, "en-gb"),
        recorded_at=STARTED + timedelta(days=1),
    )
    JournalEntryFactory(person=person, pain=2, recorded_at=STARTED + timedelta(days=2))
    WeeklyCheckInFactory(
        person=person,
        week_start=date(2026, 11, 16),
        pain_average_wording=shown(Instrument.PEG_PAIN, "de"),  # the English: there is no German
        enjoyment_interference_wording=shown(Instrument.PEG_ENJOYMENT, "en-gb"),
        activity_interference_wording=shown(Instrument.PEG_ACTIVITY, "en-gb"),
    )
    plan = TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=2))
    TrialRatingFactory(plan=plan, usual_pain_wording=shown(Instrument.TRIAL_DAILY, "de"))
    return person


SESSION_KEYS = {
    "pain_before_wording": "de:1",
    "arch_before_wording": "en-gb:1",
    "arch_after_wording": None,
    "pain_after_wording": "de:1",
}


def test_the_json_export_says_each_ratings_wording(record, person_client):
    exported = json.loads(person_client.get(reverse("export-json")).getvalue())
    (session,) = exported["sessions"]
    assert {key: session[key] for key in SESSION_KEYS} == SESSION_KEYS
    assert session["arch_after"] is None
    assert [(e["pain"], e["pain_wording"]) for e in exported["journal_entries"]] == [
        (5, "en-gb:1"),
        (2, None),
    ]
    (check_in,) = exported["weekly_check_ins"]
    assert (
        check_in["pain_average_wording"],
        check_in["enjoyment_interference_wording"],
        check_in["activity_interference_wording"],
    ) == ("en-gb:1", "en-gb:1", "en-gb:1")
    (plan,) = exported["trial_plans"]
    assert plan["ratings"][0]["usual_pain_wording"] == "de:1"


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


WORDING_COLUMNS = [column for column in exports.CSV_COLUMNS if column.endswith("_wording")]


def test_the_csv_says_each_ratings_wording_after_the_columns_it_had(record, person_client):
    table = csv_rows(person_client.get(reverse("export-csv")))
    assert list(table[0])[-len(WORDING_COLUMNS) :] == WORDING_COLUMNS
    assert list(table[0])[: -len(WORDING_COLUMNS)][-1] == "note"
    session, entry, unrecorded, check_in = (
        {column: row[column] for column in WORDING_COLUMNS if row[column]} for row in table
    )
    assert [row["kind"] for row in table] == ["session", "journal", "journal", "weekly check-in"]
    assert session == {
        "pain_before_wording": "de:1",
        "arch_before_wording": "en-gb:1",
        "pain_after_wording": "de:1",
    }
    assert table[0]["arch_after_wording"] == ""  # no rating, no wording
    assert entry == {"pain_wording": "en-gb:1"}
    assert unrecorded == {}
    assert check_in == {
        "peg_pain_average_wording": "en-gb:1",
        "peg_enjoyment_interference_wording": "en-gb:1",
        "peg_activity_interference_wording": "en-gb:1",
    }


def observations(bundle: dict) -> list[tuple[str, list[str]]]:
    """Each Observation's text, with the wording keys its extension gives, sorted."""
    return sorted(
        (
            resource["code"]["text"],
            [
                extension["valueString"]
                for extension in resource.get("extension", [])
                if extension["url"] == exports.WORDING_EXTENSION
            ],
        )
        for resource in (entry["resource"] for entry in bundle["entry"])
        if resource["resourceType"] == "Observation"
    )


def test_the_clinicians_csv_and_fhir_say_each_ratings_wording_and_validate(record):
    ShareLinkFactory(person=record, token=TOKEN)
    link = Client()
    table = csv_rows(link.get(f"/shared/{TOKEN}/back-release.csv"))
    assert (table[0]["pain_before_wording"], table[1]["pain_wording"]) == ("de:1", "en-gb:1")
    bundle = json.loads(link.get(f"/shared/{TOKEN}/fhir.json").getvalue())
    Bundle.model_validate(bundle)
    assert observations(bundle) == [
        ("Lumbar arch before the session", ["en-gb:1"]),
        ("Pain after the session", ["de:1"]),
        ("Pain before the session", ["de:1"]),
        ("Pain, journal entry", []),  # kept from before wording was recorded
        ("Pain, journal entry", ["en-gb:1"]),
        ("Usual pain over the day, trial evening rating (0-10)", ["de:1"]),
    ]


def queries(export) -> int:
    with CaptureQueriesContext(connection) as captured:
        "".join(export())
    return len(captured)


def test_the_wording_costs_no_query_however_many_rows(person):
    """The keys are read with the rows (the CSV) or from the wordings read once a process (the
    JSON and FHIR): as many queries with ten rated rows as with none of them rated."""
    JournalEntryFactory(person=person)
    ReleaseSessionFactory(person=person, finished=True)
    scope = exports.Scope(Period.of(person), include_notes=True)
    downloads = {
        "json": lambda: portability.export_lines(person),
        "csv": lambda: exports.csv_lines(scope),
        "fhir": lambda: exports.fhir_lines(scope),
    }
    before = {name: queries(export) for name, export in downloads.items()}
    for language in ("de", "en-gb", "es"):
        pain = shown(Instrument.PAIN, language)
        arch = shown(Instrument.ARCH, language)
        JournalEntryFactory.create_batch(3, person=person, pain_wording=pain)
        ReleaseSessionFactory(
            person=person,
            finished=True,
            pain_before_wording=pain,
            arch_before_wording=arch,
            arch_after_wording=arch,
            pain_after_wording=pain,
        )
    assert {name: queries(export) for name, export in downloads.items()} == before
