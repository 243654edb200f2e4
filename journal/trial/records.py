"""A trial plan outside the app: in the person's JSON export (the plan with its stored orders, its
schedule, the daily ratings and the result with the method's version) and in the FHIR Bundle (a
`CarePlan` for the plan, an `Observation` a daily rating, based on it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from journal import exports
from journal.trial import analysis, plans
from journal.trial.models import Status
from sessions import wording

CARE_PLAN_STATUS = {
    Status.RUNNING: "active",
    Status.STOPPED: "revoked",
    Status.FINISHED: "completed",
}
RELEASE = {"text": "Self-release with a soft ball under the sacrum"}
DAILY_RATING = "Usual pain over the day, trial evening rating (0-10)"


def _result(result: analysis.Result) -> dict[str, Any]:
    return {
        "method_version": analysis.METHOD_VERSION,
        "verdict": result.verdict,
        "verdict_sentence": analysis.verdict_sentence(result),
        "blocks": [
            {
                "number": found.block.number,
                "mean": found.mean,
                "rated_days": found.rated_days,
                "insufficient": found.insufficient,
                "finished": found.finished,
            }
            for found in result.blocks
        ],
        "differences": result.differences,
        "pairs_left_out": result.pairs_left_out,
        "pairs_unfinished": result.pairs_unfinished,
        "estimate": result.estimate,
        "low": result.low,
        "high": result.high,
        "all_equal": result.all_equal,
        "p_value": result.p_value,
        "p_smallest": result.p_smallest,
        "chance_drop_1": result.chance_drop_1,
        "chance_drop_2": result.chance_drop_2,
        "sensitivity": list(result.sensitivity) if result.sensitivity else None,
        "adherence": result.adherence,
    }


def plan_json(outcome: plans.Outcome) -> dict[str, Any]:
    """The plan as the JSON export holds it: what was stored, what follows from it, and the result
    as computed at export time (the method's version says by which rules)."""
    plan = outcome.plan
    return {
        "pairs": plan.pairs,
        "block_days": plan.block_days,
        "baseline_week": plan.baseline_week,
        "sessions_per_week": plan.sessions_per_week,
        "rating_time": plan.rating_time.isoformat(),
        "orders": list(plan.orders),
        "starts_on": plan.starts_on.isoformat(),
        "status": plan.status,
        "started_at": plan.started_at.isoformat(),
        "stopped_at": plan.stopped_at.isoformat() if plan.stopped_at else None,
        "stopped_on": plan.stopped_on.isoformat() if plan.stopped_on else None,
        "schedule": [
            {
                "number": block.number,
                "pair": block.pair,
                "arm": block.arm,
                "first_day": block.first_day.isoformat(),
                "last_day": block.last_day.isoformat(),
                "rated_from": block.rated_from.isoformat(),
            }
            for block in outcome.blocks
        ],
        "ratings": [
            {
                "day": rating.day.isoformat(),
                "usual_pain": rating.usual_pain,
                # The wording it was given in, "de:1" (language:version); null for none recorded.
                "usual_pain_wording": wording.key_of(rating.usual_pain_wording_id),
                "unusual": rating.unusual,
                "after_session": rating.after_session,
                "recorded_at": rating.recorded_at.isoformat(),
                "corrected_at": rating.corrected_at.isoformat() if rating.corrected_at else None,
            }
            for rating in outcome.ratings
        ],
        "result": _result(outcome.result),
    }


def all_json(person) -> list[dict[str, Any]]:
    return [plan_json(outcome) for outcome in plans.shown_between(person, None, None)]


def _activity_status(outcome: plans.Outcome, first: date, last: date, today: date) -> str:
    end = outcome.last_day
    if outcome.plan.status == Status.STOPPED and last > end:
        return "stopped" if first <= end else "cancelled"
    if last < today:
        return "completed"
    return "in-progress" if first <= today else "scheduled"


def care_plan(outcome: plans.Outcome, patient: str, today: date) -> dict[str, Any]:
    plan = outcome.plan
    zone = plan.person.zone
    return {
        "resourceType": "CarePlan",
        "status": CARE_PLAN_STATUS[plan.status],
        "intent": "plan",
        "title": _("Personal trial plan (N-of-1): is it the ball?"),
        "description": _(
            "%(pairs)s pairs of %(days)s-day blocks, one with the release and one without it "
            "(usual care), each pair's order drawn at random and stored (%(orders)s). %(washout)s "
            "One evening rating of usual pain a day, at %(at)s."
        )
        % {
            "pairs": plan.pairs,
            "days": plan.block_days,
            "orders": ", ".join(plan.orders),
            "washout": outcome.washout,
            "at": plan.rating_time.strftime("%H:%M"),
        },
        "subject": {"reference": patient},
        "period": {"start": plan.starts_on.isoformat(), "end": outcome.last_day.isoformat()},
        "created": timezone.localtime(plan.started_at, zone).isoformat(),
        "activity": [
            {
                "detail": {
                    "code": RELEASE,
                    "status": _activity_status(
                        outcome, found.block.first_day, found.block.last_day, today
                    ),
                    # A block without the release asks that it is not done.
                    "doNotPerform": found.block.arm == "A",
                    "scheduledPeriod": {
                        "start": found.block.first_day.isoformat(),
                        "end": found.block.last_day.isoformat(),
                    },
                    "description": title,
                }
            }
            for found, title in outcome.block_rows
        ],
        "note": [
            {"text": outcome.verdict},
            {"text": outcome.adherence},
            {
                "text": _("Method version %(version)s.") % {"version": outcome.method_version}
                + " "
                + " ".join(filter(None, [outcome.p_value, outcome.chances, outcome.sensitivity]))
            },
        ],
    }


def fhir_entries(
    outcomes: list[plans.Outcome], person, include_notes: bool, today: date | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(fullUrl, resource) of each plan and its daily ratings, for `exports.fhir_lines`."""
    patient = exports.urn("person", person.pk)
    today = today or plans.today_of(person)
    for outcome in outcomes:
        plan_url = exports.urn("trial-plan", outcome.plan.pk)
        yield plan_url, care_plan(outcome, patient, today)
        for rating in outcome.ratings:
            observation: dict[str, Any] = {
                "resourceType": "Observation",
                **exports.wording_extension(rating.usual_pain_wording_id),
                "status": "amended" if rating.corrected_at else "final",
                "basedOn": [{"reference": plan_url}],
                "category": [exports.SURVEY],
                "code": {"coding": [exports.LOINC_PAIN], "text": DAILY_RATING},
                "subject": {"reference": patient},
                # The rating is of a local day as a whole.
                "effectiveDateTime": rating.day.isoformat(),
                "issued": timezone.localtime(rating.recorded_at, person.zone).isoformat(),
                "valueQuantity": {"value": rating.usual_pain, **exports.SCORE},
            }
            if include_notes and rating.unusual:
                observation["note"] = [{"text": rating.unusual}]
            yield exports.urn("trial-rating", rating.pk), observation
