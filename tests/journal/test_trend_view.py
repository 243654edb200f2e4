from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal import trends
from journal.trends import TABLE_WEEKS, Week
from tests.factories import JournalEntryFactory, ReleaseSessionFactory, every, local_now

pytestmark = pytest.mark.django_db
URL = reverse("trends")


def figures(html: str, client: Client) -> dict:
    """The figures charts.js would fetch for this page, after checking the page has a picture
    for each of them and for no other."""
    (address,) = re.findall(r'data-figures="([^"]*)"', html)
    response = client.get(unescape(address))
    assert response["Content-Type"] == "application/json"
    found = response.json()
    shown = re.findall(r'id="chart-(\w+)" data-chart="\1"[^>]*><svg class="chart-svg"', html)
    assert sorted(shown) == sorted(found)
    return found


def weeks_of_data(person, weeks: int) -> None:
    start = local_now(person) - timedelta(weeks=weeks - 1)
    JournalEntryFactory.create_batch(
        weeks, person=person, recorded_at=every(start, timedelta(weeks=1), weeks)
    )


def test_it_shows_the_sentence_charts_and_table(person, person_client):
    weeks_of_data(person, 3)
    ReleaseSessionFactory(person=person, finished=True)
    page = person_client.get(URL).text
    assert "<html" in page
    assert 'class="summary-sentence"' in page
    assert "vendor/plotly/plotly-basic.min.js" in page
    assert set(figures(page, person_client)) == {"pain", "sessions", "arch"}
    assert page.count("<tr") == 1 + 3


@time_machine.travel(datetime(2026, 1, 14, 12, tzinfo=UTC))
def test_each_row_is_headed_by_its_monday(person, person_client):
    weeks_of_data(person, 3)
    page = person_client.get(URL).text
    headings = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert headings == ["29 Dec 2025", "5 Jan 2026", "12 Jan 2026"]


def test_each_row_gives_every_mean_with_its_count_in_the_columns_order():
    """Sessions, usual pain, pain before and after, relief, arch before and after, journal pain,
    PEG; a mean from fewer than 3 ratings marked uncertain; a week with nothing says so."""
    nothing = dict.fromkeys(Week._fields)
    counts = {name: 0 for name in nothing if name.endswith("_n")}
    rated = Week(
        **{
            **nothing,
            "week": date(2026, 1, 5),
            "sessions_completed": 4,
            "usual_pain": Decimal("6.25"),
            "usual_pain_n": 12,
            "pain_before": Decimal("6.5"),
            "pain_before_n": 4,
            "pain_after": Decimal("4"),
            "pain_after_n": 4,
            "relief": Decimal("2.5"),
            "relief_n": 4,
            "arch_before": Decimal("3"),
            "arch_before_n": 2,
            "arch_after": Decimal("1.75"),
            "arch_after_n": 4,
            "journal_pain": None,
            "journal_pain_n": 0,
            "peg": Decimal("5.333"),
        }
    )
    empty = Week(**{**nothing, **counts, "week": date(2026, 1, 12), "sessions_completed": 0})
    table = render_to_string("journal/trends.html#trend-rows", trends.table([rated, empty], None))
    rows = [line.strip() for line in table.split("\n") if line.strip()]
    cells = re.findall(r"<td>(.*?)</td>", rows[0])
    assert cells == [
        "4",
        "6.3 <small>(12)</small>",
        "6.5 <small>(4)</small>",
        "4.0 <small>(4)</small>",
        "2.5 <small>(4)</small>",
        '3.0 <small>(2)</small> <abbr class="uncertain" title="Uncertain: fewer than 3 '
        'ratings">?</abbr>',
        "1.8 <small>(4)</small>",
        "–",
        "5.3",
    ]
    assert rows[1] == (
        '<tr class="empty-week"><th scope="row">12 Jan 2026</th>'
        '<td colspan="9">Nothing recorded</td></tr>'
    )


def test_a_long_table_shows_its_last_weeks_and_the_rest_on_request(
    person, person_client, htmx_headers
):
    weeks_of_data(person, TABLE_WEEKS + 8)
    page = person_client.get(URL, {"range": "all"}).text
    assert page.count('<th scope="row">') == TABLE_WEEKS
    assert "Show the 8 earlier weeks too" in page
    whole = person_client.get(URL, {"range": "all", "table": "whole"}).text
    assert whole.count('<th scope="row">') == TABLE_WEEKS + 8
    assert "earlier weeks" not in whole
    partial = person_client.get(URL, {"range": "all", "table": "whole"}, **htmx_headers).text
    assert partial.lstrip().startswith('<div id="trend-table">')
    assert partial.count('<th scope="row">') == TABLE_WEEKS + 8
    assert "<html" not in partial


def test_the_first_table_is_as_long_as_the_default_range():
    assert trends.RANGES[trends.DEFAULT_RANGE] == TABLE_WEEKS


def test_a_short_table_shows_every_week(person, person_client):
    weeks_of_data(person, TABLE_WEEKS)
    page = person_client.get(URL, {"range": "all"}).text
    assert page.count('<th scope="row">') == TABLE_WEEKS
    assert "earlier week" not in page


def test_it_draws_no_empty_chart_and_says_why(person, person_client):
    weeks_of_data(person, 3)
    page = person_client.get(URL).text
    assert set(figures(page, person_client)) == {"pain"}
    assert "No sessions in these weeks, so no sessions chart." in page
    assert "No arch ratings in these weeks, so no arch chart." in page


