"""The step machine of a guided release session.

Every answer goes through `apply`, a compare-and-set in one statement: an UPDATE … RETURNING that
writes only while the row is the person's, unfinished, and still holds the step the page showed
with that step's start time (the form carries both). A double tap, a retried request or a page left
from an earlier visit of the step therefore changes nothing: each rating is saved once. The session
is not read first, and no lock is held: a save is one round trip.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.forms import Form
from django.utils import timezone

from sessions.forms import FORMS
from sessions.models import RELAX_SECONDS, REPOSITIONS_MAX, ReleaseSession, Step

NEXT_STEP = {
    Step.PAIN_BEFORE: Step.BREATHE,
    Step.BREATHE: Step.ARCH_BEFORE,
    Step.ARCH_BEFORE: Step.BALL,
    Step.BALL: Step.RELAX,
    Step.RELAX: Step.ROLL_OFF,
    Step.ROLL_OFF: Step.EXTRAS,
    Step.EXTRAS: Step.DONE,
}
# Steps whose questions read nothing from the session (the ball and relax steps show its times):
# while no answer to them has been refused, their markup is the same for everyone.
FIXED_QUESTIONS = {Step.PAIN_BEFORE, Step.BREATHE, Step.ARCH_BEFORE, Step.ROLL_OFF, Step.EXTRAS}
# The five steps of the technique, as the person counts them.
NUMBERED_STEPS = [Step.BREATHE, Step.ARCH_BEFORE, Step.BALL, Step.RELAX, Step.ROLL_OFF]


@dataclass(frozen=True)
class Progress:
    number: int
    of: int = len(NUMBERED_STEPS)


def progress(session: ReleaseSession) -> Progress | None:
    if session.step in NUMBERED_STEPS:
        return Progress(NUMBERED_STEPS.index(Step(session.step)) + 1)
    return None


def start(person: Any, now: datetime | None = None) -> tuple[ReleaseSession, bool]:
    """Opens a session, or returns the one already open (the bool says whether it is new)."""
    open_session = ReleaseSession.objects.of(person).open().first()
    if open_session:
        return open_session, False
    now = now or timezone.now()
    try:
        with transaction.atomic():
            created = ReleaseSession.objects.create(
                person=person, started_at=now, step_started_at=now
            )
    except IntegrityError:
        # Another request opened one between our look-up and insert.
        return ReleaseSession.objects.of(person).open().get(), False
    return created, True


def form_for(step: str, action: str, data: Any = None) -> Form | None:
    form_class = FORMS.get((step, action))
    return form_class(data) if form_class else None


class BlankForms(dict):
    """The forms of a step by action, each made only when first asked for: a step shown from the
    fragment cache needs none of them. A step shown again (the ball, after Reposition) starts from
    what the session already holds, so the person lying on the ball need not choose again."""

    def __init__(self, session: ReleaseSession) -> None:
        super().__init__()
        self.session = session

    def __missing__(self, action: str) -> Form:
        form_class = FORMS[(self.session.step, action)]
        held = {name: getattr(self.session, name, None) for name in form_class.base_fields}
        form = self[action] = form_class(
            initial={name: value for name, value in held.items() if value not in (None, "")}
        )
        return form


def forms_for(session: ReleaseSession) -> BlankForms:
    """The forms of the session's current step, by action; a refused one is put in by the caller."""
    return BlankForms(session)


def _refused(forms: dict[str, Form], action: str) -> bool:
    # `get` makes no blank form: only a form put in (posted, refused) is bound.
    form = forms.get(action)
    return bool(form and form.is_bound)


def has_fixed_questions(session: ReleaseSession, forms: dict[str, Form]) -> bool:
    """Whether the step's questions can come from the fragment cache: the same markup for everyone,
    rendered once a process rather than on every step (a scale of eleven choices is most of it)."""
    return session.step in FIXED_QUESTIONS and not _refused(forms, "next")


def has_fixed_stop_early(session: ReleaseSession, forms: dict[str, Form]) -> bool:
    """Whether the step offers the stop-early form and it is blank, the same for everyone."""
    return (session.step, "stop") in FORMS and not _refused(forms, "stop")


@dataclass(frozen=True)
class Increase:
    """A column raised by `by` in the UPDATE itself, never past `up_to`: the stored value, not one
    read earlier, is what grows."""

    by: int
    up_to: int


