"""The plan's calendar strip: a row a block, a cell a day, washout days marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from journal.trial import design, plans
from journal.trial.models import TrialPlan


@dataclass(frozen=True)
class Day:
    day: date
    washout: bool
    today: bool
    rated: bool


@dataclass(frozen=True)
class Row:
    block: design.Block
    title: str
    arm: str
    days: list[Day]
    now: bool

    @property
    def washout_days(self) -> int:
        return sum(day.washout for day in self.days)


def rows(
    plan: TrialPlan, blocks: list[design.Block], today: date, rated: frozenset[date] = frozenset()
) -> list[Row]:
    return [
        Row(
            block=block,
            title=plans.block_title(block, plan),
            arm={"A": "no-ball", "B": "ball"}.get(block.arm, "baseline"),
            days=[
                Day(
                    day=day,
                    washout=day < block.rated_from,
                    today=day == today,
                    rated=day in rated,
                )
                for day in (block.first_day + timedelta(days=n) for n in range(block.days))
            ],
            now=block.holds(today),
        )
        for block in blocks
    ]
