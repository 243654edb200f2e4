from __future__ import annotations

from django import template
from django.utils.html import format_html

from journal.trends import LABEL_PHRASES, UNCERTAIN_BELOW, Change, describe

register = template.Library()


@register.filter
def mean(value: float | None, count: int) -> str:
    """A weekly mean with the number of ratings behind it; marked when too few to trust."""
    if value is None:
        return "–"
    if count < UNCERTAIN_BELOW:
        return format_html(
            '{} <span class="count">({})</span> <abbr class="uncertain" title="{}">?</abbr>',
            f"{value:.1f}",
            count,
            "Uncertain: fewer than 3 ratings",
        )
    return format_html('{} <span class="count">({})</span>', f"{value:.1f}", count)


@register.filter
def one_decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@register.filter
def change_text(result: Change) -> str:
    if result.direction == "unchanged":
        text = f"unchanged: {LABEL_PHRASES[result.label]}"
    else:
        text = f"{result.direction} {describe(result.points, result.percent)}: "
        text += LABEL_PHRASES[result.label]
    return text + (" (uncertain: fewer than 3 ratings)" if result.uncertain else "")
