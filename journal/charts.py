"""Plotly figures of the weekly trends: built on the server, drawn by plotly.js in the browser.

The page carries only their static pictures; the figures themselves travel as JSON from their own
address (`figures.json` beside the page), fetched once plotly.js is wanted."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import plotly.io as pio
from django.http import HttpResponse
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from plotly.io.json import to_json_plotly

from backrelease.common.scales import ARCH_MAX, PAIN_MAX
from journal import chart_preview, display
from journal.trends import Week

# The figures are written as plotly's own figure dictionaries and serialised by plotly, without
# building graph objects: their validation and copying were most of the trend page's render time.
# tests/journal/test_charts.py checks each against the validated plotly figure.
NO_TEMPLATE = pio.templates["none"].to_plotly_json()
# Colour is never the only signal: every line also has its own dash and marker. Each colour is
# given for the light and the dark theme, at least 3:1 against that theme's background (WCAG's
# non-text contrast); charts.js picks the dark one from the trace's `meta`.
BLUE = ("#1f5f8b", "#8cc4ec", "blue")
AMBER = ("#b45309", "#f0a35e", "amber")
GREEN = ("#15803d", "#6fd08c", "green")
LINES = {
    "usual_pain": (gettext_lazy("Usual pain"), BLUE, "solid", "circle"),
    "pain_before": (gettext_lazy("Pain before a session"), AMBER, "dash", "square"),
    "pain_after": (gettext_lazy("Pain after a session"), GREEN, "dot", "diamond"),
    "arch_before": (gettext_lazy("Arch before"), AMBER, "dash", "square"),
    "arch_after": (gettext_lazy("Arch after"), GREEN, "dot", "diamond"),
}
# Chart text no smaller than the page's small print.
FONT_SIZE = 14


# Django's date format letters as d3's, which plotly.js writes dates with.
D3_DATE = {"d": "%d", "j": "%-d", "m": "%m", "n": "%-m", "Y": "%Y", "y": "%y"}


def _hover_date() -> str:
    """The hover's date in the page's language: English as plotly.js writes it ("7 Dec 2026");
    any other language in figures, its own short form ("07.12.2026"), since plotly.js knows
    only English month names."""
    if (get_language() or "en").startswith("en"):
        return "%-d %b %Y"
    return "".join(D3_DATE.get(letter, letter) for letter in get_format("SHORT_DATE_FORMAT"))


def _layout(
    weeks: list[Week], title: str, y_title: str, y_max: int | None, *, counts: bool = False
) -> dict[str, Any]:
    # Ticks fall on Mondays, where each week's point sits, thinned out to about five, and are
    # named as the table names a week, in the page's language: the static picture draws these.
    ticks = weeks[:: max(1, math.ceil(len(weeks) / 5))]
    return {
        # Plain plotly.js defaults; unvalidated figures would otherwise get plotly.py's default.
        "template": NO_TEMPLATE,
        "title": {"text": title, "x": 0, "font": {"size": 17}},
        "font": {"size": FONT_SIZE},
        # The decimal and thousands separators of the page's language ("2,5" in German).
        "separators": get_format("DECIMAL_SEPARATOR") + get_format("THOUSAND_SEPARATOR"),
        "height": 300,
        "margin": {"l": 40, "r": 10, "t": 40, "b": 40},
        # Lines are named even when one is alone (plotly.js would hide a lone trace's legend).
        "showlegend": not counts,
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "xaxis": {
            "type": "date",
            "tickmode": "array",
            "tickvals": [w.week.isoformat() for w in ticks],
            "ticktext": [display.day(w.week, with_year=False) for w in ticks],
            "hoverformat": _hover_date(),
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": y_title},
            **({"range": [0, y_max]} if y_max else {}),
            # Counts step in whole numbers: no "0.2 sessions".
            **({"tickformat": "d", "dtick": _count_step(weeks)} if counts else {}),
            "fixedrange": True,
            "rangemode": "tozero",
        },
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }


def _count_step(weeks: list[Week]) -> int:
    """A whole-number tick step giving at most about five ticks."""
    most = max((w.sessions_completed for w in weeks), default=0)
    return max(1, math.ceil(most / 5))


def _line(weeks: list[Week], x: list[str], field: str, hover: bool) -> dict[str, Any]:
    label, (colour, dark_colour, palette), dash, symbol = LINES[field]
    name = str(label)
    values = [getattr(w, field) for w in weeks]
    line = {
        "type": "scatter",
        "x": x,
        # Floats, which JSON writes natively; the exact value is in `text`.
        "y": [None if value is None else float(value) for value in values],
        "name": name,
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": colour, "dash": dash, "width": 3},
        "marker": {"symbol": symbol, "size": 8, "color": colour},
        "meta": {"dark": dark_colour, "palette": palette},
    }
    if not hover:
        return line
    counts = [getattr(w, f"{field}_n") for w in weeks]
    separator = display.decimal_separator()
    return line | {
        "customdata": [
            ngettext("%(count)d rating", "%(count)d ratings", n) % {"count": n} for n in counts
        ],
        # The figure as the table prints it, rounded in one place (plotly.js would round the
        # binary float, and 6.05 would read 6.0 on the chart and 6.1 in the table).
        "text": [display.one_decimal(value, separator) for value in values],
        "hovertemplate": "%{text} (%{customdata})<extra>" + name + "</extra>",
    }


@dataclass(frozen=True)
class Chart:
    figure: dict[str, Any]  # the plotly figure, fetched by charts.js only when plotly.js loads
    label: str  # what the static picture says to a screen reader

    @cached_property
    def preview(self) -> SafeString:
        """The figure as a static SVG, shown until plotly.js is wanted."""
        return chart_preview.svg(self.figure, self.label)

    @cached_property
    def legend(self) -> SafeString:
        return chart_preview.legend(self.figure)


def figures_response(weeks: list[Week]) -> HttpResponse:
    """Every chart's figure, by name, with its hover texts, as charts.js asks for them once
    plotly.js is wanted."""
    charts = figures(weeks, hover=True)
    return HttpResponse(
        to_json_plotly({name: chart.figure for name, chart in charts.items() if chart}),
        content_type="application/json",
    )


def figures(weeks: list[Week], *, hover: bool = False) -> dict[str, Chart | None]:
    """The three trend charts; None for a chart with nothing to draw, which the page says in
    words instead. The static pictures need no `hover` texts: only plotly.js shows them."""
    x = [w.week.isoformat() for w in weeks]
    sessions = {
        "type": "bar",
        "x": x,
        # A week with nothing recorded is a gap, as in the table, not a bar of zero.
        "y": [None if w.is_empty else w.sessions_completed for w in weeks],
        "name": _("Sessions completed"),
        "marker": {"color": BLUE[0]},
        "meta": {"dark": BLUE[1], "palette": BLUE[2]},
    }
    if hover:
        sessions |= {
            "customdata": [
                ngettext("%(count)d session", "%(count)d sessions", w.sessions_completed)
                % {"count": w.sessions_completed}
                for w in weeks
            ],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
    charts = {
        "pain": {
            "data": _drawn(
                _line(weeks, x, f, hover) for f in ("usual_pain", "pain_before", "pain_after")
            ),
            "layout": _layout(
                weeks, _("Pain per week"), _("Pain (0-%(max)s)") % {"max": PAIN_MAX}, PAIN_MAX
            ),
        },
        "sessions": {
            "data": [sessions],
            "layout": _layout(weeks, _("Sessions per week"), _("Sessions"), None, counts=True),
        },
        "arch": {
            "data": _drawn(_line(weeks, x, f, hover) for f in ("arch_before", "arch_after")),
            "layout": _layout(
                weeks,
                _("Lower-back arch per week"),
                _("Arch (0-%(max)s)") % {"max": ARCH_MAX},
                ARCH_MAX,
            ),
        },
    }
    return {
        name: Chart(figure, str(LABELS[name]) % {"max": MAXIMA.get(name)})
        if _has_points(figure)
        else None
        for name, figure in charts.items()
    }


MAXIMA = {"pain": PAIN_MAX, "arch": ARCH_MAX}
LABELS = {
    "pain": gettext_lazy("Pain per week, 0 to %(max)s: the table below gives each value."),
    "sessions": gettext_lazy("Sessions per week: the table below gives each count."),
    "arch": gettext_lazy(
        "Lower-back arch per week, 0 to %(max)s: the table below gives each value."
    ),
}


def _drawn(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines with at least one week to draw: a line with none would still be named in the
    legend (no sessions yet: no "Pain before a session")."""
    return [line for line in lines if any(y is not None for y in line["y"])]


def _has_points(figure: dict[str, Any]) -> bool:
    """Whether a chart has anything to draw: a line (kept only with a week to draw, even at 0, a
    painless week), or a bar above zero (weeks without a session draw no sessions chart)."""
    return any(trace["type"] != "bar" or any(trace["y"]) for trace in figure["data"])
