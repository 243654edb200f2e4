"""The chart figures: valid plotly, though built without plotly's per-request validation."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import plotly.graph_objects as go

from journal import charts
from journal.trends import Week


def week(n: int, **values) -> Week:
    """A week with nothing recorded, then the given figures."""
    fields = dict.fromkeys(Week._fields)
    counts = {name: 0 for name in fields if name.endswith("_n")}
    start = date(2026, 1, 5) + timedelta(weeks=n)
    return Week(**{**fields, **counts, "sessions_completed": 0, "week": start, **values})


def figures_sent(weeks: list[Week]) -> dict:
    """The figures as charts.js receives them."""
    return json.loads(charts.figures_response(weeks).content)


def test_it_builds_figures_plotly_accepts_in_full():
    weeks = [
        week(
            0,
            usual_pain=6.5,
            usual_pain_n=4,
            pain_before=7.0,
            pain_before_n=2,
            sessions_completed=2,
        ),
        week(1),
        week(2, usual_pain=4.0, usual_pain_n=3, arch_before=3.0, arch_before_n=1),
    ]
    sent = figures_sent(weeks)
    assert sent.keys() == {"pain", "sessions", "arch"}
    for name, figure in sent.items():
        # Raises on any property plotly does not know or any value of the wrong kind, and
        # validating changes nothing: the unvalidated figure is the one plotly would make.
        assert json.loads(go.Figure(figure).to_json()) == figure, name
        assert figure["data"], name


def test_it_leaves_a_gap_for_a_week_with_nothing_recorded():
    weeks = [week(0, sessions_completed=2), week(1), week(2, usual_pain=4.0, usual_pain_n=3)]
    bars = figures_sent(weeks)["sessions"]["data"][0]["y"]
    assert bars == [2, None, 0]


def test_it_prints_the_tables_figure_in_the_chart_hover():
    # 121/20 = 6.05 exactly: the table shows 6.1, and plotly.js rounding the float would say 6.0.
    weeks = [week(0, usual_pain=Decimal(121) / 20, usual_pain_n=20)]
    line = figures_sent(weeks)["pain"]["data"][0]
    assert line["text"] == ["6.1"]
    assert line["hovertemplate"].startswith("%{text}")


def test_it_counts_ratings_and_sessions_in_the_hover_in_words_that_agree():
    weeks = [
        week(0, usual_pain=4, usual_pain_n=1, sessions_completed=1),
        week(1, usual_pain=5, usual_pain_n=3, sessions_completed=2),
    ]
    sent = figures_sent(weeks)
    line = sent["pain"]["data"][0]
    assert line["customdata"] == ["1 rating", "3 ratings"]
    assert line["hovertemplate"].startswith("%{text} (%{customdata})<extra>")
    bars = sent["sessions"]["data"][0]
    assert bars["customdata"] == ["1 session", "2 sessions"]
    assert bars["hovertemplate"] == "%{customdata}<extra></extra>"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The page backgrounds of static/css/app.css, light and dark.
BACKGROUNDS = {"light": "#fbfaf7", "dark": "#121412"}


def test_every_line_stands_out_three_to_one_in_both_themes():
    weeks = [
        week(0, usual_pain=5, usual_pain_n=3, pain_before=6, pain_before_n=3, sessions_completed=3),
        week(1, pain_after=3, pain_after_n=3, arch_before=3, arch_before_n=3),
        week(2, arch_after=1, arch_after_n=3),
    ]
    for name, figure in figures_sent(weeks).items():
        for trace in figure["data"]:
            light = trace.get("line", trace["marker"]).get("color") or trace["marker"]["color"]
            assert contrast(light, BACKGROUNDS["light"]) >= 3, (name, trace["name"])
            assert contrast(trace["meta"]["dark"], BACKGROUNDS["dark"]) >= 3, (name, trace["name"])


def test_chart_text_is_at_least_14px_and_counts_are_whole():
    weeks = [week(0, sessions_completed=1), week(1, sessions_completed=2)]
    figure = figures_sent(weeks)["sessions"]
    assert figure["layout"]["font"]["size"] >= 14
    assert figure["layout"]["yaxis"]["tickformat"] == "d"
    assert figure["layout"]["yaxis"]["dtick"] == 1
    many = [week(0, sessions_completed=21)]
    assert figures_sent(many)["sessions"]["layout"]["yaxis"]["dtick"] == 5


def test_a_chart_with_nothing_to_draw_is_left_out():
    assert charts.figures([week(0), week(1)]) == {"pain": None, "sessions": None, "arch": None}


def test_a_line_with_no_week_to_draw_is_left_out_of_the_chart_and_its_legend():
    weeks = [week(0, usual_pain=6, usual_pain_n=3), week(1, usual_pain=5, usual_pain_n=2)]
    found = charts.figures(weeks)
    assert [line["name"] for line in found["pain"].figure["data"]] == ["Usual pain"]
    assert found["pain"].figure["layout"]["showlegend"] is True
    assert "Usual pain" in found["pain"].legend
    assert "Pain before a session" not in found["pain"].legend + found["pain"].preview
    assert found["arch"] is None


def test_weeks_rated_0_are_drawn_not_said_to_have_no_ratings():
    weeks = [week(0, usual_pain=0, usual_pain_n=3, arch_after=0, arch_after_n=1), week(1)]
    found = charts.figures(weeks)
    assert [line["name"] for line in found["pain"].figure["data"]] == ["Usual pain"]
    assert [line["name"] for line in found["arch"].figure["data"]] == ["Arch after"]
    assert found["sessions"] is None


def test_the_static_picture_draws_the_same_figure():
    weeks = [
        week(0, usual_pain=6, usual_pain_n=3, sessions_completed=2),
        week(1),
        week(2, usual_pain=4, usual_pain_n=3, sessions_completed=1),
        week(3, usual_pain=5, usual_pain_n=3, sessions_completed=1),
    ]
    found = charts.figures(weeks)
    pain = found["pain"].preview
    assert pain.startswith('<svg class="chart-svg"') and 'role="img"' in pain
    assert "Pain per week" in pain
    # A gap where the week has nothing: two lines, not one through the empty week.
    (line,) = re.findall(r'<polyline class="line-blue" points="([^"]+)"', pain)
    assert len(line.split()) == 2
    assert pain.count('class="fill-blue"') == 3
    sessions = found["sessions"].preview
    (bars,) = re.findall(r'<path class="fill-blue bars" d="([^"]+)"', sessions)
    assert bars.count("M") == 3
    assert ">1<" in sessions and ">2<" in sessions and ">0.5<" not in sessions
    assert "Usual pain" in found["pain"].legend
    assert found["sessions"].legend == ""


def test_the_static_picture_leaves_out_markers_that_would_overlap():
    """Over years a marker per week would blur into a band; lines carry the picture, and a week
    between two gaps still shows as its marker."""
    many = [week(n, usual_pain=5, usual_pain_n=3) for n in range(60)]
    many[30] = week(30)
    many[32] = week(32)
    pain = charts.figures(many)["pain"].preview
    assert len(re.findall(r'<polyline class="line-blue"', pain)) == 2
    assert pain.count('class="fill-blue"') == 1
    few = [week(n, usual_pain=5, usual_pain_n=3) for n in range(12)]
    assert charts.figures(few)["pain"].preview.count('class="fill-blue"') == 12
