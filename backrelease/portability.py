"""Everything a person entered, out of the app and back in: their data stays theirs.

Spans the apps (profile, sessions, journal), so it lives in one module rather than in a view.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backrelease.models import User
from journal.models import JournalEntry, WeeklyCheckIn
from sessions.models import ReleaseSession

FORMAT = "back-release-export"
VERSION = 1
SESSION_FIELDS = [
    "started_at",
    "step",
    "step_started_at",
    "pain_before",
    "arch_before",
    "ball_setup",
    "knees_lifted",
    "repositions",
    "relax_seconds",
    "arch_after",
    "pain_after",
    "tension_before",
    "tension_after",
    "note",
    "stopped_early_reason",
    "finished_at",
]
ENTRY_FIELDS = ["recorded_at", "pain", "tags", "note"]
CHECK_IN_FIELDS = ["week_start", "pain_average", "enjoyment_interference", "activity_interference"]
DATETIME_FIELDS = {"started_at", "step_started_at", "finished_at", "recorded_at"}


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, in the person's words."""


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(queryset, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: _plain(v) for f, v in row.items()} for row in queryset.values(*fields)]


def export(person: User) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": {"display_name": person.display_name, "time_zone": person.time_zone},
        "sessions": _rows(ReleaseSession.objects.of(person).order_by("started_at"), SESSION_FIELDS),
        "journal_entries": _rows(
            JournalEntry.objects.of(person).order_by("recorded_at"), ENTRY_FIELDS
        ),
        "weekly_check_ins": _rows(
            WeeklyCheckIn.objects.filter(person=person).order_by("week_start"), CHECK_IN_FIELDS
        ),
    }


def _parsed(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    values = {}
    for field in fields:
        value = row.get(field)
        if field in DATETIME_FIELDS and value is not None:
            value = datetime.fromisoformat(value)
        elif field == "week_start":
            value = date.fromisoformat(value)
        if value is not None:
            values[field] = value
    return values


def is_empty(person: User) -> bool:
    return not (
        ReleaseSession.objects.of(person).exists()
        or JournalEntry.objects.of(person).exists()
        or WeeklyCheckIn.objects.filter(person=person).exists()
    )


def import_into(person: User, data: Any) -> dict[str, int]:
    """Loads an export into an account that has no data yet, all or nothing."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("That file is not a Back Release export.")
    if data.get("version") != VERSION:
        raise ImportRefused(
            "That export comes from a version of Back Release this one cannot read."
        )
    if not is_empty(person):
        raise ImportRefused("Import works into an empty account only, so nothing is doubled.")
    try:
        with transaction.atomic():
            profile = data.get("profile") or {}
            if profile.get("time_zone"):
                if profile["time_zone"] not in zoneinfo.available_timezones():
                    raise ImportRefused("The time zone in that file is not one Back Release knows.")
                person.time_zone = profile["time_zone"]
                person.display_name = str(profile.get("display_name", ""))[:80]
                person.save(update_fields=["time_zone", "display_name"])
            sessions = ReleaseSession.objects.bulk_create(
                ReleaseSession(person=person, **_parsed(row, SESSION_FIELDS))
                for row in data.get("sessions", [])
            )
            entries = JournalEntry.objects.bulk_create(
                JournalEntry(person=person, **_parsed(row, ENTRY_FIELDS))
                for row in data.get("journal_entries", [])
            )
            check_ins = WeeklyCheckIn.objects.bulk_create(
                WeeklyCheckIn(person=person, **_parsed(row, CHECK_IN_FIELDS))
                for row in data.get("weekly_check_ins", [])
            )
    except ImportRefused:
        raise
    except (IntegrityError, ValueError, TypeError, AttributeError) as error:
        raise ImportRefused(
            "That file holds values Back Release cannot accept (a rating out of range, "
            "a broken date or a doubled week). Nothing was imported."
        ) from error
    return {
        "sessions": len(sessions),
        "journal_entries": len(entries),
        "weekly_check_ins": len(check_ins),
    }
