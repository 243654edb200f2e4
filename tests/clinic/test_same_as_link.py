"""A practice sees exactly what a share link with the same choices shows: the report's figures,
insights and every download, compared byte for byte."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.clinic.factories import GrantFactory
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, ShareLinkFactory

pytestmark = pytest.mark.django_db
TOKEN = "a-token-for-the-comparison"


@pytest.mark.parametrize("notes", [True, False], ids=["notes", "no notes"])
def test_it_shows_the_practice_what_the_link_shows(person, practice, member_client, notes):
    now = timezone.now()
    for days in range(0, 70, 2):
        ReleaseSessionFactory(
            person=person, finished=True, started_at=now - timedelta(days=days), note="knee"
        )
        JournalEntryFactory(
            person=person,
            pain=days % 11,
            recorded_at=now - timedelta(days=days, hours=3),
            note="slept badly",
        )
    choices = {"include_notes": notes, "shows_from": date.today() - timedelta(days=50)}
    ShareLinkFactory(person=person, token=TOKEN, **choices)
    grant = GrantFactory(person=person, practice=practice, **choices)
    link = Client()
    for part in ["back-release.csv", "fhir.json", "weekly.csv", "figures.json", "insights/"]:
        # The insights as the page loads them (the partial: a whole page has its own nonce).
        headers = {"HTTP_HX_REQUEST": "true"} if part == "insights/" else {}
        shared = link.get(f"/shared/{TOKEN}/{part}", **headers)
        seen = member_client.get(reverse("clinic:patient", args=[grant.pk]) + part, **headers)
        assert shared.status_code == seen.status_code == 200, part
        body_shared, body_seen = shared.getvalue(), seen.getvalue()
        if part == "fhir.json":
            # Each Bundle has its own id and timestamp.
            body_shared, body_seen = (
                {k: v for k, v in orjson.loads(b).items() if k not in {"id", "timestamp"}}
                for b in (body_shared, body_seen)
            )
        assert body_shared == body_seen, part
    assert (
        "slept badly" in member_client.get(reverse("clinic:patient", args=[grant.pk])).text
    ) is notes
