"""The trends' own functions (journal/trends.py), each on its own and without a database: the
ranges, the table, the summary, the change and every sentence a person reads. `make mutation`
runs these first for trends' mutants, so most die here, before any slower test runs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from journal import trends
from journal.templatetags.trend_tags import change_text
from tests.deadline import within

MONDAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def comes_back_at_once():
    """In English unless a test says otherwise; a test that has not come back after 3 seconds
    fails (`tests.deadline`)."""
    with within(3, "a trends function"), translation.override("en"):
        yield


def week(day: date, usual: float | None = None, n: int = 0, **figures) -> trends.Week:
    """A week with nothing in it but what a test gives."""
    fields = dict.fromkeys(trends.Week._fields)
    fields.update({name: 0 for name in fields if name.endswith("_n")})
    fields.update(week=day, sessions_completed=0, usual_pain=usual, usual_pain_n=n)
    fields.update(figures)
    return trends.Week(**fields)


def weeks_from(first: date, count: int) -> list[trends.Week]:
    return [week(first + timedelta(weeks=index)) for index in range(count)]


def changed(current, current_n, reference, reference_n) -> trends.Change:
    return trends.change(Decimal(str(current)), current_n, Decimal(str(reference)), reference_n)


# The range and the table.


@pytest.mark.parametrize(
    ("asked", "chosen"),
    [("4w", "4w"), ("12w", "12w"), ("all", "all"), (None, "12w"), ("7w", "12w"), ("", "12w")],
)
def test_a_range_not_offered_is_the_default(asked, chosen):
    assert trends.chosen_range(asked) == chosen


def test_the_table_shows_the_recent_weeks_and_counts_the_earlier_ones():
    recent = trends.TABLE_WEEKS
    weeks = weeks_from(date(2025, 1, 6), recent + 2)
    shown = trends.table(weeks, None)
    assert shown["earlier_weeks"] == 2
    assert shown["rows"] == trends.table_rows(weeks[2:])
    assert shown["uncertain_title"] == "Uncertain: fewer than 3 ratings"


def test_the_whole_table_when_asked_for_or_when_it_is_short():
    recent = trends.TABLE_WEEKS
    weeks = weeks_from(date(2025, 1, 6), recent + 1)
    whole = trends.table(weeks, "whole")
    assert (len(whole["rows"]), whole["earlier_weeks"]) == (recent + 1, 0)
    assert len(trends.table(weeks, "recent")["rows"]) == recent
    short = trends.table(weeks[:recent], None)
    assert (len(short["rows"]), short["earlier_weeks"]) == (recent, 0)


def test_the_table_in_german():
    with translation.override("de"):
        shown = trends.table([week(date(2026, 11, 9), Decimal("4.25"), 3)], None)
    assert shown["uncertain_title"] == "Unsicher: weniger als 3 Angaben"
    assert shown["rows"][0]["means"][0]["shown"] == "4,3"


def test_the_table_looks_the_decimal_mark_up_once(monkeypatch):
    looked_up = []

    def decimal_separator():
        looked_up.append(True)
        return "."

    monkeypatch.setattr(trends.display, "decimal_separator", decimal_separator)
    rows = trends.table_rows(
        [
            week(date(2026, 11, 9) + timedelta(weeks=n), Decimal(5), 3, peg=Decimal(4))
            for n in range(3)
        ]
    )
    assert [row["peg"] for row in rows] == ["4.0"] * 3
    assert len(looked_up) == 1


def test_an_htmx_request_gets_the_part_it_asked_for():
    assert trends.partial_for("whole") == "trend-table"
    assert trends.partial_for(None) == "trend-body"
    assert trends.partial_for("4w") == "trend-body"


def test_a_table_row_prints_each_mean_with_its_count_and_whether_it_is_too_few():
    row = week(
        date(2026, 11, 9),
        usual=Decimal("4.25"),
        n=3,
        sessions_completed=2,
        pain_before=Decimal(6),
        pain_before_n=2,
        relief=Decimal("-0.5"),
        relief_n=1,
        peg=Decimal("3.333"),
    )
    assert trends.table_rows([row]) == [
        {
            "week": "9 Nov 2026",
            "empty": False,
            "sessions": "2",
            "peg": "3.3",
            "means": [
                {"shown": "4.3", "count": "3", "uncertain": False},
                {"shown": "6.0", "count": "2", "uncertain": True},
                {"shown": None, "count": "0", "uncertain": True},
                {"shown": "-0.5", "count": "1", "uncertain": True},
                {"shown": None, "count": "0", "uncertain": True},
                {"shown": None, "count": "0", "uncertain": True},
                {"shown": None, "count": "0", "uncertain": True},
            ],
        }
    ]


def test_an_empty_week_is_a_row_of_gaps():
    (row,) = trends.table_rows([week(date(2026, 11, 9))])
    assert row["empty"] is True
    assert row["peg"] == "–"
    assert [mean["shown"] for mean in row["means"]] == [None] * 7


def test_a_week_known_by_its_usual_pain_alone_has_nothing_else():
    found = trends._usual_pain_week(MONDAY, Decimal("5.5"), 4)
    assert found == week(MONDAY, Decimal("5.5"), 4)
    assert found.sessions_completed == 0
    assert found.pain_before_n == found.journal_pain_n == found.relief_n == 0
    assert found.pain_before is None and found.peg is None
    assert trends._usual_pain_week(None, None, 0) is None


# The change between two weeks.


@pytest.mark.parametrize(
    ("percent", "label"),
    [
        (None, "no clear change"),
        (Decimal(-100), "substantial improvement"),
        (Decimal(-50), "substantial improvement"),
        (Decimal("-49.9"), "moderately important improvement"),
        (Decimal(-30), "moderately important improvement"),
        (Decimal("-29.9"), "no clear change"),
        (Decimal(0), "no clear change"),
        (Decimal("29.9"), "no clear change"),
        (Decimal(30), "worse"),
        (Decimal(200), "worse"),
    ],
)
def test_a_label_is_given_on_the_exact_percent(percent, label):
    assert trends.change_label(percent) == label


def test_a_change_keeps_both_means_exactly_with_their_counts():
    result = changed("4.9", 4, "7.0", 12)
    assert result == trends.Change(
        points=Decimal("-2.1"),
        percent=Decimal(-30),
        label="moderately important improvement",
        shown_points=Decimal("-2.1"),
        current_n=4,
        reference_n=12,
    )


def test_a_change_from_floats_is_taken_as_they_are_written():
    result = trends.change(2.25, 5, 2.0, 5)
    assert result.points == Decimal("0.25")
    assert result.percent == Decimal("12.5")
    assert result.shown_points == Decimal("0.3")


def test_the_printed_difference_is_of_the_printed_means():
    # 4.96 and 4.04 print as 5.0 and 4.0: the difference printed is 1.0, not 0.92 rounded.
    result = changed("4.96", 5, "4.04", 5)
    assert result.shown_points == Decimal("1.0")
    assert result.points == Decimal("0.92")


@pytest.mark.parametrize(
    ("current_n", "reference_n", "labelled"),
    [(3, 3, True), (2, 3, False), (3, 2, False), (0, 9, False), (9, 0, False)],
)
def test_a_change_from_fewer_than_3_ratings_a_week_has_no_label(current_n, reference_n, labelled):
    result = changed(8, current_n, 4, reference_n)
    assert (result.label is not None) is labelled
    assert (result.current_n, result.reference_n) == (current_n, reference_n)
    assert result.points == Decimal(4)
    assert result.percent == Decimal(100)
    assert result.shown_points == Decimal("4.0")


def test_from_no_pain_any_rise_is_worse_and_no_percent():
    rise = changed(1, 5, 0, 5)
    assert (rise.label, rise.percent, rise.points) == ("worse", None, Decimal(1))
    still = changed(0, 5, 0, 5)
    assert (still.label, still.percent) == ("no clear change", None)
    few = changed(1, 2, 0, 5)
    assert (few.label, few.percent) == (None, None)


# The summary of the weeks.


def test_no_weeks_no_summary():
    summary = trends.summarize([])
    assert summary == trends.Summary(None, None, None, None, None, None)


def test_one_week_is_this_week_without_a_last_week():
    only = week(MONDAY, Decimal(5), 4)
    summary = trends.summarize([only])
    assert (summary.this_week, summary.last_week) == (only, None)
    assert (summary.baseline, summary.latest) == (only, only)
    assert summary.against_last_week is None
    assert summary.against_baseline is None


def test_this_week_against_last_week():
    last, this = week(MONDAY, Decimal(6), 5), week(MONDAY + timedelta(weeks=1), Decimal(3), 2)
    summary = trends.summarize([last, this])
    assert (summary.this_week, summary.last_week) == (this, last)
    assert summary.against_last_week == trends.change(Decimal(3), 2, Decimal(6), 5)
    # The baseline is the first week with 3 ratings; the latest is this week.
    assert summary.baseline == last
    assert summary.latest == this
    assert summary.against_baseline == trends.change(Decimal(3), 2, Decimal(6), 5)


@pytest.mark.parametrize("unrated", ["this", "last"])
def test_no_comparison_with_a_week_without_ratings(unrated):
    rated, empty = week(MONDAY, Decimal(6), 5), week(MONDAY + timedelta(weeks=1))
    weeks = [rated, empty] if unrated == "this" else [empty, rated]
    assert trends.summarize(weeks).against_last_week is None


def test_the_baseline_is_the_first_week_with_3_ratings_the_latest_the_last_rated():
    weeks = [
        week(MONDAY, Decimal(9), 2),
        week(MONDAY + timedelta(weeks=1), Decimal(8), 3),
        week(MONDAY + timedelta(weeks=2), Decimal(7), 4),
        week(MONDAY + timedelta(weeks=3), Decimal(5), 1),
        week(MONDAY + timedelta(weeks=4)),
    ]
    summary = trends.summarize(weeks)
    assert summary.baseline == weeks[1]
    assert summary.latest == weeks[3]
    assert summary.against_baseline == trends.change(Decimal(5), 1, Decimal(8), 3)
    assert summary.this_week == weeks[4]
    assert summary.last_week == weeks[3]
    assert summary.against_last_week is None


def test_without_a_week_of_3_ratings_there_is_no_baseline():
    weeks = [week(MONDAY, Decimal(9), 2), week(MONDAY + timedelta(weeks=1), Decimal(8), 2)]
    summary = trends.summarize(weeks)
    assert summary.baseline is None
    assert summary.latest == weeks[1]
    assert summary.against_baseline is None
    assert summary.against_last_week == trends.change(Decimal(8), 2, Decimal(9), 2)


def test_a_baseline_and_latest_given_are_taken_over_the_weeks_shown():
    shown = [week(MONDAY, Decimal(4), 5), week(MONDAY + timedelta(weeks=1), Decimal(3), 5)]
    baseline = week(MONDAY - timedelta(weeks=20), Decimal(8), 6)
    latest = week(MONDAY + timedelta(weeks=1), Decimal(3), 5)
    summary = trends.summarize(shown, baseline, latest)
    assert (summary.baseline, summary.latest) == (baseline, latest)
    assert summary.against_baseline == trends.change(Decimal(3), 5, Decimal(8), 6)
    # Given only one, the other is found among the weeks shown.
    assert trends.summarize(shown, baseline).latest == shown[1]
    assert trends.summarize(shown, None, latest).baseline == shown[0]


def test_the_latest_week_is_not_compared_with_itself():
    only = week(MONDAY, Decimal(5), 4)
    assert trends.summarize([only], only, only).against_baseline is None
    # The same week found again (another object, equal week) is not compared either.
    assert trends.summarize([only], only, week(MONDAY, Decimal(5), 4)).against_baseline is None


# The change in words.


@pytest.mark.parametrize(
    ("current", "current_n", "reference", "reference_n", "size"),
    [
        ("4.9", 5, "7.0", 5, "2.1 points (30%)"),
        ("7.4", 5, "7.0", 5, "0.4 points (6%)"),
        ("4.9", 2, "7.0", 5, "2.1 points"),
        ("7.02", 5, "7.0", 5, "less than 0.1 points (0%)"),
        ("7.02", 5, "7.0", 1, "less than 0.1 points"),
        # From no pain: labelled, yet no percent to give.
        ("2", 5, "0", 5, "2.0 points"),
        ("0.03", 5, "0", 5, "less than 0.1 points"),
    ],
)
def test_the_size_of_a_change(current, current_n, reference, reference_n, size):
    assert trends.size_of(changed(current, current_n, reference, reference_n)) == size


def test_the_size_of_a_change_in_german():
    with translation.override("de"):
        assert trends.size_of(changed("4.9", 5, "7.0", 5)) == "2,1 Punkte (30\xa0%)"
        assert trends.size_of(changed("7.02", 5, "7.0", 5)) == "weniger als 0,1 Punkte (0\xa0%)"
        assert trends.size_of(changed("7.02", 5, "7.0", 1)) == "weniger als 0,1 Punkte"
        assert trends.size_of(changed("4.9", 2, "7.0", 5)) == "2,1 Punkte"


@pytest.mark.parametrize(
    ("current_n", "reference_n", "said"),
    [(1, 4, "1 rating against 4"), (2, 1, "2 ratings against 1"), (12, 4, "12 ratings against 4")],
)
def test_how_many_ratings_a_change_rests_on(current_n, reference_n, said):
    assert trends.ratings_of(changed(5, current_n, 4, reference_n)) == said


@pytest.mark.parametrize(
    ("current", "current_n", "reference_n", "said"),
    [
        ("2", 10, 10, "a substantial improvement"),
        ("2", 9, 12, "a substantial improvement (only 9 ratings: an early sign)"),
        ("5.6", 10, 11, "a moderately important improvement"),
        ("5.6", 12, 3, "a moderately important improvement (only 3 ratings: an early sign)"),
        ("8", 10, 10, "no clear change"),
        ("8", 4, 10, "no clear change (only 4 ratings: too few to be sure)"),
        ("11", 10, 10, "worse"),
        ("11", 10, 5, "worse (only 5 ratings: an early sign)"),
        ("11", 2, 10, "too few ratings yet to say (fewer than 3 in a week)"),
        ("11", 10, 2, "too few ratings yet to say (fewer than 3 in a week)"),
    ],
)
def test_a_verdict_says_how_sure_it_is(current, current_n, reference_n, said):
    assert trends.verdict(changed(current, current_n, "8", reference_n)) == said


def test_a_verdict_in_german():
    with translation.override("de"):
        assert trends.verdict(changed("2", 2, "8", 10)) == (
            "noch zu wenige Angaben für eine Aussage (weniger als 3 in einer Woche)"
        )
        assert trends.verdict(changed("11", 10, "8", 10)) == "schlechter"


@pytest.mark.parametrize(
    ("current", "said"),
    [
        ("5.6", "down 2.4 points (30%), 12 ratings against 10: a moderately important improvement"),
        ("9.6", "up 1.6 points (20%), 12 ratings against 10: no clear change"),
        ("8.0", "unchanged, 12 ratings against 10: no clear change"),
    ],
)
def test_a_change_in_one_clause(current, said):
    result = changed(current, 12, "8", 10)
    assert trends.change_text(result) == said
    assert change_text(result) == said


def test_a_change_in_one_clause_in_german():
    with translation.override("de"):
        assert trends.change_text(changed("5.6", 12, "8", 10)) == (
            "um 2,4 Punkte (30\xa0%) gesunken, 12 Angaben gegenüber 10: eine mäßig bedeutsame "
            "Verbesserung"
        )
        assert trends.change_text(changed("9.6", 12, "8", 10)) == (
            "um 1,6 Punkte (20\xa0%) gestiegen, 12 Angaben gegenüber 10: keine klare Veränderung"
        )
        assert trends.change_text(changed("8", 12, "8", 10)) == (
            "unverändert, 12 Angaben gegenüber 10: keine klare Veränderung"
        )


# The sentence at the top of the trends.


def summary_between(first: trends.Week, latest: trends.Week) -> trends.Summary:
    return trends.summarize([first, latest])


FIRST = week(date(2026, 1, 5), Decimal(8), 10)


@pytest.mark.parametrize(
    ("latest_pain", "whose", "said"),
    [
        (
            "5.6",
            "your",
            "Usual pain this week is down 2.4 points (30%) from your first week, 12 ratings "
            "against 10: a moderately important improvement.",
        ),
        (
            "9.6",
            "your",
            "Usual pain this week is up 1.6 points (20%) from your first week, 12 ratings against "
            "10: no clear change.",
        ),
        (
            "8",
            "your",
            "Usual pain this week is the same as in your first week, 12 ratings against 10: no "
            "clear change.",
        ),
        (
            "5.6",
            "their",
            "Usual pain this week is down 2.4 points (30%) from their first week, 12 ratings "
            "against 10: a moderately important improvement.",
        ),
        (
            "9.6",
            "their",
            "Usual pain this week is up 1.6 points (20%) from their first week, 12 ratings "
            "against 10: no clear change.",
        ),
        (
            "8",
            "their",
            "Usual pain this week is the same as in their first week, 12 ratings against 10: no "
            "clear change.",
        ),
    ],
)
def test_the_sentence_when_this_week_is_rated(latest_pain, whose, said):
    summary = summary_between(FIRST, week(MONDAY, Decimal(latest_pain), 12))
    assert trends.sentence(summary, MONDAY, whose) == said


@pytest.mark.parametrize(
    ("latest_pain", "whose", "said"),
    [
        ("5.6", "your", "is down 2.4 points (30%) from your first week"),
        ("9.6", "your", "is up 1.6 points (20%) from your first week"),
        ("8", "your", "is the same as in your first week"),
        ("5.6", "their", "is down 2.4 points (30%) from their first week"),
        ("9.6", "their", "is up 1.6 points (20%) from their first week"),
        ("8", "their", "is the same as in their first week"),
    ],
)
def test_the_sentence_names_the_latest_rated_week_when_it_is_not_this_week(
    latest_pain, whose, said
):
    summary = summary_between(FIRST, week(MONDAY - timedelta(weeks=1), Decimal(latest_pain), 12))
    assert trends.sentence(summary, MONDAY, whose) == (
        f"Usual pain in the week of 9 Nov {said}, 12 ratings against 10: "
        + trends.verdict(summary.against_baseline)
        + "."
    )


def test_the_sentence_is_the_persons_unless_asked_otherwise():
    summary = summary_between(FIRST, week(MONDAY, Decimal("5.6"), 12))
    assert "your first week" in trends.sentence(summary, MONDAY)


def test_the_sentence_names_a_week_of_another_year_with_its_year():
    summary = summary_between(
        week(date(2025, 11, 3), Decimal(8), 10), week(date(2025, 12, 29), Decimal(8), 10)
    )
    assert trends.sentence(summary, date(2026, 1, 5)).startswith(
        "Usual pain in the week of 29 Dec 2025 is the same"
    )
    assert trends.week_name(date(2025, 12, 29), date(2026, 1, 5)) == "29 Dec 2025"
    assert trends.week_name(date(2026, 12, 28), date(2026, 1, 5)) == "28 Dec"


def test_the_sentence_gives_the_size_and_the_verdict_with_few_ratings():
    summary = summary_between(FIRST, week(MONDAY, Decimal("5.6"), 2))
    assert trends.sentence(summary, MONDAY) == (
        "Usual pain this week is down 2.4 points from your first week, 2 ratings against 10: too "
        "few ratings yet to say (fewer than 3 in a week)."
    )


def test_the_sentence_without_a_first_week():
    summary = trends.summarize([week(MONDAY, Decimal(5), 2)])
    assert trends.sentence(summary, MONDAY) == (
        "Rate your pain in a session or the journal on a few days: once a week holds 3 ratings, "
        "later weeks are compared with it."
    )
    assert trends.sentence(summary, MONDAY, "their") == (
        "No week holds 3 pain ratings yet, so there is no first week to compare later weeks with."
    )


def test_the_sentence_in_the_first_week_with_enough_ratings():
    summary = trends.summarize([week(MONDAY, Decimal(5), 3)])
    assert trends.sentence(summary, MONDAY) == (
        "This is your first week with enough ratings: later weeks are compared with it."
    )
    assert trends.sentence(summary, MONDAY, "their") == (
        "This is their first week with enough ratings: later weeks are compared with it."
    )


def test_the_sentence_in_german():
    with translation.override("de"):
        none = trends.summarize([])
        assert trends.sentence(none, MONDAY).startswith("Geben Sie an einigen Tagen")
        assert "3 Angaben enthält" in trends.sentence(none, MONDAY)
        assert trends.sentence(none, MONDAY, "their").startswith(
            "Noch keine Woche enthält 3 Schmerzangaben"
        )
        first = trends.summarize([week(MONDAY, Decimal(5), 3)])
        assert trends.sentence(first, MONDAY).startswith("Dies ist Ihre erste Woche")
        assert trends.sentence(first, MONDAY, "their").startswith("Dies ist die erste Woche")
