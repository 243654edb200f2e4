"""PostgreSQL itself refuses values outside the bounds, so a raw insert cannot store them either."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from backrelease.common import bounds

pytestmark = pytest.mark.django_db

NOW = "now()"


def insert(table: str, person, **values) -> None:
    """A raw INSERT that fills in what the table needs, then the values under test."""
    defaults = {
        "journal_journalentry": {
            "recorded_at": NOW,
            "pain": 3,
            "tags": "{}",
            "note": "",
            "created_at": NOW,
        },
        "release_sessions_releasesession": {
            "started_at": NOW,
            "step": "pain_before",
            "step_started_at": NOW,
            "ball_setup": "",
            "knees_lifted": False,
            "repositions": 0,
            "relax_seconds": 0,
            "note": "",
            "stopped_early_reason": "",
        },
        "journal_weeklycheckin": {
            "week_start": None,
            "pain_average": 5,
            "enjoyment_interference": 5,
            "activity_interference": 5,
        },
    }[table]
    row = {"person_id": person.pk, **defaults, **values}
    placeholders = ", ".join("now()" if v == NOW else "%s" for v in row.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({placeholders})",
            [v for v in row.values() if v != NOW],
        )


def refused(table: str, person, **values) -> bool:
    try:
        with transaction.atomic():
            insert(table, person, **values)
    except IntegrityError:
        return True
    return False


def test_it_accepts_a_plain_row_of_each_kind(person):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert not refused("journal_journalentry", person)
    assert not refused("release_sessions_releasesession", person)
    assert not refused("journal_weeklycheckin", person, week_start=monday)


@pytest.mark.parametrize(
    "values",
    [
        {"recorded_at": datetime(1999, 12, 31, 23, 59, tzinfo=UTC)},
        {"recorded_at": datetime(1, 1, 1, tzinfo=UTC)},
        {"recorded_at": datetime(2090, 1, 1, tzinfo=UTC)},
        {"recorded_at": timezone.now() + timedelta(hours=1)},
        {"pain": 11},
        {"note": "x" * (bounds.NOTE_MAX + 1)},
        {"tags": [f"tag{n}" for n in range(bounds.TAGS_MAX + 1)]},
        {"tags": ["<b>"]},
        {"tags": ["fine", ""]},
        {"tags": ["a\x07b"]},
    ],
    ids=lambda v: repr(v)[:40],
)
def test_it_refuses_a_journal_entry_out_of_bounds(person, values):
    assert refused("journal_journalentry", person, **values)


@pytest.mark.parametrize(
    "values",
    [
        {"started_at": datetime(1999, 6, 1, tzinfo=UTC), "step_started_at": NOW},
        {"started_at": datetime(2090, 1, 1, tzinfo=UTC)},
        {"step_started_at": datetime(2001, 1, 1, tzinfo=UTC)},
        {"relax_seconds": 10**9},
        {"repositions": 1000},
        {"note": "x" * (bounds.NOTE_MAX + 1)},
        {
            "step": "done",
            "started_at": datetime(2026, 1, 2, tzinfo=UTC),
            "step_started_at": datetime(2026, 1, 2, tzinfo=UTC),
            "finished_at": datetime(2026, 1, 1, tzinfo=UTC),
        },
    ],
    ids=lambda v: repr(v)[:40],
)
def test_it_refuses_a_session_out_of_bounds(person, values):
    assert refused("release_sessions_releasesession", person, **values)


@pytest.mark.parametrize(
    "week_start", [date(1999, 12, 27), date(2090, 1, 2)], ids=["before 2000", "in 2090"]
)
def test_it_refuses_a_check_in_out_of_bounds(person, week_start):
    assert week_start.weekday() == 0
    assert refused("journal_weeklycheckin", person, week_start=week_start)