def step_started_at(posted: Any) -> datetime | None:
    """The start of the step the page showed, as its form posts it; None if missing or unreadable,
    which a write then treats as a page from another time."""
    try:
        started = datetime.fromisoformat(posted.get("step_started_at", ""))
    except ValueError:
        return None
    return started if started.tzinfo else None


def _relaxed(started_at: datetime, now: datetime) -> Increase:
    return Increase(max(int((now - started_at).total_seconds()), 0), RELAX_SECONDS)


def _changes(
    step: str, started_at: datetime, action: str, values: dict[str, Any], now: datetime
) -> dict:
    """The fields the action writes to a session at `step`, begun at `started_at`."""

    def move_to(step: Step) -> dict:
        return {"step": step, "step_started_at": now} | (
            {"finished_at": now} if step == Step.DONE else {}
        )

    next_step = NEXT_STEP[Step(step)]
    relax = {"relax_seconds": _relaxed(started_at, now)} if step == Step.RELAX else {}
    if action == "stop":
        return {
            **relax,
            "stopped_early_reason": values["stopped_early_reason"],
            "pain_after": values.get("pain_after"),
            "pain_after_wording": values.get("pain_after_wording"),
            **move_to(Step.DONE),
        }
    if action == "skip":
        # Breathing skipped: noted, so the insights can compare sessions with and without.
        return {"breathing_skipped": True, **move_to(next_step)}
    if action == "knees":
        return {"knees_lifted": values["knees_lifted"]}
    if action == "reposition":
        return {
            "relax_seconds": _relaxed(started_at, now),
            "repositions": Increase(1, REPOSITIONS_MAX),
            **move_to(Step.BALL),
        }
    return {**relax, **values, **move_to(next_step)}


def apply(
    person: Any,
    pk: int,
    step: str,
    started_at: datetime | None,
    action: str,
    values: dict[str, Any],
    now: datetime | None = None,
) -> ReleaseSession | None:
    """Writes one validated answer to the person's session `pk`, if it still stands at `step`,
    begun at `started_at`, and returns the session as written; None when nothing was written (not
    the person's, finished, or moved on since the page was shown)."""
    if started_at is None or step not in NEXT_STEP:
        return None
    now = now or timezone.now()
    # Written here as `save()` would: the UPDATE below sets no auto_now field by itself.
    changes = _changes(step, started_at, action, values, now) | {"updated_at": now}
    return _write_if_unchanged(person, pk, step, started_at, changes)


def current(person: Any, pk: int) -> ReleaseSession | None:
    """The person's session `pk` as it now stands; None if it is not theirs.

    Written out like the write below: showing a step is among the app's most frequent requests,
    and the ORM's query compiler costs it more than the round trip itself (`make bench`)."""
    meta = ReleaseSession._meta
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {_columns()} FROM {quote(meta.db_table)}"
        f" WHERE {quote('id')} = %s AND {quote('person_id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, person.pk])
        return _session_from(cursor.fetchone())


@functools.cache
def _columns() -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(field.column) for field in ReleaseSession._meta.concrete_fields)


@functools.cache
def _attnames() -> tuple[str, ...]:
    return tuple(field.attname for field in ReleaseSession._meta.concrete_fields)


def _session_from(row: tuple | None) -> ReleaseSession | None:
    if row is None:
        return None
    return ReleaseSession.from_db(connection.alias, list(_attnames()), row)


def _write_if_unchanged(
    person: Any, pk: int, step: str, started_at: datetime, changes: dict[str, Any]
) -> ReleaseSession | None:
    # Written out because the ORM's update() cannot return the row: reading it back would cost the
    # round trip this saves.
    meta = ReleaseSession._meta
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in changes.items():
        field = meta.get_field(name)
        column = quote(field.column)
        if isinstance(value, Increase):
            assignments.append(f"{column} = LEAST({column} + %s, %s)")
            params += [value.by, value.up_to]
        else:
            if isinstance(value, models.Model):
                # A rating's wording, as its form cleaned it: the row's key is what is stored.
                value = value.pk
            assignments.append(f"{column} = %s")
            params.append(field.get_db_prep_save(value, connection))
    where = ("id", "person_id", "step", "step_started_at")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)}"
        f" WHERE {' AND '.join(f'{quote(column)} = %s' for column in where)}"
        f" AND {quote('finished_at')} IS NULL"
        f" RETURNING {_columns()}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk, person.pk, step, started_at])
        return _session_from(cursor.fetchone())
