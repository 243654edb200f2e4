"""The plan page: the form and its promise before a plan starts, the calendar while it runs."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from journal.trial.models import Status, TrialPlan
from tests.factories import JournalEntryFactory, TrialPlanFactory

pytestmark = pytest.mark.django_db
URL = reverse("trial:plan")


def start_post(**changes) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "pairs": "3",
        "block_days": "14",
        "sessions_per_week": "4",
        "rating_time": "20:00",
        **changes,
    }


def test_it_shows_the_form_and_what_the_plan_can_show(person_client):
    response = person_client.get(URL)
    assert response.status_code == 200
    assert "<h1>" in response.text
    assert "What this plan can show" in response.text
    assert "If the release lowers your pain by 2 points" in response.text
    # No history yet: the typical spread, said so.
    assert "assumes a typical spread" in response.text
    assert "Start the plan today" in response.text


def test_it_proposes_the_shortest_plan_with_a_link_that_fills_the_form(person_client):
    response = person_client.get(URL)
    assert "Of plans with 14-day blocks, the shortest that says" in response.text
    assert f"{URL}?pairs=" in response.text
    filled = person_client.get(f"{URL}?pairs=5&block_days=7").text
    assert re.search(r'name="pairs" value="5"[^>]*checked', filled)
    assert re.search(r'name="block_days" value="7"[^>]*checked', filled)
    assert not re.search(r'name="pairs" value="3"[^>]*checked', filled)


def test_the_proposal_keeps_the_block_length_chosen(person_client):
    """14-day blocks by default: a week's washout for relief that takes a week to come and go;
    7-day blocks are proposed only to a person who chose them."""
    default = person_client.get(URL).text
    assert "&amp;block_days=14" in default and "&amp;block_days=7" not in default
    weekly = person_client.get(URL, {"pairs": "4", "block_days": "7"}).text
    assert "&amp;block_days=7" in weekly


def test_the_htmx_answer_is_the_promise_for_the_chosen_design(person_client, htmx_headers):
    short = person_client.get(URL, {"pairs": "2", "block_days": "7"}, **htmx_headers)
    long = person_client.get(URL, {"pairs": "6", "block_days": "14"}, **htmx_headers)
    assert short.status_code == long.status_code == 200
    assert 'id="promise"' in short.text
    assert "<h1>" not in short.text and "plan-form" not in short.text
    assert short.text != long.text


def test_the_promise_reads_the_persons_own_spread(person, person_client):
    now = timezone.now()
    for day in range(60):
        JournalEntryFactory(
            person=person, recorded_at=now - timedelta(days=day), pain=3 + (day * 7) % 5
        )
    response = person_client.get(URL)
    assert "how much your pain has varied from week to week" in response.text


def test_it_starts_a_plan_with_orders_drawn_and_stored(person, person_client):
    response = person_client.post(URL, start_post(pairs="4", baseline_week="on"))
    assert response.status_code == 302
    plan = TrialPlan.objects.get(person=person)
    assert plan.status == Status.RUNNING
    assert plan.pairs == 4 and plan.block_days == 14 and plan.baseline_week
    assert len(plan.orders) == 4 and set(plan.orders) <= {"AB", "BA"}
    assert plan.starts_on == timezone.localdate(timezone.now(), person.zone)
    page = person_client.get(URL)
    assert "Baseline week" in page.text
    assert "Block 8" in page.text and "Block 9" not in page.text
    assert "the first 7 days a washout" in page.text


def test_the_start_day_is_the_persons_local_day(person, person_client):
    person.time_zone = "Pacific/Auckland"
    person.save()
    with time_machine.travel(datetime(2026, 6, 1, 22, 30, tzinfo=UTC), tick=False):
        person_client.post(URL, start_post())
    assert TrialPlan.objects.get(person=person).starts_on == date(2026, 6, 2)


def test_an_htmx_start_answers_with_the_plan_and_its_calendar(person, person_client, htmx_headers):
    response = person_client.post(URL, start_post(pairs="2", block_days="7"), **htmx_headers)
    assert response.status_code == 200
    assert 'id="plan-body"' in response.text and "<h1>" not in response.text
    assert "Block 4" in response.text and "Stop the plan early" in response.text
    assert "the first 2 days a washout" in response.text


def test_a_second_plan_over_a_running_one_is_refused(person, person_client):
    running = TrialPlanFactory(person=person)
    response = person_client.post(URL, start_post(), HTTP_HX_REQUEST="true")
    # The running plan's page shows no form at all; a post anyway is refused and says why.
    assert response.status_code == 422
    assert "You already have a trial plan running" in response.text
    assert list(TrialPlan.objects.filter(person=person)) == [running]


def test_a_doubled_start_begins_one_plan(person, person_client):
    sent = start_post()
    first = person_client.post(URL, sent)
    second = person_client.post(URL, sent)
    assert first.status_code == second.status_code == 302
    assert TrialPlan.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("pairs", "7", "Choose how many pairs of blocks: 2 to 6."),
        ("pairs", "1", "Choose how many pairs of blocks: 2 to 6."),
        ("block_days", "10", "Choose blocks of 7 or 14 days."),
        ("sessions_per_week", "0", "Choose how many days a week with the ball: 1 to 7."),
        ("rating_time", "25:00", "Choose a time for the evening rating"),
        ("submission_key", "", "This form is out of date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(person, person_client, field, value, said):
    response = person_client.post(URL, start_post(**{field: value}))
    assert response.status_code == 422
    assert said in response.text
    assert "Not saved" in response.text
    assert not TrialPlan.objects.exists()


def test_a_plan_whose_days_are_over_is_finished_kept_and_shown(person, person_client):
    plan = TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=60))
    response = person_client.get(URL)
    plan.refresh_from_db()
    assert plan.status == Status.FINISHED
    assert "Your last plan ran from" in response.text
    assert "See its result" in response.text
    assert "Start the plan today" in response.text


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_running_plan_says_todays_block_and_its_last_day(person, person_client):
    TrialPlanFactory(person=person, orders=["AB", "BA"])
    last = timezone.localdate() + timedelta(days=13)
    text = person_client.get(URL).text
    assert "<strong>Block 1: no ball these two weeks</strong>" in text
    assert f", until {date_format(last, 'l j F')}." in text
    assert "These first days are a washout: they are rated, not counted." in text
    assert "Start the plan today" not in text


def rate_weeks(person, sums: list[int]) -> None:
    """Seven journal ratings a week in the full weeks before this one, the last week's sum last:
    how a person's weekly means change is what the promise reads their spread from."""
    today = timezone.localdate(timezone.now(), person.zone)
    first = today - timedelta(days=today.weekday(), weeks=len(sums))
    for week, total in enumerate(sums):
        low, high = divmod(total, 7)
        for day in range(7):
            noon = datetime.combine(first + timedelta(weeks=week, days=day), time(12))
            JournalEntryFactory(
                person=person,
                recorded_at=timezone.make_aware(noon, person.zone),
                pain=low + (day < high),
            )


