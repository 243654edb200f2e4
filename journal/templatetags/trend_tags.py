from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from journal.trends import LABEL_PHRASES, UNCERTAIN_BELOW, Change, Week, describe

register = template.Library()


UNCERTAIN = ' <abbr class="uncertain" title="Uncertain: fewer than 3 ratings">?</abbr>'
# The table's columns after the sessions count: each mean with the count behind it.
MEAN_COLUMNS = [
    ("usual_pain", "usual_pain_n"),
    ("pain_before", "pain_before_n"),
    ("pain_after", "pain_after_n"),
    ("relief", "relief_n"),
    ("arch_before", "arch_before_n"),
    ("arch_after", "arch_after_n"),
    ("journal_pain", "journal_pain_n"),
]


def _mean(value: float | None, count: int) -> str:
    """A weekly mean with the number of ratings behind it; marked when too few to trust.

    Built from numbers and fixed text only, so nothing here needs escaping."""
    if value is None:
        return "–"
    shown = f'{value:.1f} <span class="count">({int(count)})</span>'
    return shown + UNCERTAIN if count < UNCERTAIN_BELOW else shown


@register.filter
def one_decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@register.filter
def week_cells(week: Week) -> str:
    """A week's row of the table in one go (its heading, then its cells): 157 weeks of cells
    through the template language were most of the time of the trend page over three years."""
    heading = f'<th scope="row">{week.week.day} {week.week:%b %Y}</th>'
    if week.is_empty:
        return mark_safe(f'{heading}<td colspan="9">Nothing recorded</td>')
    cells = [str(int(week.sessions_completed))]
    cells += [_mean(getattr(week, value), getattr(week, count)) for value, count in MEAN_COLUMNS]
    cells.append(one_decimal(week.peg))
    return mark_safe(heading + "".join(f"<td>{cell}</td>" for cell in cells))


@register.filter
def change_text(result: Change) -> str:
    if result.direction == "unchanged":
        text = f"unchanged: {LABEL_PHRASES[result.label]}"
    else:
        text = f"{result.direction} {describe(result.points, result.percent)}: "
        text += LABEL_PHRASES[result.label]
    return text + (" (uncertain: fewer than 3 ratings)" if result.uncertain else "")
