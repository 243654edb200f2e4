"""A person's record outside the app: CSV for people, a FHIR R4 Bundle for other systems."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from backrelease.common.period import Period
from journal.models import JournalEntry, WeeklyCheckIn
from journal.trends import MEANS, Week
from sessions.models import ReleaseSession

LOINC_PAIN = {
    "system": "http://loinc.org",
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
# The hand-slide arch rating is not a validated instrument, so it has no LOINC code: it gets ours.
APP_CODE_SYSTEM = "urn:backrelease:fhir:codesystem:self-ratings"
ARCH_CODE = {
    "system": APP_CODE_SYSTEM,
    "code": "lumbar-arch-hand-slide",
    "display": "Lumbar arch, hand-slide test lying supine, legs straight (0-4)",
}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
SCORE = {"unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}
ID_NAMESPACE = uuid.UUID("6f1c1f0e-4b57-4a39-9a35-3c1f4f1bb2a7")
# Rows read from PostgreSQL at a time while an export streams.
CHUNK = 500


def in_chunks(rows: QuerySet, field: str) -> Iterator:
    """`rows` in the order of `field` (then id), `CHUNK` at a time, each chunk a query of its own
    that starts where the last one ended (keyset pagination on the person's index).

    Not a server-side cursor: behind PgBouncer in transaction pooling, a cursor would pin one of the
    few server connections for as long as the download takes, or be lost between transactions.
    Memory stays flat either way.
    """
    ordered = rows.order_by(field, "pk")
    chunk = list(ordered[:CHUNK])
    while chunk:
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1]
        value = getattr(last, field)
        chunk = list(
            ordered.filter(**{f"{field}__gte": value}).exclude(
                **{field: value, "pk__lte": last.pk}
            )[:CHUNK]
        )


@dataclass(frozen=True)
class Scope:
    """The rows of a period (`Period`) that an export holds: all of a person's record, or what a
    share link covers."""

    period: Period
    include_notes: bool = True

    @property
    def person(self):
        return self.period.person

    def _bounds(self, field: str) -> dict[str, datetime]:
        bounds = {}
        if self.period.starts_at:
            bounds[f"{field}__gte"] = self.period.starts_at
        if self.period.ends_at:
            bounds[f"{field}__lt"] = self.period.ends_at
        return bounds

    def sessions(self) -> QuerySet[ReleaseSession]:
        """Every session, unfinished ones too: their pain-before counts in the week's usual pain,
        so the weekly table can only be recomputed from an export that holds them."""
        return (
            ReleaseSession.objects.of(self.person)
            .filter(**self._bounds("started_at"))
            .order_by("started_at")
        )

    def journal_entries(self) -> QuerySet[JournalEntry]:
        return (
            JournalEntry.objects.of(self.person)
            .filter(**self._bounds("recorded_at"))
            .order_by("recorded_at")
        )

    def check_ins(self) -> QuerySet[WeeklyCheckIn]:
        check_ins = WeeklyCheckIn.objects.filter(person=self.person).order_by("week_start")
        if self.period.since:
            check_ins = check_ins.filter(week_start__gte=self.period.since - timedelta(days=6))
        if self.period.until:
            check_ins = check_ins.filter(week_start__lte=self.period.until)
        return check_ins


# Bytes of text an export hands on at a time: the gzip middleware compresses, and the server writes,
# one batch as one chunk, rather than every row as its own.
BATCH = 64 * 1024


def in_batches(lines: Iterator[str]) -> Iterator[str]:
    """The lines joined into pieces of about `BATCH` characters, as they are read."""
    parts: list[str] = []
    size = 0
    for line in lines:
        parts.append(line)
        size += len(line)
        if size >= BATCH:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


CSV_COLUMNS = [
    "kind",
    "local_time",
    "session_state",
    "corrected_at",
    "pain_before",
    "pain_after",
    "arch_before",
    "arch_after",
    "ball_setup",
    "knees_lifted",
    "stopped_early_reason",
    "pain",
    "tags",
    "peg_pain_average",
    "peg_enjoyment_interference",
    "peg_activity_interference",
    "note",
]


# A cell starting with one of these is run as a formula by spreadsheets (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every text cell a spreadsheet would evaluate prefixed with a quote, as OWASP
    advises; numbers are left as they are."""
    return {
        column: f"'{value}"
        if isinstance(value, str) and value.startswith(FORMULA_STARTS)
        else value
        for column, value in row.items()
    }


class SafeWriter(csv.DictWriter):
    def writerow(self, rowdict):
        return super().writerow(neutralised(rowdict))


class _Lines:
    """A file the csv module writes to that hands each line back, for streaming."""

    def write(self, line: str) -> str:
        return line


def csv_lines(scope: Scope) -> Iterator[str]:
    """Sessions, journal entries and weekly check-ins, one row each, times in the person's zone.

    Rows are read from the database in chunks and written as they come, so memory stays flat
    however long the history.
    """
    zone = ZoneInfo(scope.person.time_zone)
    writer = SafeWriter(_Lines(), fieldnames=CSV_COLUMNS, restval="")
    yield writer.writeheader()
    for s in in_chunks(scope.sessions(), "started_at"):
        yield writer.writerow(
            {
                "kind": "session",
                "local_time": timezone.localtime(s.started_at, zone).isoformat(),
                "session_state": s.state,
                "corrected_at": timezone.localtime(s.corrected_at, zone).isoformat()
                if s.corrected_at
                else "",
                "pain_before": s.pain_before,
                "pain_after": s.pain_after,
                "arch_before": s.arch_before,
                "arch_after": s.arch_after,
                "ball_setup": s.ball_setup,
                "knees_lifted": "yes" if s.knees_lifted else "no",
                "stopped_early_reason": s.stopped_early_reason,
                "note": s.note if scope.include_notes else "",
            }
        )
    for e in in_chunks(scope.journal_entries(), "recorded_at"):
        yield writer.writerow(
            {
                "kind": "journal",
                "local_time": timezone.localtime(e.recorded_at, zone).isoformat(),
                "pain": e.pain,
                "tags": ";".join(e.tags),
                "note": e.note if scope.include_notes else "",
            }
        )
    for c in in_chunks(scope.check_ins(), "week_start"):
        yield writer.writerow(
            {
                "kind": "weekly check-in",
                "local_time": c.week_start.isoformat(),
                "peg_pain_average": c.pain_average,
                "peg_enjoyment_interference": c.enjoyment_interference,
                "peg_activity_interference": c.activity_interference,
            }
        )


def csv_response(scope: Scope, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_batches(csv_lines(scope)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _urn(kind: str, pk: int) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{kind}-{pk}')}"


def _observation(
    patient: str, code: dict, text: str, value: int, at: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [code], "text": text},
        "subject": {"reference": patient},
        "effectiveDateTime": timezone.localtime(at, zone).isoformat(),
        "valueQuantity": {"value": value, **SCORE},
    }


def _session_resources(s: ReleaseSession, patient: str, zone: ZoneInfo, notes: bool):
    procedure_url = _urn("session", s.pk)
    period = {"start": timezone.localtime(s.started_at, zone).isoformat()}
    if s.is_finished:
        period["end"] = timezone.localtime(s.finished_at, zone).isoformat()
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "stopped"
        if s.stopped_early
        else ("completed" if s.is_finished else "in-progress"),
        "code": {"text": "Self-release with a soft ball under the sacrum"},
        "subject": {"reference": patient},
        "performedPeriod": period,
    }
    if s.stopped_early:
        procedure["statusReason"] = {"text": s.get_stopped_early_reason_display()}
    if notes and s.note:
        procedure["note"] = [{"text": s.note}]
    yield procedure_url, procedure
    # An unfinished session's after-ratings were given when its current step began.
    after = s.finished_at or s.step_started_at
    ratings = [
        ("pain-before", LOINC_PAIN, "Pain before the session", s.pain_before, s.started_at),
        ("arch-before", ARCH_CODE, "Lumbar arch before the session", s.arch_before, s.started_at),
        ("arch-after", ARCH_CODE, "Lumbar arch after the session", s.arch_after, after),
        ("pain-after", LOINC_PAIN, "Pain after the session", s.pain_after, after),
    ]
    for kind, code, text, value, at in ratings:
        if value is None:
            continue
        observation = _observation(patient, code, text, value, at, zone)
        # Ties the before and after ratings to the session they belong to.
        observation["partOf"] = [{"reference": procedure_url}]
        yield _urn(f"session-{kind}", s.pk), observation


def _fhir_entries(scope: Scope, zone: ZoneInfo, patient: str):
    yield patient, {"resourceType": "Patient", "name": [{"text": scope.person.name}]}
    for s in in_chunks(scope.sessions(), "started_at"):
        yield from _session_resources(s, patient, zone, scope.include_notes)
    for e in in_chunks(scope.journal_entries(), "recorded_at"):
        observation = _observation(
            patient, LOINC_PAIN, "Pain, journal entry", e.pain, e.recorded_at, zone
        )
        if scope.include_notes and e.note:
            observation["note"] = [{"text": e.note}]
        yield _urn("journal", e.pk), observation


def fhir_lines(scope: Scope, now: datetime | None = None) -> Iterator[str]:
    """The FHIR R4 `collection` Bundle as JSON text, written entry by entry as rows are read."""
    zone = ZoneInfo(scope.person.time_zone)
    timestamp = timezone.localtime(now or timezone.now(), zone).isoformat()
    yield (
        '{"resourceType": "Bundle", "type": "collection", '
        f'"timestamp": {json.dumps(timestamp)}, "entry": ['
    )
    separator = ""
    for url, resource in _fhir_entries(scope, zone, _urn("person", scope.person.pk)):
        yield separator + json.dumps({"fullUrl": url, "resource": resource})
        separator = ",\n"
    yield "]}\n"


def fhir_response(scope: Scope, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_batches(fhir_lines(scope)), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


WEEKLY_COLUMNS = [("sessions_completed", None), *MEANS, ("peg", None)]


def weekly_lines(weeks: list[Week]) -> Iterator[str]:
    """The weekly table with exact, unrounded means and the count behind each, for checking
    the page's figures and for a clinician's own analysis."""
    header = ["week_start"]
    for mean, count in WEEKLY_COLUMNS:
        header += [mean, count] if count else [mean]
    writer = csv.writer(_Lines())
    yield writer.writerow(header)
    for week in weeks:
        row = [week.week.isoformat()]
        for mean, count in WEEKLY_COLUMNS:
            value = getattr(week, mean)
            row.append("" if value is None else str(value))
            if count:
                row.append(getattr(week, count))
        yield writer.writerow(row)


def weekly_csv_response(weeks: list[Week], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_batches(weekly_lines(weeks)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
