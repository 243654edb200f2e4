"""The chart figures: valid plotly, though built without plotly's per-request validation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import plotly.graph_objects as go

from journal import charts
from journal.trends import Week


def week(n: int, **values) -> Week:
    """A week with nothing recorded, then the given figures."""
    fields = dict.fromkeys(Week.__dataclass_fields__)
    counts = {name: 0 for name in fields if name.endswith("_n")}
    start = date(2026, 1, 5) + timedelta(weeks=n)
    return Week(**{**fields, **counts, "sessions_completed": 0, "week": start, **values})


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
    for name, text in charts.figures(weeks).items():
        figure = json.loads(text)
        # Raises on any property plotly does not know or any value of the wrong kind, and
        # validating changes nothing: the unvalidated figure is the one plotly would make.
        assert json.loads(go.Figure(figure).to_json()) == figure, name
        assert figure["data"], name


def test_it_leaves_a_gap_for_a_week_with_nothing_recorded():
    weeks = [week(0, sessions_completed=2), week(1), week(2, usual_pain=4.0, usual_pain_n=3)]
    bars = json.loads(charts.figures(weeks)["sessions"])["data"][0]["y"]
    assert bars == [2, None, 0]


def test_it_prints_the_tables_figure_in_the_chart_hover():
    # 121/20 = 6.05 exactly: the table shows 6.1, and plotly.js rounding the float would say 6.0.
    weeks = [week(0, usual_pain=Decimal(121) / 20, usual_pain_n=20)]
    line = json.loads(charts.figures(weeks)["pain"])["data"][0]
    assert line["text"] == ["6.1"]
    assert line["hovertemplate"].startswith("%{text}")
