from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from journal import display
from journal.trends import ENOUGH_RATINGS, MEANS, Change, Week, size_of, verdict

register = template.Library()


UNCERTAIN = ' <abbr class="uncertain" title="Uncertain: fewer than 3 ratings">?</abbr>'


def _mean(value: float | None, count: int) -> str:
    """A weekly mean with the number of ratings behind it; marked when too few to trust.

    Built from numbers and fixed text only, so nothing here needs escaping."""
    if value is None:
        return "–"
    shown = f'{display.one_decimal(value)} <span class="count">({int(count)})</span>'
    return shown + UNCERTAIN if count < ENOUGH_RATINGS else shown


@register.filter
def one_decimal(value) -> str:
    return display.one_decimal(value)


@register.filter
def week_cells(week: Week) -> str:
    """A week's row of the table in one go (its heading, then its cells): 157 weeks of cells
    through the template language were most of the time of the trend page over three years."""
    heading = f'<th scope="row">{week.week.day} {week.week:%b %Y}</th>'
    if week.is_empty:
        return mark_safe(f'{heading}<td colspan="9">Nothing recorded</td>')
    cells = [str(int(week.sessions_completed))]
    cells += [_mean(getattr(week, value), getattr(week, count)) for value, count in MEANS]
    cells.append(one_decimal(week.peg))
    return mark_safe(heading + "".join(f"<td>{cell}</td>" for cell in cells))


@register.filter
def change_text(result: Change) -> str:
    if result.direction == "unchanged":
        return f"unchanged: {verdict(result)}"
    return f"{result.direction} {size_of(result)}: {verdict(result)}"
