"""Words on screen that read right."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import StopReason
from tests.factories import ReleaseSessionFactory

pytestmark = pytest.mark.django_db


def test_a_session_stopped_for_sharp_pain_reads_cleanly(person, person_client):
    session = ReleaseSessionFactory(
        person=person,
        finished=True,
        stopped_early_reason=StopReason.SHARP_PAIN,
        pain_before=5,
        pain_after=7,
        relax_seconds=0,
    )
    page = person_client.get(session.get_absolute_url()).text
    assert "sharp pain pain" not in page
    # Said once at the top of the session's own page, then the ratings alone.
    assert page.count("Stopped early: sharp pain") == 1
    assert re.search(r'<p class="summary">\s*<span class="change">pain 5 → 7', page)
    assert "Time on the ball" not in page
    # In the list of sessions, the row says how it ended beside its ratings.
    history = person_client.get(reverse("sessions:history")).text
    assert re.search(
        r"Stopped early: sharp pain</span> ·\s*<span class=\"change\">pain 5 → 7", history
    )


def test_an_empty_sign_up_names_each_missing_field():
    page = Client().post(reverse("signup"), {}).text
    assert "This field is required." not in page
    for message in ("Choose a username.", "Choose a password.", "Type the password again"):
        assert message in page


def test_the_calendar_qr_code_is_an_image(person_client):
    page = person_client.post(reverse("reminders:new-feed")).text
    assert '<svg role="img"' in page
