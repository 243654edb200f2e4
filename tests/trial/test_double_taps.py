"""Two identical starts or ratings at once, each on its own connection: one row, no failure."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.trial.models import TrialPlan, TrialRating
from tests.factories import TrialPlanFactory, UserFactory
from tests.test_double_taps import signed_in, twice_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_doubled_start_begins_one_plan_and_answers_both():
    person = UserFactory()
    post = {
        "submission_key": str(uuid.uuid4()),
        "pairs": "2",
        "block_days": "14",
        "sessions_per_week": "4",
        "rating_time": "20:00",
    }
    responses = twice_at_once(lambda c: c.post(reverse("trial:plan"), post), signed_in(person))
    assert [r.status_code for r in responses] == [302, 302]
    assert TrialPlan.objects.filter(person=person).count() == 1


def test_two_different_starts_at_once_begin_one_plan():
    person = UserFactory()

    def start(client):
        post = {
            "submission_key": str(uuid.uuid4()),
            "pairs": "3",
            "block_days": "7",
            "sessions_per_week": "5",
            "rating_time": "21:00",
        }
        return client.post(reverse("trial:plan"), post, HTTP_HX_REQUEST="true")

    responses = twice_at_once(start, signed_in(person))
    assert sorted(r.status_code for r in responses) == [200, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "You already have a trial plan running" in refused.text
    assert TrialPlan.objects.filter(person=person).count() == 1


def test_a_doubled_rating_saves_one_and_answers_both():
    person = UserFactory()
    TrialPlanFactory(person=person, starts_on=timezone.localdate(timezone.now(), person.zone))
    post = {
        "submission_key": str(uuid.uuid4()),
        "day": timezone.localdate(timezone.now(), person.zone).isoformat(),
        "usual_pain": "5",
    }
    responses = twice_at_once(
        lambda c: c.post(reverse("trial:rate"), post, HTTP_HX_REQUEST="true"), signed_in(person)
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert all("Saved: 5" in r.text for r in responses)
    assert TrialRating.objects.count() == 1