def test_the_range_switch_is_part_of_the_swap(person, person_client, htmx_headers):
    weeks_of_data(person, 20)
    partial = person_client.get(URL, {"range": "4w"}, **htmx_headers).text
    assert '<a href="?range=4w" id="range-4w"' in partial
    selected = re.findall(r'id="range-(\w+)"[^>]*aria-current="true"', partial.replace("\n", " "))
    assert selected == ["4w"]


def test_it_swaps_the_range_as_an_htmx_partial(person, person_client, htmx_headers):
    weeks_of_data(person, 20)
    partial = person_client.get(URL, {"range": "4w"}, **htmx_headers).text
    assert partial.lstrip().startswith('<section id="trend-body"')
    assert "<html" not in partial
    assert partial.count("<tr") == 1 + 4
    assert len(figures(partial, person_client)["pain"]["data"][0]["x"]) == 4
    full = person_client.get(URL, {"range": "4w"}).text
    assert "<html" in full
    assert full.count("<tr") == 1 + 4
    everything = person_client.get(URL, {"range": "all"}).text
    assert everything.count("<tr") == 1 + TABLE_WEEKS
    assert f"Show the {20 - TABLE_WEEKS} earlier weeks too" in everything
    assert len(figures(everything, person_client)["pain"]["data"][0]["x"]) == 20
    assert person_client.get(URL).text.count("<tr") == 1 + 12


def test_it_falls_back_to_twelve_weeks_for_an_unknown_range(person, person_client):
    weeks_of_data(person, 20)
    assert person_client.get(URL, {"range": "forever"}).text.count("<tr") == 1 + 12


def test_it_compares_against_the_first_week_even_in_a_short_range(person, person_client):
    start = local_now(person) - timedelta(weeks=10)
    JournalEntryFactory.create_batch(3, person=person, pain=8, recorded_at=start)
    JournalEntryFactory.create_batch(3, person=person, pain=4, recorded_at=timezone.now())
    page = person_client.get(URL, {"range": "4w"}).text
    assert (
        "down 4.0 points (50%) from your first week, 3 ratings against 3: a substantial "
        "improvement (only 3 ratings: an early sign)."
    ) in page


@time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC))
def test_it_says_how_many_ratings_a_change_rests_on_and_how_sure_its_label_is(
    person, person_client
):
    last_week = timezone.now() - timedelta(weeks=1)
    JournalEntryFactory.create_batch(12, person=person, pain=3, recorded_at=last_week)
    JournalEntryFactory.create_batch(4, person=person, pain=5, recorded_at=timezone.now())
    page = person_client.get(URL).text
    assert (
        "This week against last week: usual pain 3.0 → 5.0, up 2.0 points (67%), 4 ratings "
        "against 12: worse (only 4 ratings: an early sign)."
    ) in page
    assert (
        "Usual pain this week is up 2.0 points (67%) from your first week, 4 ratings against 12: "
        "worse (only 4 ratings: an early sign)."
    ) in page


def test_it_marks_uncertain_means(person, person_client):
    JournalEntryFactory(person=person, pain=3)
    assert 'class="uncertain"' in person_client.get(URL).text


def test_it_never_shows_another_persons_data(person, person_client, other_person):
    JournalEntryFactory(person=other_person, pain=9)
    page = person_client.get(URL).text
    assert "Rate your pain in a session or the journal" in page
    assert "data-chart" not in page
    assert person_client.get(reverse("trends-figures"), {"range": "all"}).json() == {}


def test_it_uses_the_same_queries_for_one_week_or_three_years(
    person, person_client, other_person, django_assert_num_queries
):
    JournalEntryFactory(person=person)
    client = Client()
    client.force_login(other_person)
    start = timezone.now() - timedelta(days=3 * 365)
    JournalEntryFactory.create_batch(
        3 * 365,
        person=other_person,
        recorded_at=every(start, timedelta(days=1), 3 * 365),
    )
    ReleaseSessionFactory.create_batch(
        3 * 365,
        person=other_person,
        finished=True,
        started_at=every(start, timedelta(days=1), 3 * 365),
    )
    # The session with its person, and the weekly query.
    with django_assert_num_queries(2) as small:
        person_client.get(URL, {"range": "all"})
    with django_assert_num_queries(2) as large:
        client.get(URL, {"range": "all"})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_it_sends_anonymous_visitors_to_log_in(db):
    assert Client().get(URL).url.startswith(reverse("login"))


def test_it_reads_only_the_weeks_shown_with_a_bounded_number_of_queries(
    person, other_person, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=3 * 365)
    JournalEntryFactory.create_batch(
        3 * 365, person=person, pain=8, recorded_at=every(start, timedelta(days=1), 3 * 365)
    )
    JournalEntryFactory.create_batch(3, person=person, pain=2)
    client = Client()
    client.force_login(person)
    with django_assert_max_num_queries(6):
        page = client.get(URL, {"range": "12w"}, HTTP_HX_REQUEST="true")
    assert page.text.count('<th scope="row"') == 12
    # The headline still compares with the very first week, three years back.
    assert "from your first week" in page.text


def test_the_figures_follow_the_range_and_are_the_persons_own(person, person_client):
    weeks_of_data(person, 20)
    page = person_client.get(URL, {"range": "all"}).text
    assert len(figures(page, person_client)["pain"]["data"][0]["x"]) == 20
    address = reverse("trends-figures")
    unknown = person_client.get(address, {"range": "forever"}).json()
    assert len(unknown["pain"]["data"][0]["x"]) == 12
    assert Client().get(address).status_code == 302
    assert person_client.post(address).status_code == 405
