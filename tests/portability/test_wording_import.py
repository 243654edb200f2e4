"""The JSON import takes each rating's wording back: a wording the app knows is restored, a file
from before wordings were exported keeps none, an unknown one is refused and nothing is saved."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from journal.models import JournalEntry, WeeklyCheckIn
from sessions import wording
from sessions.models import Instrument, ReleaseSession
from tests.factories import (
    JournalEntryFactory,
    ReleaseSessionFactory,
    UserFactory,
    WeeklyCheckInFactory,
)

pytestmark = pytest.mark.django_db


def upload(data) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.json", json.dumps(data).encode(), "application/json")


def keys(person) -> dict[str, list]:
    """Each rating with the key of its wording, in order."""

    def of(rows, *ratings):
        return [
            tuple(
                (getattr(row, r), getattr(getattr(row, f"{r}_wording"), "key", None))
                for r in ratings
            )
            for row in rows
        ]

    return {
        "sessions": of(
            ReleaseSession.objects.of(person).order_by("started_at"),
            "pain_before",
            "arch_before",
            "arch_after",
            "pain_after",
        ),
        "entries": of(JournalEntry.objects.of(person).order_by("recorded_at"), "pain"),
        "check_ins": of(
            WeeklyCheckIn.objects.filter(person=person),
            "pain_average",
            "enjoyment_interference",
            "activity_interference",
        ),
    }


def import_as_newcomer(exported: dict):
    newcomer = UserFactory()
    client = Client()
    client.force_login(newcomer)
    response = client.post(reverse("import"), {"file": upload(exported)}, HTTP_HX_REQUEST="true")
    return newcomer, response


def test_the_round_trip_keeps_each_ratings_wording(person, person_client):
    ReleaseSessionFactory(
        person=person,
        finished=True,
        pain_before_wording=wording.shown(Instrument.PAIN, "de"),
        arch_before_wording=wording.shown(Instrument.ARCH, "de"),
        arch_after=None,
        pain_after_wording=wording.shown(Instrument.PAIN, "en-gb"),
    )
    JournalEntryFactory(person=person, pain_wording=wording.shown(Instrument.PAIN, "es"))
    JournalEntryFactory(person=person)  # kept from before wording was recorded
    WeeklyCheckInFactory(
        person=person,
        week_start=date(2026, 11, 16),
        pain_average_wording=wording.shown(Instrument.PEG_PAIN, "en-gb"),
    )
    exported = json.loads(person_client.get(reverse("export-json")).getvalue())
    newcomer, response = import_as_newcomer(exported)
    assert response.status_code == 200, response.text
    assert keys(newcomer) == keys(person)
    assert keys(newcomer)["sessions"] == [
        ((7, "de:1"), (3, "de:1"), (None, None), (4, "en-gb:1")),
    ]
    assert keys(newcomer)["entries"] == [((5, "es:1"),), ((5, None),)]


def export_with(**lists) -> dict:
    return {"format": "back-release-export", "version": 1, **lists}


def entry(**change) -> dict:
    return {"recorded_at": "2026-11-20T10:00:00+00:00", "pain": 3, "tags": [], "note": "", **change}


SESSION = {
    "started_at": "2026-11-20T10:00:00+00:00",
    "step": "done",
    "step_started_at": "2026-11-20T10:10:00+00:00",
    "finished_at": "2026-11-20T10:10:00+00:00",
    "pain_before": 6,
    "arch_before": 2,
}
CHECK_IN = {
    "week_start": "2026-11-16",
    "pain_average": 6,
    "enjoyment_interference": 5,
    "activity_interference": 4,
}


def test_a_file_from_before_wordings_were_exported_keeps_none():
    newcomer, response = import_as_newcomer(
        export_with(sessions=[SESSION], journal_entries=[entry()], weekly_check_ins=[CHECK_IN])
    )
    assert response.status_code == 200, response.text
    assert keys(newcomer) == {
        "sessions": [((6, None), (2, None), (None, None), (None, None))],
        "entries": [((3, None),)],
        "check_ins": [((6, None), (5, None), (4, None))],
    }


def test_a_wording_given_for_an_empty_rating_is_left_out():
    newcomer, response = import_as_newcomer(
        export_with(
            sessions=[SESSION | {"pain_before_wording": "de:1", "pain_after_wording": "de:1"}]
        )
    )
    assert response.status_code == 200, response.text
    assert keys(newcomer)["sessions"] == [((6, "de:1"), (2, None), (None, None), (None, None))]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (
            export_with(journal_entries=[entry(), entry(pain_wording="xx:9")]),
            # A valid entry is put before each file's own.
            "Journal entry 3 in the file: pain wording:",
        ),
        (
            # A wording the app knows, but of another scale: there is no German PEG.
            export_with(weekly_check_ins=[CHECK_IN | {"pain_average_wording": "de:1"}]),
            "Check-in 1 in the file: pain average wording:",
        ),
        (
            export_with(sessions=[SESSION | {"arch_before_wording": "de:99"}]),
            "Session 1 in the file: arch before wording:",
        ),
        (
            export_with(sessions=[SESSION | {"pain_before_wording": 1}]),
            "Session 1 in the file: pain before wording:",
        ),
        (
            export_with(sessions=[SESSION | {"pain_before_wording": "de:\u00b2"}]),
            "Session 1 in the file: pain before wording:",
        ),
    ],
)
def test_an_unknown_wording_is_refused_naming_its_row_and_nothing_is_saved(content, where):
    newcomer, response = import_as_newcomer(
        content | {"journal_entries": [entry(), *content.get("journal_entries", [])]}
    )
    assert response.status_code == 422
    assert where in response.text
    assert "wording Back Release knows, such as en-gb:1. Nothing was imported." in response.text
    assert keys(newcomer) == {"sessions": [], "entries": [], "check_ins": []}
