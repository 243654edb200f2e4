from __future__ import annotations

from django import template

from journal import display, models, trends
from journal.trends import Change

register = template.Library()


@register.filter
def one_decimal(value) -> str:
    return display.one_decimal(value)


@register.filter
def change_text(result: Change) -> str:
    return trends.change_text(result)


@register.filter
def tag_name(tag: str) -> str:
    """A journal tag as the person reads it: a built-in one in the page's language."""
    return models.tag_name(tag)
