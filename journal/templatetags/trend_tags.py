from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe

from journal import display
from journal.display import MONTHS
from journal.trends import ENOUGH_RATINGS, MEANS, Change, Week, ratings_of, size_of, verdict

register = template.Library()


UNCERTAIN = ' <abbr class="uncertain" title="Uncertain: fewer than 3 ratings">?</abbr>'


# A long table repeats the same printed mean and count many times (6.0 from 6 ratings...).
@lru_cache(maxsize=8192)
def _mean(shown: str, count: int) -> str:
    """A weekly mean as printed, with the number of ratings behind it; marked when too few to
    trust. Built from numbers and fixed text only, so nothing here needs escaping."""
    cell = f"{shown} <small>({count})</small>"
    return cell + UNCERTAIN if count < ENOUGH_RATINGS else cell


@register.filter
def one_decimal(value) -> str:
    return display.one_decimal(value)


# Where each mean and its count sit in a week's row: a long table reads them a thousand times.
MEAN_POSITIONS = [(Week._fields.index(value), Week._fields.index(count)) for value, count in MEANS]


def _week_row(week: Week) -> str:
    start = week.week
    heading = f'<th scope="row">{start.day} {MONTHS[start.month - 1]} {start.year}</th>'
    if week.is_empty:
        return f'<tr class="empty-week">{heading}<td colspan="9">Nothing recorded</td></tr>'
    means = "".join(
        [
            "<td>–</td>"
            if week[value] is None
            else f"<td>{_mean(display.one_decimal(week[value]), week[count])}</td>"
            for value, count in MEAN_POSITIONS
        ]
    )
    return (
        f"<tr>{heading}<td>{week.sessions_completed}</td>{means}"
        f"<td>{display.one_decimal(week.peg)}</td></tr>"
    )


@register.filter
def week_rows(weeks: list[Week]) -> str:
    """The trend table's rows in one go: 157 weeks through the template language (a loop, a test
    and a filter a row) were most of the time of the trend page over three years. Built from
    dates, numbers and fixed text only, so nothing here needs escaping."""
    return mark_safe("\n".join([_week_row(week) for week in weeks]))


@register.filter
def change_text(result: Change) -> str:
    if result.direction == "unchanged":
        return f"unchanged, {ratings_of(result)}: {verdict(result)}"
    return f"{result.direction} {size_of(result)}, {ratings_of(result)}: {verdict(result)}"
