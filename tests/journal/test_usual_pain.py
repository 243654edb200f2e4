"""The usual-pain rule, written once: journal pain and sessions' pain before, pooled exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from backrelease.common.period import Period
from journal import usual_pain
from tests.factories import JournalEntryFactory, ReleaseSessionFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_it_pools_journal_pain_and_pain_before_never_pain_after(person, other_person):
    at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    JournalEntryFactory(person=person, pain=4, recorded_at=at)
    JournalEntryFactory(person=person, pain=5, recorded_at=at)
    # An unfinished session's rating counts; the pain after a session is not usual pain.
    ReleaseSessionFactory(person=person, started_at=at, pain_before=7)
    ReleaseSessionFactory(person=person, started_at=at, finished=True, pain_before=6, pain_after=1)
    JournalEntryFactory(person=other_person, pain=10, recorded_at=at)
    sql = f"SELECT {usual_pain.MEAN}, {usual_pain.COUNT} FROM ({usual_pain.ratings()}) AS r"
    with connection.cursor() as cursor:
        cursor.execute(sql, Period.of(person, now=NOW).sql_params())
        mean, count = cursor.fetchone()
    assert (mean, count) == (Decimal(22) / 4, 4)
