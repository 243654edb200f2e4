"""A rating corrected or deleted afterwards: the result is read from the rows, so it follows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backrelease.accounts.models import DeletedRow
from journal.trial import plans
from journal.trial.models import TrialRating
from tests.factories import TrialPlanFactory, TrialRatingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(person):
    plan = TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=10))
    return TrialRatingFactory(plan=plan, day=plan.starts_on + timedelta(days=8), usual_pain=6)


def block_mean(plan, number: int):
    return plans.outcome(plan).result.blocks[number - 1].mean


def test_it_shows_the_rating_to_correct(rating, person_client):
    response = person_client.get(reverse("trial:rating", args=[rating.pk]))
    assert response.status_code == 200
    assert "Your usual pain that day" in response.text
    assert re.search(r'name="usual_pain" value="6"[^>]*checked', response.text)


def test_the_htmx_answer_is_the_form_alone(rating, person_client, htmx_headers):
    response = person_client.get(reverse("trial:rating", args=[rating.pk]), **htmx_headers)
    assert 'id="correction-form"' in response.text and "<h1>" not in response.text


def test_a_correction_changes_the_result_at_once(rating, person_client):
    assert block_mean(rating.plan, 1) == 6
    response = person_client.post(
        reverse("trial:rating", args=[rating.pk]),
        {"usual_pain": "2", "unusual": "misread"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Changed to 2" in response.text
    rating.refresh_from_db()
    assert (rating.usual_pain, rating.unusual) == (2, "misread")
    assert rating.corrected_at is not None
    assert block_mean(rating.plan, 1) == 2


def test_a_bad_correction_is_refused_and_nothing_changes(rating, person_client):
    response = person_client.post(
        reverse("trial:rating", args=[rating.pk]), {"usual_pain": "12", "unusual": ""}
    )
    assert response.status_code == 422
    assert "Not saved" in response.text
    rating.refresh_from_db()
    assert (rating.usual_pain, rating.corrected_at) == (6, None)


def test_deleting_offers_undo_and_undo_brings_it_back(rating, person_client):
    plan = rating.plan
    response = person_client.post(
        reverse("trial:rating-delete", args=[rating.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Deleted the trial rating of" in response.text and "Undo" in response.text
    assert not TrialRating.objects.exists()
    assert block_mean(plan, 1) is None
    kept = DeletedRow.objects.get()
    person_client.post(reverse("undo", args=[kept.pk]))
    restored = TrialRating.objects.get()
    assert (restored.pk, restored.usual_pain, restored.day) == (rating.pk, 6, rating.day)
    assert block_mean(plan, 1) == 6


def test_a_plain_delete_goes_back_to_the_ratings(rating, person_client):
    response = person_client.post(reverse("trial:rating-delete", args=[rating.pk]), follow=True)
    assert "Deleted the trial rating of" in response.text
    assert response.redirect_chain[-1][0] == reverse("trial:rate")


def test_undo_after_a_new_rating_for_that_day_says_it_cannot(rating, person_client):
    person_client.post(reverse("trial:rating-delete", args=[rating.pk]))
    TrialRatingFactory(plan=rating.plan, day=rating.day, usual_pain=3)
    response = person_client.post(reverse("undo", args=[DeletedRow.objects.get().pk]), follow=True)
    assert "That cannot come back" in response.text
    assert list(TrialRating.objects.values_list("usual_pain", flat=True)) == [3]


@pytest.mark.parametrize("name", ["trial:rating", "trial:rating-delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_rating_is_a_404(person_client, other_person, name, method):
    theirs = TrialRatingFactory(plan=TrialPlanFactory(person=other_person))
    response = getattr(person_client, method)(reverse(name, args=[theirs.pk]), {"usual_pain": 1})
    assert response.status_code == 404
    assert TrialRating.objects.get().usual_pain == theirs.usual_pain
