"""Everything a person entered, out of the app and back in: their data stays theirs.

Spans the apps (profile, sessions, journal), so it lives in one module rather than in a view.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backrelease.accounts.models import User, known_time_zones
from journal.exports import in_chunks
from journal.models import JournalEntry, WeeklyCheckIn
from journal.trial import records
from sessions import wording
from sessions.models import Instrument, ReleaseSession

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
    "breathing_skipped",
    "repositions",
    "relax_seconds",
    "arch_after",
    "pain_after",
    "tension_before",
    "tension_after",
    "note",
    "stopped_early_reason",
    "finished_at",
    "corrected_at",
]
ENTRY_FIELDS = ["recorded_at", "pain", "tags", "note"]
CHECK_IN_FIELDS = ["week_start", "pain_average", "enjoyment_interference", "activity_interference"]
# Beside each rating, the wording it was given in as "de:1" (language:version), null for none
# recorded: the key is the rating's, with `_wording` (docs/rating-wording.md).
SESSION_WORDINGS = {
    "pain_before": Instrument.PAIN,
    "arch_before": Instrument.ARCH,
    "arch_after": Instrument.ARCH,
    "pain_after": Instrument.PAIN,
}
ENTRY_WORDINGS = {"pain": Instrument.PAIN}
CHECK_IN_WORDINGS = {
    "pain_average": Instrument.PEG_PAIN,
    "enjoyment_interference": Instrument.PEG_ENJOYMENT,
    "activity_interference": Instrument.PEG_ACTIVITY,
}


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, in the person's words."""


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json(value: Any, depth: int) -> str:
    """`value` as JSON indented two spaces a level, standing `depth` levels in."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return text.replace("\n", "\n" + "  " * depth)


def _rows(rows: models.QuerySet, key: str, order: str) -> Iterator[str]:
    """The rows as the export's list `key`, read `in_chunks` of the database (by `order`)."""
    fields, rated = FIELDS[key], WORDINGS[key]
    yield f'  "{key}": ['
    separator = "\n    "
    # A wording's key only (no join): the wordings themselves are read once a process.
    for row in in_chunks(rows.only(*fields, *(f"{r}_wording" for r in rated)), order):
        values = {}
        for field in fields:
            values[field] = _plain(getattr(row, field))
            if field in rated:
                values[f"{field}_wording"] = wording.key_of(getattr(row, f"{field}_wording_id"))
        yield separator + _json(values, 2)
        separator = ",\n    "
    yield "]" if separator == "\n    " else "\n  ]"


def export_lines(person: User) -> Iterator[str]:
    """Everything the person entered, as one JSON document (indented as `json.dumps(indent=2)`
    indents), written a row at a time as the rows are read: memory stays flat however long the
    history."""
    yield "{\n"
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": {"display_name": person.display_name, "time_zone": person.time_zone},
    }
    for key, value in head.items():
        yield f'  "{key}": {_json(value, 1)},\n'
    yield from _rows(ReleaseSession.objects.of(person), "sessions", "started_at")
    yield ",\n"
    yield from _rows(JournalEntry.objects.of(person), "journal_entries", "recorded_at")
    yield ",\n"
    yield from _rows(WeeklyCheckIn.objects.filter(person=person), "weekly_check_ins", "week_start")
    # Each with its stored orders, schedule, daily ratings and result (method version): a few.
    yield f',\n  "trial_plans": {_json(records.all_json(person), 1)}\n}}\n'


FIELDS = {
    "sessions": SESSION_FIELDS,
    "journal_entries": ENTRY_FIELDS,
    "weekly_check_ins": CHECK_IN_FIELDS,
}
WORDINGS = {
    "sessions": SESSION_WORDINGS,
    "journal_entries": ENTRY_WORDINGS,
    "weekly_check_ins": CHECK_IN_WORDINGS,
}
# Ten years of near-daily sessions, several journal entries a day and a check-in every week.
MAX_ROWS = {"sessions": 10_000, "journal_entries": 30_000, "weekly_check_ins": 600}
# What the refusals call a file's list and one of its records (the keys stay the file's own).
NOT_A_LIST = {
    "sessions": gettext_lazy("That file's sessions are not a list. Nothing was imported."),
    "journal_entries": gettext_lazy(
        "That file's journal entries are not a list. Nothing was imported."
    ),
    "weekly_check_ins": gettext_lazy(
        "That file's weekly check-ins are not a list. Nothing was imported."
    ),
}
TOO_MANY = {
    "sessions": gettext_lazy(
        "That file holds more than %(limit)s sessions, more than any person's record. "
        "Nothing was imported."
    ),
    "journal_entries": gettext_lazy(
        "That file holds more than %(limit)s journal entries, more than any person's record. "
        "Nothing was imported."
    ),
    "weekly_check_ins": gettext_lazy(
        "That file holds more than %(limit)s weekly check-ins, more than any person's record. "
        "Nothing was imported."
    ),
}
WHERE = {
    "sessions": gettext_lazy("Session %(number)s in the file"),
    "journal_entries": gettext_lazy("Journal entry %(number)s in the file"),
    "weekly_check_ins": gettext_lazy("Check-in %(number)s in the file"),
}


def _value(field: models.Field, value: Any) -> Any:
    """The file's value as the model field's type, refusing anything the field would not hold."""
    if value is None:
        if not field.null:
            raise ValidationError(_("it is empty"))
        return None
    if isinstance(field, models.DateTimeField):
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValidationError(_("give a date and time with its UTC offset, as exports do"))
        return parsed
    if isinstance(field, models.DateField):
        if not isinstance(value, str):
            raise ValidationError(_("give a date such as 2026-11-23"))
        return date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValidationError(_("give true or false"))
        return value
    if isinstance(field, models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(_("give a whole number"))
        return value
    if isinstance(field, ArrayField):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("give a list of words"))
        return value
    if not isinstance(value, str):
        raise ValidationError(_("give text"))
    return value


