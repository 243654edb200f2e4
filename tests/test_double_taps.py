"""Two identical requests at once, as a double tap or a retry sends them, against the real database.

Each request runs in its own thread with its own connection; a barrier lets them go together.
Whatever the interleaving, one row is stored and neither request fails.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from backrelease.accounts.models import User
from journal.models import JournalEntry, WeeklyCheckIn
from sessions.models import ReleaseSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def twice_at_once(send: Callable[[Client], object], client_for: Callable[[], Client]) -> list:
    clients = [client_for(), client_for()]
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = send(clients[index])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert None not in responses, "a request did not finish"
    return responses


def signed_in(person) -> Callable[[], Client]:
    def make() -> Client:
        client = Client()
        client.force_login(person)
        return client

    return make


def test_a_doubled_journal_save_stores_one_entry():
    person = UserFactory()
    post = {"pain": "4", "note": "once", "submission_key": str(uuid.uuid4())}
    responses = twice_at_once(
        lambda c: c.post(reverse("journal:new"), post, HTTP_HX_REQUEST="true"), signed_in(person)
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert all("Saved: pain 4" in r.text for r in responses)
    assert JournalEntry.objects.filter(person=person).count() == 1


def test_a_doubled_check_in_stores_one_and_answers_both():
    person = UserFactory()
    post = {"pain_average": "5", "enjoyment_interference": "4", "activity_interference": "3"}
    responses = twice_at_once(
        lambda c: c.post(reverse("journal:check-in"), post, HTTP_HX_REQUEST="true"),
        signed_in(person),
    )
    assert [r.status_code for r in responses] == [200, 200]
    assert WeeklyCheckIn.objects.filter(person=person).count() == 1


def test_two_sign_ups_with_one_name_make_one_account():
    post = {
        "username": "ann",
        "display_name": "Ann",
        "time_zone": "Europe/London",
        "password1": "a-long-test-password",
        "password2": "a-long-test-password",
    }
    responses = twice_at_once(lambda c: c.post(reverse("signup"), post), Client)
    assert sorted(r.status_code for r in responses) == [302, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "taken" in refused.text or "already exists" in refused.text
    assert User.objects.filter(username__iexact="ann").count() == 1


def test_two_imports_at_once_store_one_copy():
    person = UserFactory()
    export = {
        "format": "back-release-export",
        "version": 1,
        "journal_entries": [
            {"recorded_at": "2026-11-20T10:00:00+00:00", "pain": 3, "tags": [], "note": ""}
        ],
    }

    def send(client: Client):
        upload = SimpleUploadedFile("export.json", json.dumps(export).encode())
        return client.post(reverse("import"), {"file": upload}, HTTP_HX_REQUEST="true")

    responses = twice_at_once(send, signed_in(person))
    assert sorted(r.status_code for r in responses) == [200, 422]
    assert JournalEntry.objects.filter(person=person).count() == 1


def test_a_doubled_start_opens_one_session():
    person = UserFactory()
    responses = twice_at_once(lambda c: c.post(reverse("sessions:new")), signed_in(person))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert ReleaseSession.objects.filter(person=person).count() == 1
