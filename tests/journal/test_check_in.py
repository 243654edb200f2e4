from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from journal.models import WeeklyCheckIn
from tests.factories import WeeklyCheckInFactory

pytestmark = pytest.mark.django_db
URL = reverse("journal:check-in")
ANSWERS = {"pain_average": "6", "enjoyment_interference": "5", "activity_interference": "4"}


def test_it_shows_the_three_questions(person_client):
    page = person_client.get(URL).text
    assert "on average this week" in page
    assert "enjoying life" in page
    assert "everyday activity" in page


def test_it_renders_the_form_partial_for_htmx(person_client, htmx_headers):
    partial = person_client.get(URL, **htmx_headers).text
    assert partial.lstrip().startswith('<form id="check-in-form"')


@time_machine.travel("2026-11-25 12:00Z", tick=False)
def test_it_saves_one_check_in_a_week_and_edits_it(person, person_client, htmx_headers):
    response = person_client.post(URL, ANSWERS, **htmx_headers)
    assert "Your score this week is 5.0" in response.text
    person_client.post(URL, {**ANSWERS, "pain_average": "3"}, **htmx_headers)
    check_in = WeeklyCheckIn.objects.get(person=person)
    assert check_in.week_start == date(2026, 11, 23)
    assert check_in.pain_average == 3


@time_machine.travel("2026-11-22 23:30Z", tick=False)
def test_it_counts_the_week_in_the_persons_zone(person, person_client):
    person.time_zone = "Australia/Sydney"
    person.save()
    person_client.post(URL, ANSWERS)
    assert WeeklyCheckIn.objects.get(person=person).week_start == date(2026, 11, 23)


def test_it_refuses_missing_answers(person, person_client, htmx_headers):
    response = person_client.post(URL, {"pain_average": "6"}, **htmx_headers)
    assert response.status_code == 422
    assert "Choose your answer on enjoyment of life" in response.text
    assert not WeeklyCheckIn.objects.exists()


def test_it_is_one_a_week_and_a_monday_in_the_database(person):
    WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 23))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 23))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 24))
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyCheckInFactory(person=person, week_start=date(2026, 11, 30), pain_average=11)


def test_it_never_shows_another_persons_check_in(person_client, other_person):
    WeeklyCheckInFactory(person=other_person, pain_average=9)
    page = person_client.get(URL).text
    assert 'value="9" required checked' not in page
    assert "checked" not in page


def test_it_sends_anonymous_visitors_to_log_in(db):
    assert Client().get(URL).url.startswith(reverse("login"))
