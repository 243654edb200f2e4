"""The trial's card on Home, first while a plan runs: the evening rating, or today's as given."""

from __future__ import annotations

from journal.trial import plans
from journal.trial.forms import RatingForm


def card(person) -> dict | None:
    today = plans.today_of(person)
    plan = plans.running(person, today)
    if plan is None:
        return None
    days = plans.ratable_days(plan, today)
    block = plans.block_on(plans.blocks_of(plan), today)
    return {
        "plan": plan,
        "days": days,
        "form": RatingForm(days=days, today=today),
        "block_title": plans.block_title(block, plan) if block else "",
        "rated_today": plan.ratings.filter(day=today).first(),
    }
