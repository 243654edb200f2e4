"""Stopping a plan early: kept, marked stopped, counted to that day; once only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from journal.trial.models import Status, TrialPlan
from tests.factories import TrialPlanFactory

pytestmark = pytest.mark.django_db
URL = reverse("trial:stop")


def test_it_stops_the_running_plan_and_keeps_it(person, person_client):
    plan = TrialPlanFactory(person=person, starts_on=timezone.localdate() - timedelta(days=3))
    response = person_client.post(URL, follow=True)
    plan.refresh_from_db()
    assert plan.status == Status.STOPPED
    assert plan.stopped_on == timezone.localdate()
    assert plan.stopped_at is not None
    assert "Stopped early. The plan is kept" in response.text
    assert "was stopped early on" in response.text


def test_the_htmx_answer_is_the_plan_part_with_the_message(person, person_client, htmx_headers):
    TrialPlanFactory(person=person)
    response = person_client.post(URL, **htmx_headers)
    assert response.status_code == 200
    assert 'id="plan-body"' in response.text and "<h1>" not in response.text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "Stopped early" in response.text


def test_a_second_stop_says_so_and_changes_nothing(person, person_client):
    TrialPlanFactory(person=person)
    person_client.post(URL)
    stopped = TrialPlan.objects.get(person=person)
    response = person_client.post(URL, follow=True)
    assert "No trial plan is running, so there is nothing to stop." in response.text
    again = TrialPlan.objects.get(person=person)
    assert (again.status, again.stopped_at, again.updated_at) == (
        Status.STOPPED,
        stopped.stopped_at,
        stopped.updated_at,
    )


def test_a_second_stop_by_htmx_is_refused_with_422(person, person_client, htmx_headers):
    response = person_client.post(URL, **htmx_headers)
    assert response.status_code == 422
    assert "nothing to stop" in response.text


def test_it_stops_only_the_persons_own_plan(person_client, other_person):
    theirs = TrialPlanFactory(person=other_person)
    person_client.post(URL)
    theirs.refresh_from_db()
    assert theirs.status == Status.RUNNING


def test_it_takes_only_post(person, person_client):
    TrialPlanFactory(person=person)
    assert person_client.get(URL).status_code == 405
    assert TrialPlan.objects.get(person=person).status == Status.RUNNING


def test_a_plan_started_east_of_a_new_zone_stops_on_its_first_day(person, person_client):
    """Started in Auckland, stopped after moving to London, where it is still the day before."""
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    person.time_zone = "Pacific/Auckland"
    person.save()
    with time_machine.travel(now, tick=False):
        plan = TrialPlanFactory(person=person, starts_on=date(2026, 12, 6))
        person.time_zone = "Europe/London"
        person.save()
        response = person_client.post(URL)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.stopped_on) == (Status.STOPPED, date(2026, 12, 6))
