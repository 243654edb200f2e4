"""Whatever a patient or a clinician sends to the clinic's forms, the answer is never a 5xx and
every stored row passes its validators."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from journal.clinic.models import Grant, Invitation, Practice
from tests.clinic.factories import MemberFactory, PracticeFactory, verified_client
from tests.factories import UserFactory
from tests.test_hostile_input import FUZZ, posts

pytestmark = pytest.mark.django_db

PATIENT_FORMS = {
    "/sharing/practices/": ["code"],
    "/sharing/practices/grant/": [
        "code",
        "shown_name",
        "include_notes",
        "shows_from",
        "shows_until",
        "expires_on",
    ],
}
CLINICIAN_FORMS = {
    "/clinic/practice/ask/": ["link"],
    "/clinic/practice/invite/": ["email", "role"],
    "/clinic/two-factor/": ["token"],
}


def assert_rows_valid() -> None:
    for model in (Practice, Grant, Invitation):
        for row in model.objects.all():
            row.clean_fields(exclude=["person", "practice", "invited_by"])


@pytest.mark.parametrize("url", PATIENT_FORMS)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_patient_post(url, data):
    practice = PracticeFactory()
    client = Client()
    client.force_login(UserFactory())
    post = data.draw(posts(PATIENT_FORMS[url]))
    if data.draw(st.booleans()):
        post["code"] = practice.share_code
    htmx = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans()) else {}
    assert client.post(url, post, **htmx).status_code < 500
    assert_rows_valid()


@pytest.mark.parametrize("url", CLINICIAN_FORMS)
@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_clinician_post(url, data):
    client = verified_client(MemberFactory(role="admin").person)
    post = data.draw(posts(CLINICIAN_FORMS[url]))
    assert client.post(url, post).status_code < 500
    assert_rows_valid()
