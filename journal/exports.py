"""A person's record outside the app: CSV for people, a FHIR R4 Bundle for other systems."""

from __future__ import annotations

import csv
import itertools
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from django.db import connection
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from backrelease.common.local_time import iso_sql, week_start
from backrelease.common.period import Period, in_check_in_weeks, in_period
from journal.models import JournalEntry, WeeklyCheckIn
from journal.trends import MEANS, Week
from sessions import wording
from sessions.models import RatingWording, ReleaseSession

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
# The wording a rating was given in ("de:1", language and version: docs/rating-wording.md), as an
# extension of its Observation in the app's own namespace.
WORDING_EXTENSION = "urn:backrelease:fhir:extension:rating-wording"
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

    def sessions(self) -> QuerySet[ReleaseSession]:
        """Every session, unfinished ones too: their pain-before counts in the week's usual pain,
        so the weekly table can only be recomputed from an export that holds them."""
        return (
            ReleaseSession.objects.of(self.person)
            .filter(**self.period.orm_bounds("started_at"))
            .order_by("started_at")
        )

    def journal_entries(self) -> QuerySet[JournalEntry]:
        return (
            JournalEntry.objects.of(self.person)
            .filter(**self.period.orm_bounds("recorded_at"))
            .order_by("recorded_at")
        )

    def check_ins(self) -> QuerySet[WeeklyCheckIn]:
        """The weekly check-ins whose week overlaps the period, as `in_check_in_weeks`."""
        rows = WeeklyCheckIn.objects.filter(person=self.person)
        if self.period.since:
            rows = rows.filter(week_start__gte=week_start(self.period.since))
        if self.period.until:
            rows = rows.filter(week_start__lte=self.period.until)
        return rows.order_by("week_start")


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
    # The wording each rating was given in, "de:1" (language:version); added after the columns
    # that were there before, so each of those keeps its place.
    "pain_before_wording",
    "pain_after_wording",
    "arch_before_wording",
    "arch_after_wording",
    "pain_wording",
    "peg_pain_average_wording",
    "peg_enjoyment_interference_wording",
    "peg_activity_interference_wording",
]


# A cell starting with =, +, -, @, a tab or a carriage return is run as a formula by spreadsheets
# (OWASP, CSV injection): as an SQL regular expression. A leading quote keeps such a cell text.
FORMULA_START_SQL = r"E'^[=+@\\t\\r-]'"


def _text_sql(column: str) -> str:
    """A free-text column as a cell: prefixed with a quote when a spreadsheet would run it, as
    OWASP advises; an empty text is an empty cell."""
    return (
        f"CASE WHEN {column} ~ {FORMULA_START_SQL} THEN chr(39) || {column} "
        f"ELSE NULLIF({column}, '') END"
    )


def _wording_sql(column: str) -> str:
    """The key ("de:1") of the wording a rating's `column` points at, empty for none: a look-up
    of the wording table's primary key, for the rows written only."""
    return (
        f"(SELECT w.language || ':' || w.version FROM {RatingWording._meta.db_table} AS w "
        f"WHERE w.id = {column})"
    )


CSV_COLUMNS_SQL = ", ".join(f"c{n}" for n in range(len(CSV_COLUMNS)))
# Each part's rows: their order (the part, a time, the id), then the cells.
CSV_ROWS = f"rows (part, at, id, {CSV_COLUMNS_SQL})"


