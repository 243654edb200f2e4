from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from journal import display, models, trends
from journal.trends import Change

register = template.Library()


@register.filter
def one_decimal(value) -> str:
    return display.one_decimal(value)


@register.filter
def change_text(result: Change) -> str:
    return trends.change_text(result)


def _uncertain() -> SafeString:
    return format_html(
        ' <abbr class="uncertain" title="{}">?</abbr>',
        ngettext(
            "Uncertain: fewer than %(count)s rating",
            "Uncertain: fewer than %(count)s ratings",
            trends.ENOUGH_RATINGS,
        )
        % {"count": trends.ENOUGH_RATINGS},
    )


@register.filter
def mean_cells(means: list[dict]) -> SafeString:
    """A trend table row's means as its cells: each printed mean with the number of ratings behind
    it, marked when they are too few to trust, or a dash. Written here rather than in the
    template, each cell once a process for every figure and count it can show: a table of a year
    has hundreds of them, which the template language took most of the trend page's time over."""
    language = get_language()
    return mark_safe(
        "".join(_mean_cell(m["shown"], m["count"], m["uncertain"], language) for m in means)
    )


@lru_cache(maxsize=4096)
def _mean_cell(shown: str | None, count: str, uncertain: bool, language: str | None) -> str:
    """Kept for each language too: the mark's title is in the page's language."""
    if shown is None:
        return "<td>–</td>"
    return format_html(
        "<td>{} <small>({})</small>{}</td>", shown, count, _uncertain() if uncertain else ""
    )


@register.filter
def tag_name(tag: str) -> str:
    """A journal tag as the person reads it: a built-in one in the page's language."""
    return models.tag_name(tag)
