"""Every workspace URL × method × role: only a verified member of the practice that holds an
active grant sees a patient; everyone else gets the login, the second-factor page or a 404, and
nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.clinic.models import AccessEvent, Clinician, Grant, Membership, Practice, Review
from tests.clinic.factories import GrantFactory, MemberFactory, verified_client

pytestmark = pytest.mark.django_db

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]
# Every URL that shows or changes something of one patient, and what it allows.
PATIENT_URLS = {
    "clinic:patient": {"get", "head"},
    "clinic:figures": {"get", "head"},
    "clinic:insights": {"get", "head"},
    "clinic:csv": {"get", "head"},
    "clinic:fhir": {"get", "head"},
    "clinic:weekly-csv": {"get", "head"},
    "clinic:reviewed": {"post"},
    "clinic:printed": {"post"},
}
PRACTICE_URLS = {
    "clinic:patients": {"get", "head"},
    "clinic:practice": {"get", "head", "post"},
    "clinic:new-code": {"post"},
}


def snapshot() -> dict:
    models = [Practice, Membership, Grant, AccessEvent, Review, Clinician]
    return {m.__name__: sorted(map(repr, m.objects.values())) for m in models}


@pytest.fixture
def grants(practice, person):
    """An active grant, a revoked one and an expired one, all to the same practice."""
    now = timezone.now()
    # Names that cannot be part of one another, so a page holding one never seems to hold another.
    return {
        "active": GrantFactory(person=person, practice=practice, shown_name="Ana Active"),
        "revoked": GrantFactory(practice=practice, revoked_at=now, shown_name="Ben Revoked"),
        "expired": GrantFactory(
            practice=practice,
            shown_name="Cal Expired",
            created_at=now - timedelta(days=40),
            expires_at=now - timedelta(days=10),
        ),
    }


def clients(person, practice) -> dict[str, Client]:
    patient = Client()
    patient.force_login(person)
    unverified = Client()
    unverified.force_login(MemberFactory(practice=practice).person)
    return {
        "anonymous": Client(),
        "patient": patient,
        "member without second factor": unverified,
        "member of another practice": verified_client(MemberFactory().person),
    }


def test_it_sends_everyone_but_a_verified_member_away_from_every_patient_url(
    practice, person, grants
):
    everyone = clients(person, practice)
    before = snapshot()
    for role, client in everyone.items():
        for name in PATIENT_URLS:
            url = reverse(name, args=[grants["active"].pk])
            for method in METHODS:
                response = getattr(client, method)(url)
                if role == "anonymous":
                    assert response.status_code == 302, (role, name, method)
                    assert response.url.startswith(reverse("login"))
                elif role == "member without second factor":
                    assert response.status_code == 302, (role, name, method)
                    assert response.url.startswith(reverse("clinic:two-factor"))
                else:
                    assert response.status_code == 404, (role, name, method)
    assert snapshot() == before


@pytest.mark.parametrize("which", ["revoked", "expired"])
def test_it_answers_404_for_a_revoked_or_expired_grant_on_every_method(
    member_client, grants, which
):
    before = snapshot()
    for name in PATIENT_URLS:
        for method in METHODS:
            response = getattr(member_client, method)(reverse(name, args=[grants[which].pk]))
            assert response.status_code == 404, (which, name, method)
    assert snapshot() == before


def test_it_lets_a_verified_member_use_each_url_with_its_methods_only(member_client, grants):
    url_of = {name: reverse(name, args=[grants["active"].pk]) for name in PATIENT_URLS}
    for name, allowed in PATIENT_URLS.items():
        for method in METHODS:
            response = getattr(member_client, method)(url_of[name])
            if method in allowed:
                assert response.status_code in (200, 204, 302), (name, method)
            else:
                assert response.status_code == 405, (name, method)


def test_it_keeps_the_workspace_from_anyone_without_a_second_factor(practice, person, grants):
    for role, client in clients(person, practice).items():
        if role == "member of another practice":
            continue
        for name in PRACTICE_URLS:
            for method in METHODS:
                response = getattr(client, method)(reverse(name))
                if role == "patient":
                    assert response.status_code == 404, (role, name, method)
                else:
                    assert response.status_code == 302, (role, name, method)
                    assert response.url.startswith((reverse("login"), reverse("clinic:two-factor")))


def test_it_lists_only_the_practices_own_patients(member_client, grants):
    other = GrantFactory(shown_name="Somebody Elsewhere")
    page = member_client.get(reverse("clinic:patients")).text
    assert grants["active"].shown_name in page
    assert grants["revoked"].shown_name not in page
    assert grants["expired"].shown_name not in page
    assert other.shown_name not in page


def test_it_sees_nothing_on_the_next_request_after_a_revoke(member_client, grants, person):
    url = reverse("clinic:patient", args=[grants["active"].pk])
    assert member_client.get(url).status_code == 200
    patient = Client()
    patient.force_login(person)
    patient.post(reverse("practices:revoke", args=[grants["active"].pk]))
    assert member_client.get(url).status_code == 404
    assert member_client.get(url + "fhir.json").status_code == 404


def test_it_refuses_a_non_admin_a_new_code(member_client, practice):
    code = practice.share_code
    assert member_client.post(reverse("clinic:new-code")).status_code == 404
    practice.refresh_from_db()
    assert practice.share_code == code


def test_it_gives_the_admin_a_new_code_that_replaces_the_old(admin_client, practice):
    code = practice.share_code
    admin_client.post(reverse("clinic:new-code"))
    practice.refresh_from_db()
    assert practice.share_code != code


def test_it_sends_the_patient_pages_with_the_share_links_headers(member_client, grants):
    for name in ["clinic:patient", "clinic:csv", "clinic:fhir", "clinic:insights"]:
        response = member_client.get(reverse(name, args=[grants["active"].pk]))
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    listing = member_client.get(reverse("clinic:patients"))
    assert "no-store" in listing["Cache-Control"]
    assert listing["X-Robots-Tag"] == "noindex, nofollow"


def test_it_shows_a_non_clinician_a_404_not_the_second_factor(person_client):
    assert person_client.get(reverse("clinic:two-factor")).status_code == 404


def test_it_lets_a_person_become_a_clinician(person, person_client):
    response = person_client.post(reverse("clinic:join"))
    assert response.url == reverse("clinic:two-factor")
    assert Clinician.objects.filter(person=person).exists()


def test_it_leaves_an_unenrolled_new_clinician_at_the_second_factor(person, person_client):
    person_client.post(reverse("clinic:join"))
    response = person_client.get(reverse("clinic:patients"))
    assert response.url.startswith(reverse("clinic:two-factor"))


def test_it_does_not_let_a_patient_see_a_practice_they_granted(person_client, grants):
    assert (
        person_client.get(reverse("clinic:patient", args=[grants["active"].pk])).status_code == 404
    )
