"""The step machine of a guided release session.

Every change goes through `apply`, a compare-and-set: one UPDATE that writes the step's answers
only while the row still holds the step the person answered (and that step's start time). A double
tap or a retried request therefore finds the step already done and changes nothing: each rating is
saved once. One statement and no lock held across round trips: a save costs one query beyond
reading the session.
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


def forms_for(session: ReleaseSession) -> dict[str, Form]:
    """The blank forms of the session's current step, by action."""
    return {
        action: form_class() for (step, action), form_class in FORMS.items() if step == session.step
    }


def has_fixed_questions(session: ReleaseSession, forms: dict[str, Form]) -> bool:
    """Whether the step's questions can come from the fragment cache: the same markup for everyone,
    rendered once a process rather than on every step (a scale of eleven choices is most of it)."""
    answered = forms.get("next")
    return session.step in FIXED_QUESTIONS and not (answered and answered.is_bound)


def _elapsed_relax(session: ReleaseSession, now: datetime) -> int:
    elapsed = int((now - session.step_started_at).total_seconds())
    return min(session.relax_seconds + max(elapsed, 0), RELAX_SECONDS)


def _changes(session: ReleaseSession, action: str, values: dict[str, Any], now: datetime) -> dict:
    """The fields the action writes, worked out from the session as it was read."""

    def move_to(step: Step) -> dict:
        return {"step": step, "step_started_at": now} | (
            {"finished_at": now} if step == Step.DONE else {}
        )

    next_step = NEXT_STEP[Step(session.step)]
    relax = {"relax_seconds": _elapsed_relax(session, now)} if session.step == Step.RELAX else {}
    if action == "stop":
        return {
            **relax,
            "stopped_early_reason": values["stopped_early_reason"],
            "pain_after": values.get("pain_after"),
            **move_to(Step.DONE),
        }
    if action == "skip":
        # Breathing skipped: noted, so the insights can compare sessions with and without.
        return {"breathing_skipped": True, **move_to(next_step)}
    if action == "knees":
        return {"knees_lifted": values["knees_lifted"]}
    if action == "reposition":
        return {
            "relax_seconds": _elapsed_relax(session, now),
            "repositions": session.repositions + 1,
            **move_to(Step.BALL),
        }
    return {**relax, **values, **move_to(next_step)}


def apply(
    session: ReleaseSession,
    step: str,
    action: str,
    values: dict[str, Any],
    now: datetime | None = None,
) -> ReleaseSession:
    """Applies one validated step submission and returns the session as it now stands."""
    if session.step != step or session.is_finished:
        return session
    now = now or timezone.now()
    changes = _changes(session, action, values, now)
    # `update()` skips auto_now: the row's write time is set here, as `save()` would.
    written = (
        ReleaseSession.objects.filter(
            pk=session.pk, step=session.step, step_started_at=session.step_started_at
        )
        .open()
        .update(**changes, updated_at=now)
    )
    if not written:
        # Another request moved the session on since it was read: show it as it now stands.
        return ReleaseSession.objects.get(pk=session.pk)
    for field, value in changes.items():
        setattr(session, field, value)
    session.updated_at = now
    return session
