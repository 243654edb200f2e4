from __future__ import annotations

from django import template

from journal import display
from journal.trends import Change, ratings_of, size_of, verdict

register = template.Library()


@register.filter
def one_decimal(value) -> str:
    return display.one_decimal(value)


@register.filter
def change_text(result: Change) -> str:
    if result.direction == "unchanged":
        return f"unchanged, {ratings_of(result)}: {verdict(result)}"
    return f"{result.direction} {size_of(result)}, {ratings_of(result)}: {verdict(result)}"
