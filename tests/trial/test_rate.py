"""The evening rating: one a day within the plan, the same question every day."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.trial.models import TrialRating
from tests.factories import ReleaseSessionFactory, TrialPlanFactory, TrialRatingFactory

pytestmark = pytest.mark.django_db
URL = reverse("trial:rate")
QUESTION = "Your usual pain today: over the day as a whole, how bad was it?"


def rating_post(day=None, **changes) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "day": (day or timezone.localdate()).isoformat(),
        "usual_pain": "4",
        "unusual": "",
        **changes,
    }


@pytest.fixture
def plan(person):
    return TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=3))


def test_it_asks_the_same_question_every_day(plan, person_client):
    response = person_client.get(URL)
    assert response.status_code == 200
    assert QUESTION in response.text
    assert "Anything unusual today?" in response.text
    # Today, or yesterday the morning after.
    assert "Today, " in response.text and "Yesterday, " in response.text


def test_the_htmx_answer_is_the_form_alone(plan, person_client, htmx_headers):
    response = person_client.get(URL, **htmx_headers)
    assert 'id="rating-form"' in response.text
    assert "<h1>" not in response.text and "Your ratings in this plan" not in response.text


def test_it_saves_a_rating_for_today(plan, person_client, htmx_headers):
    response = person_client.post(URL, rating_post(unusual="long drive"), **htmx_headers)
    assert response.status_code == 200
    assert "Saved: 4 for" in response.text
    rating = TrialRating.objects.get(plan=plan)
    assert (rating.day, rating.usual_pain, rating.unusual) == (
        timezone.localdate(),
        4,
        "long drive",
    )
    assert not rating.after_session


def test_a_plain_post_saves_and_goes_to_the_list(plan, person_client):
    response = person_client.post(URL, rating_post())
    assert response.status_code == 302 and response.url == URL
    assert "Your ratings in this plan" in person_client.get(URL).text


def test_a_rating_soon_after_a_session_is_marked(person, plan, person_client):
    ReleaseSessionFactory(
        person=person, finished=True, started_at=timezone.now() - timedelta(hours=1)
    )
    person_client.post(URL, rating_post())
    assert TrialRating.objects.get(plan=plan).after_session


def test_a_rating_long_after_a_session_is_not_marked(person, plan, person_client):
    ReleaseSessionFactory(
        person=person, finished=True, started_at=timezone.now() - timedelta(hours=5)
    )
    person_client.post(URL, rating_post())
    assert not TrialRating.objects.get(plan=plan).after_session


def test_a_late_rating_for_yesterday_is_taken(plan, person_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    person_client.post(URL, rating_post(day=yesterday))
    assert TrialRating.objects.get(plan=plan).day == yesterday


@pytest.mark.parametrize("days_ago", [2, 4, -1])
def test_a_day_outside_what_can_be_rated_is_refused(plan, person_client, days_ago):
    day = timezone.localdate() - timedelta(days=days_ago)
    response = person_client.post(URL, rating_post(day=day))
    assert response.status_code == 422
    assert "Only today, or yesterday the morning after, can be rated" in response.text
    assert not TrialRating.objects.exists()


def test_a_day_before_the_plan_is_refused(person, person_client):
    TrialPlanFactory(person=person)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = person_client.post(URL, rating_post(day=yesterday))
    assert response.status_code == 422
    assert not TrialRating.objects.exists()


def test_a_second_rating_for_a_day_is_refused_and_the_first_kept(plan, person_client):
    TrialRatingFactory(plan=plan, day=timezone.localdate(), usual_pain=6)
    response = person_client.post(URL, rating_post(usual_pain="2"), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "That day already has a rating" in response.text
    assert list(TrialRating.objects.values_list("usual_pain", flat=True)) == [6]


def test_a_double_tap_saves_one_rating(plan, person_client, htmx_headers):
    sent = rating_post()
    first = person_client.post(URL, sent, **htmx_headers)
    second = person_client.post(URL, sent, **htmx_headers)
    assert first.status_code == second.status_code == 200
    assert "Saved: 4" in second.text
    assert TrialRating.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("usual_pain", "11", "Your usual pain today must be a whole number from 0 to 10."),
        ("usual_pain", "", "Choose your usual pain today"),
        ("unusual", "x" * 201, "Keep it under 200 characters."),
        ("unusual", "two\nlines", "on one line"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(plan, person_client, field, value, said):
    response = person_client.post(URL, rating_post(**{field: value}))
    assert response.status_code == 422
    assert said in response.text
    assert not TrialRating.objects.exists()


def test_without_a_plan_it_says_so_and_saves_nothing(person_client):
    page = person_client.get(URL)
    assert "No trial plan is running." in page.text
    response = person_client.post(URL, rating_post())
    assert response.status_code == 422
    assert not TrialRating.objects.exists()


def test_a_stopped_plan_takes_no_more_ratings(person, plan, person_client):
    person_client.post(reverse("trial:stop"))
    response = person_client.post(URL, rating_post())
    assert response.status_code == 422
    assert not TrialRating.objects.exists()


def test_it_never_rates_into_another_persons_plan(plan, other_person):
    client = Client()
    client.force_login(other_person)
    response = client.post(URL, rating_post())
    assert response.status_code == 422
    assert not TrialRating.objects.exists()
