"""The clinician's pages in the clinician's language, figures in its form (a decimal comma in
German), and the invitation mail in its recipient's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail as outbox
from django.urls import reverse
from django.utils import timezone, translation

from journal.clinic import workspace
from tests.clinic.factories import GrantFactory
from tests.factories import JournalEntryFactory, UserFactory

pytestmark = pytest.mark.django_db
# A Wednesday; its week began on Monday 16 November (London).
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
BASELINE_DAY = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)
INVITE = "/clinic/practice/invite/"


@pytest.fixture
def rated(practice):
    """Baseline 4, 4, 5, 4, 5 (4.4); this week 6, 6, 7, 6, 5 (6.0): an interval on both sides."""
    grant = GrantFactory(practice=practice, shown_name="Ann")
    for n, pain in enumerate([4, 4, 5, 4, 5]):
        JournalEntryFactory(
            person=grant.person, pain=pain, recorded_at=BASELINE_DAY + timedelta(hours=n)
        )
    for n, pain in enumerate([6, 6, 7, 6, 5]):
        JournalEntryFactory(
            person=grant.person, pain=pain, recorded_at=NOW - timedelta(days=1, hours=n)
        )
    return grant


def rows_of(page: str) -> str:
    return page[page.index('<div id="patient-rows"') :]


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_workspace_figures_in_german(rated, member_client):
    english = rows_of(member_client.get(reverse("clinic:patients")).text)
    assert "6.0" in english and "4.4" in english and "+1.6" in english
    member_client.cookies["django_language"] = "de"
    response = member_client.get(reverse("clinic:patients"))
    german = rows_of(response.text)
    assert response.status_code == 200 and response["Content-Language"] == "de"
    assert "6,0" in german and "4,4" in german and "+1,6" in german
    assert not re.search(r"\d\.\d", german)  # no figure with a decimal point is left
    assert "Oktober 2026" in german  # the baseline's week, in German's date form
    # The links and the flags' keys are the same in every language.
    assert german.count('href="/clinic/patients/') == english.count('href="/clinic/patients/')


@time_machine.travel(NOW, tick=False)
def test_it_gives_the_same_figures_whatever_the_language(practice, rated):
    with translation.override("de"):
        german = workspace.rows(practice)
    assert german == workspace.rows(practice)


@time_machine.travel(NOW, tick=False)
def test_it_shows_a_patient_page_in_the_clinicians_saved_language(rated, member, member_client):
    member.person.language = "de"
    member.person.save()
    response = member_client.get(reverse("clinic:patient", args=[rated.pk]))
    assert response.status_code == 200 and response["Content-Language"] == "de"
    assert "4,4" in response.text and "6,0" in response.text
    figures = member_client.get(reverse("clinic:patient", args=[rated.pk]) + "figures.json")
    # Data for machines keeps the decimal point.
    assert figures.status_code == 200 and b"4.4" in figures.getvalue()


def test_it_mails_an_invitation_in_the_recipients_language(admin_client, run_tasks):
    UserFactory(email="lee@example.org", language="es", email_confirmed_at=timezone.now())
    admin_client.cookies["django_language"] = "de"
    admin_client.post(INVITE, {"email": "lee@example.org", "role": "clinician"})
    run_tasks()
    (message,) = outbox.outbox
    assert message.extra_headers["Content-Language"] == "es"


def test_it_mails_an_invitation_in_the_admins_language_to_a_stranger(admin_client, run_tasks):
    # An unconfirmed address does not speak for the account that typed it.
    UserFactory(email="lee@example.org", language="es", email_confirmed_at=None)
    admin_client.cookies["django_language"] = "de"
    admin_client.post(INVITE, {"email": "lee@example.org", "role": "clinician"})
    run_tasks()
    (message,) = outbox.outbox
    assert message.extra_headers["Content-Language"] == "de"
    assert "https://" in message.body or "http://" in message.body
