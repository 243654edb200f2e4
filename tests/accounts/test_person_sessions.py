"""A signed-in request reads its session and its person in one query, and everything a session
guarantees still holds: logout, expiry, a password change elsewhere, a deleted account."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backrelease.accounts.models import PersonSession, User
from backrelease.devtools import localserver
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SESSIONS = PersonSession._meta.db_table
PEOPLE = User._meta.db_table


def signed_in(person) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    return client


def reads_of(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def test_one_query_reads_the_session_and_the_person(person):
    client = signed_in(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("journal:list")).status_code == 200
    (session_read,) = reads_of(queries.captured_queries, SESSIONS)
    assert f'JOIN "{PEOPLE}"' in session_read
    assert reads_of(queries.captured_queries, PEOPLE) == []


def test_the_session_row_names_its_person_and_goes_with_the_account(person):
    client = signed_in(person)
    key = client.cookies["sessionid"].value
    assert PersonSession.objects.get(session_key=key).person == person
    person.delete()
    assert not PersonSession.objects.filter(session_key=key).exists()


def test_a_session_of_the_release_before_still_signs_its_person_in(person):
    """During a rolling deploy servers of the release before write the same table without the
    person's column; their sessions are read the usual way, and nobody is signed out."""
    old = DatabaseSessionStore()
    old[SESSION_KEY] = str(person.pk)
    old[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    old[HASH_SESSION_KEY] = person.get_session_auth_hash()
    old.create()
    assert PersonSession.objects.get(session_key=old.session_key).person_id is None
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert client.get(reverse("journal:list")).status_code == 200
    # And a session this release writes is one the release before can read.
    mine = signed_in(person).cookies[settings.SESSION_COOKIE_NAME].value
    assert DatabaseSessionStore(mine).load()[SESSION_KEY] == str(person.pk)


def test_the_development_servers_cookie_opens_a_signed_in_page(person):
    name, key = localserver.session_cookie(person)
    client = Client()
    client.cookies[name] = key
    assert client.get(reverse("journal:list")).status_code == 200
    assert PersonSession.objects.get(session_key=key).person == person


def test_logging_out_ends_the_session(person):
    client = signed_in(person)
    client.post(reverse("logout"))
    assert client.get(reverse("journal:list")).status_code == 302


def test_a_password_changed_elsewhere_signs_this_session_out(person):
    here, elsewhere = signed_in(person), signed_in(person)
    new = "an-entirely-new-password"
    changed = elsewhere.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert elsewhere.get(reverse("journal:list")).status_code == 200
    assert here.get(reverse("journal:list")).status_code == 302


def test_an_expired_session_is_signed_out(person, settings):
    client = signed_in(person)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert client.get(reverse("journal:list")).status_code == 302


def test_a_deactivated_person_is_signed_out(person):
    client = signed_in(person)
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(reverse("journal:list")).status_code == 302
