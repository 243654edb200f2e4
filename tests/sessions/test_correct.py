"""A finished session can be opened from the history and its ratings corrected; the record says
when, and the trends and the clinician's report follow."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backrelease.common.period import Period
from journal import trends
from sessions.models import ReleaseSession
from tests.factories import ReleaseSessionFactory, ShareLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(person):
    return ReleaseSessionFactory(person=person, finished=True, pain_before=7, pain_after=4)


def url(session) -> str:
    return reverse("sessions:correct", args=[session.pk])


def good(**change) -> dict:
    return {"pain_before": "7", "arch_before": "3", "arch_after": "1", "pain_after": "2", **change}


def test_it_is_reached_from_the_history(finished, person_client):
    page = person_client.get(reverse("sessions:history")).text
    assert url(finished) in page
    assert finished.get_absolute_url() in page


def test_it_shows_the_form_and_its_partial(finished, person_client, htmx_headers):
    page = person_client.get(url(finished)).text
    assert "Correct the session of" in page
    assert 'value="4" id="id_pain_after_4" checked' in page
    partial = person_client.get(url(finished), **htmx_headers).text
    assert partial.lstrip().startswith('<form id="correct-form"')


def test_it_corrects_and_says_when(finished, person_client):
    response = person_client.post(url(finished), good())
    assert response.url == finished.get_absolute_url()
    finished.refresh_from_db()
    assert (finished.pain_after, finished.arch_after) == (2, 1)
    assert finished.corrected_at is not None
    page = person_client.get(response.url).text
    assert "Corrected. Your trends and any share links show the change." in page
    assert f"Corrected {timezone.localtime(finished.corrected_at):%-d %b %Y}" in page
    assert "corrected" in person_client.get(reverse("sessions:history")).text


def test_an_htmx_save_moves_to_the_session(finished, person_client, htmx_headers):
    response = person_client.post(url(finished), good(), **htmx_headers)
    assert response["HX-Redirect"] == finished.get_absolute_url()


def test_saving_nothing_new_marks_nothing(finished, person_client):
    person_client.post(url(finished), good(pain_after="4"))
    finished.refresh_from_db()
    assert finished.corrected_at is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pain_before": "11"}, "Your pain before must be a whole number from 0 to 10."),
        ({"pain_before": ""}, "Choose your pain before"),
        ({"arch_after": "7"}, "The arch rating is a whole number from 0 to 4."),
        ({"note": "x" * 2001}, "Keep the note under 2000 characters."),
        ({"note": "a\x00b"}, "control"),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(finished, person_client, change, message):
    response = person_client.post(url(finished), good(**change), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert message in response.text
    finished.refresh_from_db()
    assert (finished.pain_after, finished.corrected_at) == (4, None)


def test_it_corrects_only_the_persons_finished_sessions(person, person_client, other_person):
    theirs = ReleaseSessionFactory(person=other_person, finished=True)
    assert person_client.post(url(theirs), good()).status_code == 404
    open_session = ReleaseSessionFactory(person=person)
    assert person_client.get(url(open_session)).status_code == 404


def test_the_trends_and_the_report_follow(finished, person, person_client):
    ShareLinkFactory(person=person, token="report-token")
    (week,) = trends.weekly(Period.of(person).last_weeks(1))
    assert week.pain_after == 4
    person_client.post(url(finished), good(pain_after="1"))
    (week,) = trends.weekly(Period.of(person).last_weeks(1))
    assert week.pain_after == 1
    report = Client().get("/shared/report-token/").text
    assert "<td>7 → 1</td>" in report
    assert "corrected by the person" in report


def test_the_database_refuses_a_correction_of_an_open_session(person):
    session = ReleaseSessionFactory(person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseSession.objects.filter(pk=session.pk).update(corrected_at=timezone.now())


def test_it_changes_only_the_ratings_posted(person, person_client):
    session = ReleaseSessionFactory(
        person=person, finished=True, pain_before=6, arch_before=3, arch_after=1, pain_after=2
    )
    response = person_client.post(
        reverse("sessions:correct", args=[session.pk]), {"pain_before": 7}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.pain_before, session.arch_before, session.arch_after, session.pain_after) == (
        7,
        3,
        1,
        2,
    )


@pytest.mark.parametrize("rating", ["pain_before", "arch_before", "arch_after", "pain_after"])
def test_a_rating_the_session_has_cannot_be_posted_away(finished, person_client, rating):
    response = person_client.post(url(finished), good(**{rating: ""}), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Choose" in response.text
    finished.refresh_from_db()
    assert getattr(finished, rating) is not None
    assert finished.corrected_at is None


def test_a_rating_the_session_never_had_may_stay_empty(person, person_client):
    stopped = ReleaseSessionFactory(
        person=person, finished=True, pain_before=6, arch_before=3, arch_after=None, pain_after=5
    )
    response = person_client.post(url(stopped), good(arch_after="", pain_after="4"))
    assert response.status_code == 302
    stopped.refresh_from_db()
    assert (stopped.arch_after, stopped.pain_after) == (None, 4)
