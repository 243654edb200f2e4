from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


UNCERTAIN = mark_safe(' <abbr class="uncertain" title="Uncertain: fewer than 3 ratings">?</abbr>')


@register.filter
def mean_cells(means: list[dict]) -> SafeString:
    """A trend table row's means as its cells: each printed mean with the number of ratings behind
    it, marked when they are too few to trust, or a dash. Written here rather than in the
    template, each cell once a process for every figure and count it can show: a table of a year
    has hundreds of them, which the template language took most of the trend page's time over."""
    return mark_safe("".join(_mean_cell(m["shown"], m["count"], m["uncertain"]) for m in means))


@lru_cache(maxsize=4096)
def _mean_cell(shown: str | None, count: str, uncertain: bool) -> str:
    if shown is None:
        return "<td>–</td>"
    return format_html(
        "<td>{} <small>({})</small>{}</td>", shown, count, UNCERTAIN if uncertain else ""
    )