def _wordings(
    row: dict[str, Any], key: str, model: type[models.Model], values: dict[str, Any], where: str
) -> list[str]:
    """Puts the wording of each rating the row gives into `values`, refusing one this app does not
    know; a file from before wording was exported has none, and keeps none. Returns the fields
    set, which need no look-up in the database (`clean_fields` would make one each)."""
    found = []
    for rating, instrument in WORDINGS[key].items():
        name = f"{rating}_wording"
        given = row.get(name)
        # A rating left empty records no wording, as the forms do.
        if given is None or values.get(rating) is None:
            continue
        shown = wording.find(instrument, given) if isinstance(given, str) else None
        if shown is None:
            raise ImportRefused(
                _("%(where)s: %(field)s: %(reason)s. Nothing was imported.")
                % {
                    "where": where,
                    "field": model._meta.get_field(name).verbose_name,
                    "reason": _(
                        "give the language and version of a wording Back Release knows, "
                        "such as en-gb:1"
                    ),
                }
            )
        values[name] = shown
        found.append(name)
    return found


def _instances(data: dict[str, Any], key: str, model: type[models.Model], person: User):
    rows = data.get(key, [])
    if not isinstance(rows, list):
        raise ImportRefused(str(NOT_A_LIST[key]))
    if len(rows) > MAX_ROWS[key]:
        limit = number_format(MAX_ROWS[key], force_grouping=True)
        raise ImportRefused(TOO_MANY[key] % {"limit": limit})
    fields = FIELDS[key]
    for number, row in enumerate(rows, start=1):
        where = WHERE[key] % {"number": number}
        if not isinstance(row, dict):
            raise ImportRefused(
                # Translators: where is a record's place, such as "Session 3 in the file".
                _("%(where)s is not a record. Nothing was imported.") % {"where": where}
            )
        values = {}
        for name in fields:
            if name not in row:
                continue
            field = model._meta.get_field(name)
            try:
                values[name] = _value(field, row[name])
            except (ValidationError, ValueError) as error:
                reason = (
                    error.messages[0] if isinstance(error, ValidationError) else _("unreadable")
                )
                raise ImportRefused(
                    # Translators: "Session 3 in the file: pain before: give a whole number".
                    _("%(where)s: %(field)s: %(reason)s. Nothing was imported.")
                    % {"where": where, "field": field.verbose_name, "reason": reason}
                ) from error
        shown_in = _wordings(row, key, model, values, where)
        instance = model(person=person, **values)
        try:
            # The same validators the forms use: ranges, lengths, tags, dates from 2000 to now.
            instance.clean_fields(exclude=["person", *shown_in])
        except ValidationError as error:
            name, messages = next(iter(error.message_dict.items()))
            raise ImportRefused(
                # Translators: the message is a whole sentence, such as "Pick a date in 2000 or
                # later."
                _("%(where)s: %(field)s: %(message)s Nothing was imported.")
                % {
                    "where": where,
                    "field": model._meta.get_field(name).verbose_name,
                    "message": messages[0],
                }
            ) from error
        yield instance


def is_empty(person: User) -> bool:
    return not (
        ReleaseSession.objects.of(person).exists()
        or JournalEntry.objects.of(person).exists()
        or WeeklyCheckIn.objects.filter(person=person).exists()
    )


@dataclass(frozen=True)
class Imported:
    sessions: int
    journal_entries: int
    weekly_check_ins: int
    time_zone: str
    time_zone_from_file: bool
    # Trial plans are not imported: a plan's days, orders and result belong to when it ran.
    trial_plans_skipped: int = 0


def import_into(person: User, data: Any, *, use_file_time_zone: bool = False) -> Imported:
    """Loads an export into an account that has no data yet, all or nothing.

    The account's row is locked while emptiness is checked and rows are written, so two imports at
    once cannot both find the account empty.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(_("That file is not a Back Release export."))
    if data.get("version") != VERSION:
        raise ImportRefused(
            _("That export comes from a version of Back Release this one cannot read.")
        )
    trial_plans = data.get("trial_plans")
    profile = data.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    file_zone = profile.get("time_zone")
    if use_file_time_zone and file_zone not in known_time_zones():
        raise ImportRefused(
            _("That file names no time zone Back Release knows: import it with your own zone.")
        )
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=person.pk)
            if not is_empty(locked):
                raise ImportRefused(
                    _("Import works into an empty account only, so nothing is doubled.")
                )
            if use_file_time_zone:
                locked.time_zone = person.time_zone = file_zone
                locked.save(update_fields=["time_zone"])
            sessions = ReleaseSession.objects.bulk_create(
                _instances(data, "sessions", ReleaseSession, locked)
            )
            entries = JournalEntry.objects.bulk_create(
                _instances(data, "journal_entries", JournalEntry, locked)
            )
            check_ins = WeeklyCheckIn.objects.bulk_create(
                _instances(data, "weekly_check_ins", WeeklyCheckIn, locked)
            )
    except IntegrityError as error:
        raise ImportRefused(
            _(
                "That file holds records that contradict each other (a session that ends "
                "before it starts, two open sessions or a doubled week). Nothing was imported."
            )
        ) from error
    return Imported(
        sessions=len(sessions),
        journal_entries=len(entries),
        weekly_check_ins=len(check_ins),
        time_zone=locked.time_zone,
        time_zone_from_file=use_file_time_zone,
        trial_plans_skipped=len(trial_plans) if isinstance(trial_plans, list) else 0,
    )
