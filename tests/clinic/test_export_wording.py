"""A practice's downloads say, per rating, the wording it was given in, as a share link's do
(docs/rating-wording.md)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from journal import exports
from sessions import wording
from sessions.models import Instrument
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def test_the_practices_csv_and_fhir_say_each_ratings_wording(grant, member_client):
    ReleaseSessionFactory(
        person=grant.person,
        finished=True,
        pain_before_wording=wording.shown(Instrument.PAIN, "de"),
        arch_before_wording=wording.shown(Instrument.ARCH, "es"),
        arch_after=None,
        pain_after_wording=wording.shown(Instrument.PAIN, "en-gb"),
    )
    JournalEntryFactory(person=grant.person)  # kept from before wording was recorded
    patient = reverse("clinic:patient", args=[grant.pk])
    table = list(
        csv.DictReader(
            io.StringIO(member_client.get(patient + "back-release.csv").getvalue().decode())
        )
    )
    columns = [column for column in exports.CSV_COLUMNS if column.endswith("_wording")]
    assert [tuple(row[column] for column in columns) for row in table] == [
        ("de:1", "en-gb:1", "es:1", "", "", "", "", ""),
        ("", "", "", "", "", "", "", ""),
    ]
    bundle = json.loads(member_client.get(patient + "fhir.json").getvalue())
    Bundle.model_validate(bundle)
    given = [
        (resource["code"]["text"], resource.get("extension"))
        for resource in (entry["resource"] for entry in bundle["entry"])
        if resource["resourceType"] == "Observation"
    ]
    extension = exports.WORDING_EXTENSION
    assert given == [
        ("Pain before the session", [{"url": extension, "valueString": "de:1"}]),
        ("Lumbar arch before the session", [{"url": extension, "valueString": "es:1"}]),
        ("Pain after the session", [{"url": extension, "valueString": "en-gb:1"}]),
        ("Pain, journal entry", None),
    ]