def csv_parts_sql(scope: Scope) -> list[str]:
    """Sessions, journal entries and weekly check-ins, in that order, one row each: `part`, `at`
    and `id` (their order: in time, a check-in at its week's Monday), then the cells of
    `CSV_COLUMNS`, times in the person's zone."""
    note = _text_sql("note") if scope.include_notes else "NULL"
    sessions = f"""
        SELECT 1 AS part, started_at AS at, id, 'session', {iso_sql("started_at")},
               {ReleaseSession.state_sql()}, {iso_sql("corrected_at")},
               pain_before, pain_after, arch_before, arch_after, NULLIF(ball_setup, ''),
               CASE WHEN knees_lifted THEN 'yes' ELSE 'no' END, NULLIF(stopped_early_reason, ''),
               NULL::int, NULL, NULL::int, NULL::int, NULL::int, {note},
               {_wording_sql("pain_before_wording_id")}, {_wording_sql("pain_after_wording_id")},
               {_wording_sql("arch_before_wording_id")}, {_wording_sql("arch_after_wording_id")},
               NULL, NULL, NULL, NULL
        FROM {ReleaseSession._meta.db_table}
        WHERE person_id = %(person)s AND {in_period("started_at", shown=False)}"""
    entries = f"""
        SELECT 2, recorded_at, id, 'journal', {iso_sql("recorded_at")},
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               pain, {_text_sql("array_to_string(tags, ';')")}, NULL, NULL, NULL, {note},
               NULL, NULL, NULL, NULL, {_wording_sql("pain_wording_id")}, NULL, NULL, NULL
        FROM {JournalEntry._meta.db_table}
        WHERE person_id = %(person)s AND {in_period("recorded_at", shown=False)}"""
    check_ins = f"""
        SELECT 3, week_start::timestamptz, id, 'weekly check-in', to_char(week_start, 'YYYY-MM-DD'),
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               pain_average, enjoyment_interference, activity_interference, NULL,
               NULL, NULL, NULL, NULL, NULL, {_wording_sql("pain_average_wording_id")},
               {_wording_sql("enjoyment_interference_wording_id")},
               {_wording_sql("activity_interference_wording_id")}
        FROM {WeeklyCheckIn._meta.db_table}
        WHERE person_id = %(person)s AND {in_check_in_weeks(shown=False)}"""
    return [sessions, entries, check_ins]


def csv_chunk_sql(part: str) -> str:
    """The next `CHUNK` rows of one part after the row `after_at`, `after_id` (from the first
    when they are None), each led by its `at` and `id`: where the next chunk starts."""
    return f"""COPY (
        SELECT at, id, {CSV_COLUMNS_SQL} FROM ({part}) AS {CSV_ROWS}
        WHERE %(after_id)s::bigint IS NULL
            OR (at, id) > (%(after_at)s::timestamptz, %(after_id)s::bigint)
        ORDER BY at, id LIMIT {CHUNK}
    ) TO STDOUT WITH (FORMAT csv)"""


def csv_lines(scope: Scope) -> Iterator[str]:
    """The CSV: a header, then the rows as PostgreSQL writes them. It formats and quotes every
    cell itself, so a download costs little more than reading the rows costs.

    Read in keyset chunks of `CHUNK` rows, each a statement of its own, read whole before any of it
    is sent: no statement runs while a slow client reads (one COPY for the whole download would
    run for as long as the client takes, and behind PgBouncer in transaction pooling hold one of
    its few server connections all that time), and memory stays flat however long the history."""
    yield ",".join(CSV_COLUMNS) + "\n"
    for part in csv_parts_sql(scope):
        sql = csv_chunk_sql(part)
        after = {"after_at": None, "after_id": None}
        while True:
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(sql, scope.period.sql_params() | after) as copy,
            ):
                # PostgreSQL sends a row a message, so no character is ever split between two.
                chunk = [bytes(row).decode() for row in copy]
            for row in chunk:
                # A time and a number, which CSV never quotes, then the row's cells.
                at, pk, cells = row.split(",", 2)
                yield cells
            if len(chunk) < CHUNK:
                break
            after = {"after_at": at, "after_id": pk}