def test_the_plans_figure_and_the_shortest_plan_agree(person, person_client):
    """Weekly means that move by 4/7 and 5/7 of a point: a spread of 1.21, at which 3 pairs of
    14 days say "helped" 0.77 of the time. Rounded, that read "about 8 times in 10" beside a
    shortest plan of 4 pairs; and 4 pairs of 7 days, 56 days, reach 8 in 10 before 112 days of
    14-day blocks do, so the shortest is the shortest of the blocks chosen and says so."""
    rate_weeks(person, [28, 32, 27, 32, 28, 32, 27, 32, 28])

    default = person_client.get(URL).text
    assert "a plan like this says “helped” about 7 times in 10" in default
    assert (
        "Of plans with 14-day blocks, the shortest that says “helped” 8 times in 10 when the ball "
        "lowers pain by 2 points: 4 pairs, 112 days."
    ) in default
    weekly = person_client.get(URL, {"pairs": "4", "block_days": "7"}).text
    assert "a plan like this says “helped” about 9 times in 10" in weekly
    assert "Of plans with 7-day blocks, the shortest" in weekly
    assert "4 pairs, 56 days." in weekly


def test_no_plan_of_the_blocks_chosen_is_long_enough_and_it_says_which(person, person_client):
    """Weekly means 9/7 of a point apart, a spread of 2.4: 6 pairs of 7-day blocks say "helped"
    0.73 of the time, 6 pairs of 14-day blocks 0.86, so "even the longest plan" falls short only
    of the 7-day blocks chosen."""
    rate_weeks(person, [28, 37] * 4)

    weekly = person_client.get(URL, {"block_days": "7"}).text
    assert "Even the longest plan of 7-day blocks would not say “helped” 8 times in 10" in weekly
    assert "the shortest that says" not in weekly
    fortnightly = person_client.get(URL, {"block_days": "14"}).text
    assert "Of plans with 14-day blocks, the shortest" in fortnightly
    assert "6 pairs, 168 days." in fortnightly
