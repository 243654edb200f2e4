from __future__ import annotations

import re

import pytest
from django.urls import reverse

from journal.clinic.models import CODE_ALPHABET, Membership, Practice
from tests.clinic.factories import MemberFactory, verified_client

pytestmark = pytest.mark.django_db
URL = "/clinic/practice/"


@pytest.fixture
def lone_client(db):
    """A verified clinician of no practice yet."""
    member = MemberFactory()
    person = member.person
    practice = member.practice
    member.delete()
    practice.delete()
    return verified_client(person)


def test_it_sends_a_clinician_without_practice_to_create_one(lone_client):
    assert lone_client.get(reverse("clinic:patients")).url == URL


def test_it_creates_a_practice_with_its_creator_as_admin(lone_client):
    response = lone_client.post(URL, {"name": "Riverside Physio"})
    assert response.url == URL
    practice = Practice.objects.get()
    assert practice.members.get().role == "admin"
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{12}}", practice.share_code)
    assert not set(practice.share_code) & set("IO01")
    page = lone_client.get(URL).text
    assert practice.share_code[:4] in page and practice.name in page


def test_it_refuses_an_empty_name(lone_client):
    response = lone_client.post(URL, {"name": ""})
    assert response.status_code == 422
    assert "Give the practice a name" in response.text
    assert not Practice.objects.exists()


def test_it_creates_nothing_for_a_member_posting_again(admin_client, practice):
    admin_client.post(URL, {"name": "Second"})
    assert list(Practice.objects.all()) == [practice]


def test_it_lists_the_members(admin_client, admin, member):
    page = admin_client.get(URL).text
    assert admin.person.name in page and member.person.name in page


def test_it_tells_members_when_no_admin_is_left(admin, member, member_client):
    admin.person.delete()
    assert not Membership.objects.filter(person_id=admin.person_id).exists()
    assert "no admin left" in member_client.get(URL).text


def test_it_signs_a_newcomer_up_as_a_clinician(client):
    page = client.get("/clinic/join/").text
    assert "/accounts/signup/?next=/clinic/join/" in page
    form = client.get("/accounts/signup/?next=/clinic/join/").text
    assert 'name="next" value="/clinic/join/"' in form
    response = client.post(
        "/accounts/signup/",
        {
            "username": "drlee",
            "time_zone": "Europe/London",
            "password1": "a-long-test-password",
            "password2": "a-long-test-password",
            "next": "/clinic/join/",
        },
    )
    assert response.url == "/clinic/join/"
    assert client.post("/clinic/join/").url == "/clinic/two-factor/"


def test_it_sends_an_anonymous_join_to_the_login(client):
    assert client.post("/clinic/join/").url.startswith("/accounts/login/")
