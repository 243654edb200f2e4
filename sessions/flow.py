"""The step machine of a guided release session.

Every change goes through `apply`, which locks the session row and acts only when the posted step is
still the session's current step. A double tap or a retried request therefore finds the step already
done and changes nothing: each rating is saved once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.forms import Form
from django.utils import timezone

from sessions.forms import FORMS
from sessions.models import RELAX_SECONDS, ReleaseSession, Step

NEXT_STEP = {
    Step.PAIN_BEFORE: Step.BREATHE,
    Step.BREATHE: Step.ARCH_BEFORE,
    Step.ARCH_BEFORE: Step.BALL,
    Step.BALL: Step.RELAX,
    Step.RELAX: Step.ROLL_OFF,
    Step.ROLL_OFF: Step.EXTRAS,
    Step.EXTRAS: Step.DONE,
}
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


def forms_for(session: ReleaseSession) -> dict[str, Form]:
    """The blank forms of the session's current step, by action."""
    return {
        action: form_class() for (step, action), form_class in FORMS.items() if step == session.step
    }


def _elapsed_relax(session: ReleaseSession, now: datetime) -> int:
    elapsed = int((now - session.step_started_at).total_seconds())
    return min(session.relax_seconds + max(elapsed, 0), RELAX_SECONDS)


def _move_to(session: ReleaseSession, step: Step, now: datetime) -> None:
    session.step = step
    session.step_started_at = now
    if step == Step.DONE:
        session.finished_at = now


def apply(
    session: ReleaseSession,
    step: str,
    action: str,
    values: dict[str, Any],
    now: datetime | None = None,
) -> ReleaseSession:
    """Applies one validated step submission and returns the session as it now stands."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReleaseSession.objects.select_for_update().get(pk=session.pk)
        if locked.step != step or locked.is_finished:
            return locked
        if action == "stop":
            if locked.step == Step.RELAX:
                locked.relax_seconds = _elapsed_relax(locked, now)
            locked.stopped_early_reason = values["stopped_early_reason"]
            locked.pain_after = values.get("pain_after")
            _move_to(locked, Step.DONE, now)
        elif action == "skip":
            # Breathing skipped: noted, so the insights can compare sessions with and without.
            locked.breathing_skipped = True
            _move_to(locked, NEXT_STEP[Step(locked.step)], now)
        elif action == "knees":
            locked.knees_lifted = values["knees_lifted"]
        elif action == "reposition":
            locked.relax_seconds = _elapsed_relax(locked, now)
            locked.repositions += 1
            _move_to(locked, Step.BALL, now)
        else:
            if locked.step == Step.RELAX:
                locked.relax_seconds = _elapsed_relax(locked, now)
            for field, value in values.items():
                setattr(locked, field, value)
            _move_to(locked, NEXT_STEP[Step(locked.step)], now)
        locked.save()
    return locked
