"""The result page: per block, per pair, the verdict and its figures, adherence and the method,
computed from the rows in a fixed number of queries whatever the plan's length."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.trial import analysis, design
from tests.factories import ReleaseSessionFactory, TrialPlanFactory, TrialRatingFactory

pytestmark = pytest.mark.django_db
URL = reverse("trial:result")


def finished_plan(person, pairs: int, lower_with_ball: int = 3, sessions: bool = True):
    """A plan whose days are all over, every day rated: pain `lower_with_ball` points lower in
    the release blocks (a point less in odd pairs), a wobble of a point from day to day, a
    session on every release day."""
    days = 2 * pairs * 14
    plan = TrialPlanFactory(
        person=person,
        pairs=pairs,
        orders=["AB", "BA"] * (pairs // 2) + ["AB"] * (pairs % 2),
        starts_on=timezone.localdate() - timedelta(days=days + 1),
    )
    blocks = design.schedule(design.Design(pairs, 14), plan.starts_on, list(plan.orders))
    for block in blocks:
        for n in range(block.days):
            day = block.first_day + timedelta(days=n)
            pain = 6 - (lower_with_ball - block.pair % 2 if block.arm == "B" else 0) + n % 2
            TrialRatingFactory(plan=plan, day=day, usual_pain=pain)
            if sessions and block.arm == "B":
                ReleaseSessionFactory(
                    person=person,
                    finished=True,
                    started_at=timezone.make_aware(
                        timezone.datetime.combine(day, timezone.datetime.min.time())
                    )
                    + timedelta(hours=9),
                )
    return plan


def test_it_shows_every_part_of_the_result(person, person_client):
    finished_plan(person, pairs=3)
    response = person_client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert "Helped: pain about" in text
    assert "95% interval" in text
    assert "Randomisation test" in text and "the smallest this plan can give is" in text
    assert "Chance of a drop that matters" in text and "a t model" in text
    assert "Sensitivity check (not the verdict)" in text and "it is a check only" in text
    assert "Adherence" in text and "The release on 42 days of 42 in release blocks" in text
    assert f"version {analysis.METHOD_VERSION}" in text
    # Orders AB, BA, AB: block 1 without the ball, block 6 with it.
    assert '<th scope="row">1, no ball</th>' in text and '<th scope="row">6, ball</th>' in text
    assert "Pair 2: -3.0 points" in text and "Pair 3: -2.0 points" in text
    assert "The first 7 days of each block are left out" in text


def test_the_htmx_answer_is_the_result_alone(person, person_client, htmx_headers):
    finished_plan(person, pairs=2)
    response = person_client.get(URL, **htmx_headers)
    assert 'class="trial-result"' in response.text and "<h1>" not in response.text


def test_without_a_plan_it_says_so(person_client):
    response = person_client.get(URL)
    assert response.status_code == 200
    assert "No trial plan yet" in response.text


def test_a_running_plan_shows_the_result_so_far(person, person_client):
    TrialPlanFactory(person=person)
    response = person_client.get(URL)
    assert "Still running: the result so far." in response.text
    assert "Not enough to tell yet" in response.text


def test_a_session_in_a_no_ball_block_counts_as_a_deviation(person, person_client):
    plan = finished_plan(person, pairs=2, sessions=False)
    first_a = next(b for b in design.schedule(design.Design(2, 14), plan.starts_on, ["AB", "BA"]))
    ReleaseSessionFactory(
        person=person,
        finished=True,
        started_at=timezone.make_aware(
            timezone.datetime.combine(first_a.first_day, timezone.datetime.min.time())
        )
        + timedelta(hours=12),
    )
    response = person_client.get(URL)
    assert "a session on 1 day of 28 in blocks without" in response.text


@pytest.mark.parametrize("pairs", [2, 6])
def test_it_takes_the_same_queries_whatever_the_plans_length(
    person, person_client, django_assert_max_num_queries, pairs
):
    finished_plan(person, pairs=pairs)
    person_client.get(URL)
    with django_assert_max_num_queries(6):
        response = person_client.get(URL)
    assert f"Pair {pairs}: " in response.text


def test_it_shows_only_the_persons_own_plan(person_client, other_person):
    finished_plan(other_person, pairs=2)
    response = person_client.get(URL)
    assert "No trial plan yet" in response.text
