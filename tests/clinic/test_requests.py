"""A member holding a patient's share link asks to add the patient; the patient answers on their
own screen; the link keeps working."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from journal.clinic.models import AccessRequest, Grant
from tests.clinic.factories import GrantFactory
from tests.factories import ShareLinkFactory

pytestmark = pytest.mark.django_db
ASK = "/clinic/practice/ask/"
TOKEN = "a-link-the-patient-gave"


@pytest.fixture
def link(person):
    return ShareLinkFactory(person=person, token=TOKEN, include_notes=True, label="Dr Lee")


def test_it_asks_and_the_patient_says_yes(member_client, member, link, person_client, practice):
    response = member_client.post(ASK, {"link": f"https://example.org/shared/{TOKEN}/"})
    assert response.url == reverse("clinic:practice")
    page = person_client.get("/sharing/practices/").text
    assert f"{practice.name} asks to see your record" in page and member.person.name in page
    asked = AccessRequest.objects.get()
    person_client.post(reverse("practices:answer", args=[asked.pk]), {"answer": "yes"})
    grant = Grant.objects.get()
    assert (grant.include_notes, grant.expires_at) == (True, link.expires_at)
    assert Client().get(f"/shared/{TOKEN}/").status_code == 200


def test_it_records_a_no_and_grants_nothing(member_client, link, person_client):
    member_client.post(ASK, {"link": TOKEN})
    asked = AccessRequest.objects.get()
    person_client.post(reverse("practices:answer", args=[asked.pk]), {"answer": "no"})
    response = person_client.post(
        reverse("practices:answer", args=[asked.pk]), {"answer": "yes"}, follow=True
    )
    assert "answered this already" in response.text
    assert not Grant.objects.exists()


def test_it_refuses_a_wrong_link_and_counts_it(member_client, monkeypatch):
    counted = []
    monkeypatch.setattr("backrelease.capability.budget.count_miss", lambda r: counted.append(1))
    response = member_client.post(ASK, {"link": "https://example.org/shared/nope/"})
    assert response.status_code == 404 and counted == [1]
    assert "does not open" in response.text
    assert not AccessRequest.objects.exists()


def test_it_refuses_a_revoked_link(member_client, link):
    link.revoked_at = link.created_at
    link.save()
    assert member_client.post(ASK, {"link": TOKEN}).status_code == 404
    assert not AccessRequest.objects.exists()


def test_it_refuses_asking_twice_or_for_a_patient_already_shared(
    member_client, link, practice, person
):
    member_client.post(ASK, {"link": TOKEN})
    again = member_client.post(ASK, {"link": TOKEN})
    assert again.status_code == 422 and "asked already" in again.text
    AccessRequest.objects.all().delete()
    GrantFactory(person=person, practice=practice)
    shared = member_client.post(ASK, {"link": TOKEN})
    assert shared.status_code == 422 and "shares with the practice already" in shared.text
    assert not AccessRequest.objects.exists()


def test_it_lets_only_the_patient_answer(member_client, link, other_person):
    member_client.post(ASK, {"link": TOKEN})
    asked = AccessRequest.objects.get()
    stranger = Client()
    stranger.force_login(other_person)
    response = stranger.post(reverse("practices:answer", args=[asked.pk]), {"answer": "yes"})
    assert response.status_code == 404
    assert not Grant.objects.exists()