def csv_response(scope: Scope, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_batches(csv_lines(scope)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def urn(kind: str, pk: int) -> str:
    """A stable name-based (version 5) UUID for the row: the same row has the same id in every
    export."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{kind}-{pk}')}"


def wording_extension(pk: int | None) -> dict[str, Any]:
    """The Observation's `extension` naming the wording its rating was given in ("de:1"); none for
    a rating with no wording recorded."""
    key = wording.key_of(pk)
    return {} if key is None else {"extension": [{"url": WORDING_EXTENSION, "valueString": key}]}


def _observation(
    patient: str,
    code: dict,
    text: str,
    value: int,
    at: datetime,
    zone: ZoneInfo,
    wording_pk: int | None = None,
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        **wording_extension(wording_pk),
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [code], "text": text},
        "subject": {"reference": patient},
        "effectiveDateTime": timezone.localtime(at, zone).isoformat(),
        "valueQuantity": {"value": value, **SCORE},
    }


def _session_resources(s: ReleaseSession, patient: str, zone: ZoneInfo, notes: bool):
    procedure_url = urn("session", s.pk)
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
        # The wording's key only (`pain_before_wording_id`): no query.
        shown_in = getattr(s, f"{kind.replace('-', '_')}_wording_id")
        observation = _observation(patient, code, text, value, at, zone, shown_in)
        # Ties the before and after ratings to the session they belong to.
        observation["partOf"] = [{"reference": procedure_url}]
        yield urn(f"session-{kind}", s.pk), observation


# The columns the resources are built from: loading every column into each row's model was about
# a quarter of a long export's time.
FHIR_SESSION_FIELDS = [
    "started_at",
    "step_started_at",
    "finished_at",
    "stopped_early_reason",
    "note",
    "pain_before",
    "arch_before",
    "arch_after",
    "pain_after",
    # Their wordings' keys only (no join): the wordings themselves are read once a process.
    "pain_before_wording",
    "arch_before_wording",
    "arch_after_wording",
    "pain_after_wording",
]
FHIR_ENTRY_FIELDS = ["recorded_at", "pain", "pain_wording", "note"]


def _fhir_entries(scope: Scope, zone: ZoneInfo, patient: str):
    yield patient, {"resourceType": "Patient", "name": [{"text": scope.person.name}]}
    for s in in_chunks(scope.sessions().only(*FHIR_SESSION_FIELDS), "started_at"):
        yield from _session_resources(s, patient, zone, scope.include_notes)
    for e in in_chunks(scope.journal_entries().only(*FHIR_ENTRY_FIELDS), "recorded_at"):
        observation = _observation(
            patient,
            LOINC_PAIN,
            "Pain, journal entry",
            e.pain,
            e.recorded_at,
            zone,
            e.pain_wording_id,
        )
        if scope.include_notes and e.note:
            observation["note"] = [{"text": e.note}]
        yield urn("journal", e.pk), observation


def fhir_lines(
    scope: Scope, now: datetime | None = None, more: Iterable[tuple[str, dict]] = ()
) -> Iterator[str]:
    """The FHIR R4 `collection` Bundle as JSON text, written entry by entry as rows are read;
    `more` adds entries (fullUrl, resource) of a feature above this module (a trial plan)."""
    zone = ZoneInfo(scope.person.time_zone)
    timestamp = timezone.localtime(now or timezone.now(), zone).isoformat()
    yield (
        '{"resourceType": "Bundle", "type": "collection", '
        f'"timestamp": {orjson.dumps(timestamp).decode()}, "entry": ['
    )
    separator = ""
    entries = _fhir_entries(scope, zone, urn("person", scope.person.pk))
    for url, resource in itertools.chain(entries, more):
        yield separator + orjson.dumps({"fullUrl": url, "resource": resource}).decode()
        separator = ",\n"
    yield "]}\n"


def fhir_response(
    scope: Scope, filename: str, more: Iterable[tuple[str, dict]] = ()
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_batches(fhir_lines(scope, more=more)), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Lines:
    """A file the csv module writes to that hands each line back, for streaming."""

    def write(self, line: str) -> str:
        return line


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
