"""While a plan runs: the session start page says when today is a no-ball block (and lets the
person go on), and Home shows the evening rating first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import ReleaseSession
from tests.factories import ReleaseSessionFactory, TrialPlanFactory, TrialRatingFactory

pytestmark = pytest.mark.django_db
NOTICE = "Today is in a no-ball block of your trial"


def test_the_start_page_says_when_today_is_a_no_ball_block(person, person_client):
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    ReleaseSessionFactory(person=person, finished=True)
    response = person_client.get(reverse("sessions:new"))
    assert NOTICE in response.text
    assert "You can still go on." in response.text
    assert "I'm ready, start" in response.text


def test_the_first_session_page_says_it_too(person, person_client):
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    assert NOTICE in person_client.get(reverse("sessions:new")).text


def test_a_ball_block_says_nothing(person, person_client):
    TrialPlanFactory(person=person, orders=["BA", "AB"])
    assert NOTICE not in person_client.get(reverse("sessions:new")).text


def test_no_plan_says_nothing(person_client):
    assert NOTICE not in person_client.get(reverse("sessions:new")).text


def test_a_stopped_plan_says_nothing(person, person_client):
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    person_client.post(reverse("trial:stop"))
    assert NOTICE not in person_client.get(reverse("sessions:new")).text


def test_going_on_in_a_no_ball_block_is_allowed(person, person_client):
    TrialPlanFactory(person=person, orders=["AB", "AB"])
    response = person_client.post(reverse("sessions:new"))
    assert response.status_code == 302
    assert ReleaseSession.objects.filter(person=person).count() == 1


def test_home_shows_the_evening_rating_first_while_a_plan_runs(person, person_client):
    TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=1))
    text = person_client.get(reverse("home")).text
    assert text.index("Your trial: the evening rating") < text.index("Release session")
    assert "Your usual pain today: over the day as a whole" in text
    assert "Is it the ball? Plan a trial" not in text


def test_home_shows_todays_rating_once_given(person, person_client):
    plan = TrialPlanFactory(person=person)
    TrialRatingFactory(plan=plan, day=timezone.localdate(), usual_pain=3)
    text = person_client.get(reverse("home")).text
    assert "Today&#x27;s rating: 3." in text or "Today's rating: 3." in text
    assert "Your usual pain today: over the day as a whole" not in text


def test_home_without_a_plan_offers_one(person_client):
    text = person_client.get(reverse("home")).text
    assert "Your trial: the evening rating" not in text
    assert "Is it the ball? Plan a trial" in text
