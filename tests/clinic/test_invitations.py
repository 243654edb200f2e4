"""An admin invites a clinician by e-mail, through the task queue; the link works once, keeps its
token out of the page with the form and out of every log."""

from __future__ import annotations

import re

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import reverse

from journal.clinic import invitations
from journal.clinic.models import Clinician, Invitation, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
INVITE = "/clinic/practice/invite/"


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_it_mails_an_invitation_that_makes_a_member(admin_client, practice, run_tasks, caplog):
    response = admin_client.post(INVITE, {"email": "lee@example.org", "role": "clinician"})
    assert response.url == reverse("clinic:practice")
    assert not outbox.outbox  # the mail leaves outside the request
    run_tasks()
    (message,) = outbox.outbox
    assert message.to == ["lee@example.org"] and practice.name in message.body
    lee = UserFactory(email="lee@example.org")
    client = Client()
    client.force_login(lee)
    opened = client.get(link_in(message))
    assert opened.url == reverse("clinic:invitation-accept")
    page = client.get(opened.url)
    assert practice.name in page.text and page["Referrer-Policy"] == "same-origin"
    assert client.post(opened.url).url == reverse("clinic:two-factor")
    assert Membership.objects.get(person=lee).practice == practice
    assert Clinician.objects.filter(person=lee).exists()
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert token not in caplog.text


def test_it_works_once(admin_client, practice, admin):
    invitation = Invitation.objects.create(practice=practice, email="a@example.org")
    token = invitations.token_for(invitation)
    invitations.accept(invitation, UserFactory())
    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("clinic:invitation", args=[token]))
    assert response.status_code == 404
    assert "does not work" in response.text


def test_it_refuses_an_invitation_to_an_existing_member(admin_client, member):
    member.person.email = "member@example.org"
    member.person.save()
    response = admin_client.post(INVITE, {"email": "MEMBER@example.org", "role": "clinician"})
    assert response.status_code == 422
    assert "is a member already" in response.text
    assert not Invitation.objects.exists()


def test_it_refuses_a_second_invitation_to_the_same_address(admin_client):
    admin_client.post(INVITE, {"email": "lee@example.org", "role": "clinician"})
    response = admin_client.post(INVITE, {"email": "Lee@example.org", "role": "admin"})
    assert response.status_code == 422
    assert "waiting already" in response.text
    assert Invitation.objects.count() == 1


def test_it_refuses_a_non_admin(member_client):
    response = member_client.post(INVITE, {"email": "lee@example.org", "role": "clinician"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_it_refuses_someone_who_belongs_to_a_practice(practice, member):
    invitation = Invitation.objects.create(practice=practice, email="x@example.org")
    client = Client()
    client.force_login(member.person)
    client.get(reverse("clinic:invitation", args=[invitations.token_for(invitation)]))
    response = client.post(reverse("clinic:invitation-accept"))
    assert response.status_code == 422
    assert "belong to a practice already" in response.text
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_counts_a_wrong_token_like_any_capability_url(monkeypatch):
    counted = []
    monkeypatch.setattr("backrelease.capability.budget.count_miss", lambda r: counted.append(1))
    response = Client().get("/clinic/invitation/not-a-token/")
    assert response.status_code == 404 and counted == [1]
    assert response["Referrer-Policy"] == "no-referrer"
