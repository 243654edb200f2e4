"""A static SVG of a trend figure, drawn on the server from the same plotly figure dictionary.

The trend page shows these at once; plotly.js (over a megabyte, about a second of a phone's main
thread) loads only when the person reaches for a chart, and redraws the same figure interactive.
Colours are CSS classes, so the picture follows the light and dark themes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 30, 30
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# The width a week needs for its marker (8 wide) to stand apart from the next one.
MARKER_ROOM = 10
DASHES = {"solid": "", "dash": "9 5", "dot": "2 5"}


def _ticks(top: float, step: float) -> list[float]:
    count = int(top // step)
    return [step * n for n in range(count + 1)]


def _tick_text(tick: float, separators: str) -> str:
    """A y tick as plotly.js writes it with the figure's separators: "2", "0,5"."""
    return f"{tick:g}".replace(".", separators[0])


def _marker(symbol: str, x: float, y: float, palette: str) -> str:
    if symbol == "square":
        return (
            f'<rect class="fill-{palette}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8"/>'
        )
    if symbol == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon class="fill-{palette}" points="{points}"/>'
    return f'<circle class="fill-{palette}" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'


@lru_cache(maxsize=64)
def _x_texts(count: int) -> tuple[str, ...]:
    """Each week's x, written: the same for every chart of `count` weeks."""
    slot = PLOT_WIDTH / max(count, 1)
    return tuple(f"{LEFT + slot * (index + 0.5):.1f}" for index in range(count))


def svg(figure: dict[str, Any], label: str) -> SafeString:
    layout, traces = figure["layout"], figure["data"]
    weeks = traces[0]["x"]
    y_axis = layout["yaxis"]
    if "range" in y_axis:
        top = y_axis["range"][1]
    else:
        values = [y for trace in traces for y in trace["y"] if y is not None]
        top = max(max(values, default=1), 1)
    step = y_axis.get("dtick") or (2 if top >= 8 else 1)
    top = max(top, step * -(-top // step))
    slot = PLOT_WIDTH / max(len(weeks), 1)
    # Over many weeks the markers would overlap into a blur (and were most of the picture's
    # size): the lines, with their dashes, carry it then.
    markers = slot >= MARKER_ROOM

    base, scale = TOP + PLOT_HEIGHT, PLOT_HEIGHT / float(top)

    def x_of(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    def y_of(value: float) -> float:
        return base - scale * float(value)

    parts = [
        format_html('<text class="chart-title" x="0" y="17">{}</text>', layout["title"]["text"])
    ]
    for tick in _ticks(float(top), float(step)):
        y = y_of(tick)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end">'
            f"{_tick_text(tick, layout['separators'])}</text>"
        )
    # The x ticks the figure names, in the page's language, as plotly.js draws them.
    x_axis = layout["xaxis"]
    for value, text in zip(x_axis["tickvals"], x_axis["ticktext"], strict=True):
        parts.append(
            format_html(
                '<text class="chart-tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{x_of(weeks.index(value)):.1f}",
                HEIGHT - 8,
                text,
            )
        )
    # Hundreds of weeks over five lines, and formatting numbers was most of the drawing's time:
    # each week's x is written once for every chart of as many weeks, each value's y once.
    x_texts = _x_texts(len(weeks))
    for trace in traces:
        palette, values = trace["meta"]["palette"], trace["y"]
        if trace["type"] == "bar":
            # Every bar one subpath of a single path: a third of the bytes of a rect each.
            width = max(slot * 0.6, 2)
            rise = f"h{width:.1f}V{base}z"
            bars = "".join(
                [
                    f"M{x_of(i) - width / 2:.1f} {base}V{base - scale * y:.1f}{rise}"
                    for i, y in enumerate(values)
                    if y is not None
                ]
            )
            parts.append(f'<path class="fill-{palette} bars" d="{bars}"/>')
            continue
        symbol = trace["marker"]["symbol"]
        dash = DASHES[trace["line"]["dash"]]
        ending = f'" stroke-dasharray="{dash}"/>' if dash else '"/>'
        # A run of weeks with values is one polyline; a gap (None) ends it.
        run: list[str] = []
        first = 0
        for index, y in enumerate([*values, None]):
            if y is not None:
                if not run:
                    first = index
                run.append(f"{x_texts[index]},{base - scale * y:.1f}")
            elif len(run) > 1:
                parts.append(f'<polyline class="line-{palette}" points="{" ".join(run)}{ending}')
                run = []
            elif run:
                if not markers:
                    # A week between two gaps has no line: its marker is all that shows it.
                    parts.append(_marker(symbol, x_of(first), y_of(values[first]), palette))
                run = []
        if markers:
            parts.extend(
                _marker(symbol, x_of(i), y_of(y), palette)
                for i, y in enumerate(values)
                if y is not None
            )
    return format_html(
        '<svg class="chart-svg" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        mark_safe("".join(parts)),
    )


def legend(figure: dict[str, Any]) -> SafeString:
    """The legend as HTML under the picture: it wraps on a narrow phone, where an SVG could not.
    Every line is named, even one alone (usual pain, before any session); the bars need none."""
    if all(trace["type"] == "bar" for trace in figure["data"]):
        return mark_safe("")
    return format_html(
        '<ul class="chart-legend" aria-hidden="true">{}</ul>',
        format_html_join(
            "",
            '<li><svg viewBox="0 0 30 10" width="30" height="10"><line class="line-{}" x1="0" '
            'x2="30" y1="5" y2="5"{}/></svg>{}</li>',
            (
                (
                    trace["meta"]["palette"],
                    mark_safe(f' stroke-dasharray="{DASHES[trace["line"]["dash"]]}"')
                    if DASHES[trace["line"]["dash"]]
                    else "",
                    escape(trace["name"]),
                )
                for trace in figure["data"]
            ),
        ),
    )
