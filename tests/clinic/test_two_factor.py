"""The clinician's second factor: enrolment with an authenticator and recovery codes before any
patient, the second step of each sign-in, and the shorter idle time."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from journal.clinic import two_factor
from journal.clinic.models import Clinician
from tests.clinic.factories import MemberFactory, code_now, verified_client

pytestmark = pytest.mark.django_db
URL = "/clinic/two-factor/"


@pytest.fixture
def new_clinician(person, person_client):
    Clinician.objects.create(person=person)
    return person_client


def test_it_shows_a_qr_code_and_the_key_to_enrol(new_clinician, person):
    response = new_clinician.get(URL)
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    assert "<svg" in response.text
    assert two_factor.secret_of(device) in response.text
    # A reload keeps the secret the app has already scanned.
    new_clinician.get(URL)
    assert TOTPDevice.objects.get(user=person, confirmed=False).key == device.key


def test_it_enrols_with_a_right_code_and_shows_recovery_codes_once(new_clinician, person):
    new_clinician.get(URL)
    device = TOTPDevice.objects.get(user=person)
    response = new_clinician.post(URL, {"token": code_now(device)})
    device.refresh_from_db()
    assert device.confirmed
    tokens = list(StaticToken.objects.filter(device__user=person).values_list("token", flat=True))
    assert len(tokens) == two_factor.RECOVERY_CODES
    assert all(token in response.text for token in tokens)
    assert new_clinician.get(reverse("clinic:practice")).status_code == 200


def test_it_refuses_a_wrong_code_at_enrolment(new_clinician, person):
    new_clinician.get(URL)
    response = new_clinician.post(URL, {"token": "000000"})
    assert response.status_code == 422
    assert "not right" in response.text
    assert not TOTPDevice.objects.get(user=person).confirmed
    assert new_clinician.get(reverse("clinic:patients")).url.startswith(URL)


def test_it_asks_for_the_second_factor_after_the_password(member):
    client = Client()
    client.force_login(member.person)
    response = client.get(reverse("clinic:patients"))
    assert response.url == f"{URL}?next=/clinic/"
    device = TOTPDevice.objects.get(user=member.person)
    response = client.post(f"{URL}?next=/clinic/", {"token": code_now(device)})
    assert response.url == "/clinic/"
    assert client.get("/clinic/").status_code == 200


def test_it_takes_a_recovery_code_once(member):
    device = TOTPDevice.objects.get(user=member.person)
    recovery = two_factor.StaticDevice.objects.create(user=member.person, name="Recovery codes")
    recovery.token_set.create(token="recover1")
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(member.person)
    assert first.post(URL, {"token": "recover1"}).status_code == 302
    assert second.post(URL, {"token": "recover1"}).status_code == 422
    assert device.confirmed


def test_it_signs_an_idle_clinician_out(member_client, settings):
    session = member_client.session
    session[two_factor.SEEN_KEY] = time.time() - settings.CLINICIAN_IDLE_MINUTES * 60 - 1
    session.save()
    response = member_client.get(reverse("clinic:patients"))
    assert response.url.startswith(reverse("login"))
    # Signing in again asks for the second factor.
    member_client.force_login(two_factor.TOTPDevice.objects.get().user)
    assert member_client.get(reverse("clinic:patients")).url.startswith(URL)


def test_it_sets_a_short_session_for_a_verified_clinician(member, settings):
    client = verified_client(member.person)
    client.get(reverse("clinic:patients"))
    assert client.session.get_expiry_age() <= settings.CLINICIAN_IDLE_MINUTES * 60


def test_it_refuses_a_device_of_someone_else(member, practice):

    intruder = MemberFactory(practice=practice)
    client = Client()
    client.force_login(intruder.person)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=member.person).persistent_id
    session.save()
    assert client.get(reverse("clinic:patients")).url.startswith(URL)
